"""Every figure the preflight measures against, in one place.

Sizes are in points, distances in millimetres. A handout may relax a rule (not change
a figure) in its front matter, with a written reason: ``relax: {contrast: "…"}``.
"""

from __future__ import annotations

# Text size (rule text_size). Nothing is under 9 pt except furigana: notes are >= 10.5.
BODY_MIN_PT = 14.0
NOTE_MIN_PT = 10.5
FURIGANA_MIN_PT = 8.0

# What counts as a note (small on purpose): text in the page margins (footer, page
# number), in these elements, or under these classes. Anything else under 14 pt is
# body text that came out too small. Furigana is text inside <rt>.
NOTE_TAGS = frozenset({"small"})
NOTE_CLASSES = frozenset({"note", "running-footer", "revised", "day"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Contrast (rule contrast), WCAG 2 ratios; "large" text needs less.
CONTRAST_MIN = 7.0
CONTRAST_LARGE_MIN = 4.5
LARGE_TEXT_PT = 18.0
LARGE_BOLD_TEXT_PT = 14.0
BOLD_WEIGHT = 700
PAPER_RGB = (1.0, 1.0, 1.0)  # what is behind a transparent page

# Safe area (rule safe_area): office printers cannot print near the paper edge.
SAFE_AREA_MM = 5.0

# Overflow (rule overflow): the kind's page budget (templates/<kind>.yaml ``pages``);
# the extra-large edition may take this many pages more.
EDITION_EXTRA_PAGES = {"xl": 1}

# Line length and pitch (rule lines), for body lines (not headings, notes or large text).
LINE_CHARS_MAX = {"normal": 40, "xl": 30}
LINE_PITCH_MIN = 1.5  # line box height / font size

# Line and page breaks (rule breaks): body text breaks only between phrases
# (leaflet/source/markdown/phrasing.py); a paragraph's last line holds at least this many
# characters (the Markdown stage joins a short last phrase to the one before it); every
# page but the last is at least this full, unless what comes next is kept whole.
LAST_LINE_CHARS_MIN = 4
PAGE_FILL_MIN = 2 / 3

# Furigana overlap (rule furigana): a reading's box may touch another text's box by this
# much (px) before it counts as drawn over it (rounding in the layout).
OVERLAP_PX = 0.05

# Pictures drawn over text, a rule or another picture (rule overlap): less than this is
# a touch (rounding in the layout), not an overlap.
PICTURE_OVERLAP_MM = 0.2

# Raster images (rule images) at their placed size.
IMAGE_PPI_GOOD = 300
IMAGE_PPI_MIN = 150

# Unit conversions: WeasyPrint lays out in CSS px (1/96 in).
PT_PER_PX = 0.75
MM_PER_PX = 25.4 / 96
ROUNDING = 0.01  # 13.995 pt passes a 14 pt limit: sizes are compared to 1/100
