"""The bundled handouts' extra-large editions, read back from their PDFs."""

from __future__ import annotations

from collections import Counter

from .pdfs import chars, page_sizes_mm


def test_xl_editions_exist_for_the_kinds_that_have_one(bundled_xl):
    assert set(bundled_xl) == {"knee/chair-stretch", "knee/faq"}  # no XL brochure
    assert page_sizes_mm(bundled_xl["knee/chair-stretch"]) == [(210, 297)] * 2
    assert 1 <= len(page_sizes_mm(bundled_xl["knee/faq"])) <= 3


def test_xl_body_is_twenty_points(bundled_xl):
    for pdf in bundled_xl.values():
        sizes = Counter(round(c["size"], 1) for c in chars(pdf) if c["text"].strip())
        assert sizes.most_common(1)[0][0] == 20.0


def test_xl_stretch_steps_stay_on_one_side(bundled_xl):
    # The step numbers are drawn in the round markers (24 pt in XL): a reader following
    # 1-2-3 must not have to turn the sheet over in the middle.
    markers = [c for c in chars(bundled_xl["knee/chair-stretch"])
               if c["text"] in "123" and 23 <= c["size"] <= 25]
    assert sorted(c["text"] for c in markers) == ["1", "2", "3"], markers
    assert len({c["page"] for c in markers}) == 1, [(c["text"], c["page"]) for c in markers]
