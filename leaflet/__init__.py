"""make_pdf: large-print Japanese handouts from Markdown.

The modules are the pipeline's stages, in order:
``load`` (front matter + Markdown + our extensions) → ``render`` (Jinja2 + WeasyPrint)
→ ``check`` (legibility measured on the laid-out pages) → ``build`` (what to build,
atomically, one failure never stopping the others).
"""

__version__ = "0.1.0"
