"""Stage 3, check: the preflight, legibility measured on the laid-out pages.

``preflight`` runs every rule (``RULES``) on a rendered handout; each rule is one module;
``report`` holds what they found. This package itself imports nothing, so reading a
report (a worker's result) never loads WeasyPrint.
"""
