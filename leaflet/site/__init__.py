"""Stage 5, site: the catalog page, ``watch`` and ``serve``, and what they say."""
