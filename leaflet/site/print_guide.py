"""How to print each kind, for the staff: one phrase per card in the catalog (beside its
印刷 button) and the print-and-fold guide page ``out/print-guide.html``.

The settings come from the same data as the PDF's /ViewerPreferences (the kind's
``duplex`` and the page count), so the page and the print dialog's defaults agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..atomic import write_atomic
from ..errors import HandoutError
from ..project import Project
from ..render.pdf.viewer_prefs import duplex_for
from ..source.clinic import load_clinic
from ..source.kinds import Kind, available, load_kind

GUIDE = "print-guide.html"  # in the output folder, beside index.html
TEMPLATE = "print-guide.html"  # in templates/catalog/
DUPLEX_JA = {
    "short-edge": "両面印刷・短辺とじ",
    "long-edge": "両面印刷・長辺とじ",
    "simplex": "片面印刷",
}
ACTUAL_SIZE = "実際のサイズ(100%)"


def print_setting(kind: Kind, pages: int) -> str:
    """The print dialog settings for a PDF of ``pages`` pages, in the dialog's words."""
    return f"{DUPLEX_JA[duplex_for(kind.duplex, pages)]}・{ACTUAL_SIZE}"


@dataclass(frozen=True)
class KindPrinting:
    name: str
    label: str
    one_page: str | None  # the settings when its PDF has one page (None: it never has)
    more_pages: str | None  # … and more than one


def kinds_printing(project: Project) -> list[KindPrinting]:
    found = []
    for name in available(project):
        try:
            kind = load_kind(project, name)
        except HandoutError:
            continue  # the build reports a broken schema
        low, high = kind.pages
        longer = high >= 2 or len(kind.editions) > 1  # an XL edition may take a page more
        found.append(KindPrinting(name, kind.label, print_setting(kind, 1) if low <= 1 else None,
                                  print_setting(kind, 2) if longer else None))
    return found


def write_print_guide(project: Project, out: Path, env: jinja2.Environment) -> Path:
    """Write ``out/print-guide.html`` with the catalog's environment and stylesheet."""
    html = env.get_template(TEMPLATE).render(
        kinds=kinds_printing(project),
        clinic=load_clinic(project).get("name", ""),
        actual_size=ACTUAL_SIZE,
    )
    target = out / GUIDE
    write_atomic(target, html)
    return target
