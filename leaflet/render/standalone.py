"""``build --html``: the HTML a handout was rendered from, written beside its PDF.

``render`` gives WeasyPrint the stylesheets and the base URL separately. The copy
written here names them in the page itself, a ``<base href>`` (images resolve as
they did) and one ``<link>`` per stylesheet, by absolute ``file://`` URL, so that
any renderer opening the file (raw WeasyPrint, Chromium, a browser for debugging)
sees the same document. The stylesheets are linked rather than inlined because
their ``url()``s (our fonts) are relative to styles/; inlined, they would point
nowhere. The file is a debugging aid for this machine, not something to ship.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from ..atomic import write_atomic
from ..source.load import load
from ..project import Project
from .page import edition_of, render_html, stylesheets

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def standalone_html(project: Project, file: Path, edition: str | None = None) -> str:
    handout = load(project, file)
    chosen = edition_of(handout, edition)
    html = render_html(project, handout, chosen)
    links = [f'<base href="{escape(handout.file.parent.as_uri())}/">']
    links += [f'<link rel="stylesheet" href="{escape(sheet.resolve().as_uri())}">'
              for sheet in stylesheets(project, handout, chosen)]
    tags = "\n".join(links) + "\n"
    end = _HEAD_END.search(html)  # after <meta charset>, which must come first
    if end is None:
        return tags + html
    return html[:end.start()] + tags + html[end.start():]


def write_html(project: Project, file: Path, edition: str | None, target: Path) -> Path:
    text = standalone_html(project, file, edition)
    write_atomic(target, text)
    return target
