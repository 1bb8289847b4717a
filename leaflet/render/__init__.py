"""Stage 2, render: Jinja2 fills the kind's template, WeasyPrint lays it out."""
