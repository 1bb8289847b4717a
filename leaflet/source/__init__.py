"""Stage 1, source: a handout file → front matter, kind and Markdown turned into HTML."""
