"""Redraw the staff guide's pictures of pages (docs/guide/images/) from the bundled handouts.

Run after changing a bundled handout the guide shows:

    .venv/bin/python scripts/guide-pictures.py

Builds the handouts into a scratch folder (out/ is left alone), draws each page the
guide shows with pypdfium2, and saves it with 128 colours (a third of the bytes, no
visible change at this size), like the catalog's thumbnails.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (handout, page index, picture name, long side in px)
PAGES = [
    ("knee/back-of-knee", 0, "brochure-outside.png", 1100),
    ("knee/back-of-knee", 1, "brochure-inside.png", 1100),
    ("knee/chair-stretch", 0, "stretch.png", 800),
    ("knee/faq", 0, "faq-1.png", 800),
]


def main() -> int:
    import pypdfium2 as pdfium
    from PIL import Image

    from leaflet.build import build
    from leaflet.project import Project

    target = ROOT / "docs/guide/images"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        project = Project.at(ROOT, scratch)
        names = sorted({name for name, *_ in PAGES})
        results = build(project, [project.handouts / f"{name}.md" for name in names], Path(scratch))
        failed = [r.error for r in results if not r.ok]
        if failed:
            print("\n".join(failed), file=sys.stderr)
            return 1
        pdfs = {r.name: r.pdf for r in results}
        for name, index, picture, long_side in PAGES:
            document = pdfium.PdfDocument(pdfs[name])
            page = document[index]
            scale = long_side / max(page.get_width(), page.get_height())
            image = page.render(scale=scale).to_pil()
            image.quantize(128, method=Image.Quantize.FASTOCTREE).save(target / picture, optimize=True)
            document.close()
            print(f"{target / picture}: {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
