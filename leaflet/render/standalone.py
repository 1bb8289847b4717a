"""``build --html``: the HTML a handout was rendered from, written beside its PDF.

``render`` gives WeasyPrint the stylesheets and the base URL separately. The copy
written here names them in the page itself, a ``<base href>`` (images resolve as
they did) and one ``<link>`` per stylesheet, by absolute ``file://`` URL, so that
any renderer opening the file (raw WeasyPrint, Chromium, a browser for debugging)
sees the same document. The stylesheets are linked rather than inlined because
their ``url()``s (our fonts) are relative to styles/; inlined, they would point
nowhere. It is made from the very render that made the PDF (no second render). The
file is a debugging aid for this machine, not something to ship.
"""

from __future__ import annotations

import re
from html import escape

from .page import Rendered

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def standalone_html(rendered: Rendered) -> str:
    html = rendered.html
    links = [f'<base href="{escape(rendered.handout.file.parent.as_uri())}/">']
    links += [f'<link rel="stylesheet" href="{escape(sheet.resolve().as_uri())}">'
              for sheet in rendered.stylesheets]
    tags = "\n".join(links) + "\n"
    end = _HEAD_END.search(html)  # after <meta charset>, which must come first
    if end is None:
        return tags + html
    return html[:end.start()] + tags + html[end.start():]
