"""The WeasyPrint we pin, as ``leaflet/render/weasy/`` relies on it.

Each test exercises one thing we use that is not WeasyPrint's documented API (or one
text it logs). When an upgrade changes it, the test that fails names what to look at
in render/weasy/ (each part's docstring says what it uses), instead of the preflight
silently measuring nothing or a build crashing.
"""

from __future__ import annotations

import inspect
import io
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pikepdf
import pydyf
import pytest
import weasyprint

from leaflet.errors import SetupError
from leaflet.render import weasy

from .conftest import ROOT

FONT = (ROOT / "fonts/BIZUDPGothic-Regular.ttf").as_uri()
STYLE = f"""
@font-face {{ font-family: Ours; src: url("{FONT}"); }}
@page {{ size: 200px 200px; margin: 20px; @bottom-right {{ content: "p." counter(page); }} }}
html {{ font-family: Ours; font-size: 12px; line-height: 1.5; }}
"""


def layout(body: str, fonts: weasy.FontFaces | None = None) -> weasyprint.Document:
    """A tiny document set in our font (WeasyPrint 70 crashes with no @font-face at all
    while fontconfig is isolated)."""
    fonts = fonts or weasy.FontFaces()
    css = weasy.CSS(string=STYLE, font_config=fonts)
    return weasy.HTML(string=f"<html><body>{body}</body></html>", base_url=str(ROOT) + "/").render(
        stylesheets=[css], font_config=fonts)


def boxes(box):  # type: ignore[no-untyped-def]
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def test_the_pinned_version_is_the_supported_one():
    assert int(weasyprint.__version__.split(".")[0]) == weasy.SUPPORTED_MAJOR
    weasy.check_version(f"{weasy.SUPPORTED_MAJOR}.9")
    with pytest.raises(SetupError) as refused:
        weasy.check_version(f"{weasy.SUPPORTED_MAJOR + 1}.0")
    assert "には対応していません" in str(refused.value) and "is not supported" in str(refused.value)


def test_another_major_version_is_refused_when_the_boundary_is_imported(tmp_path):
    fake = tmp_path / "weasyprint"
    fake.mkdir()
    (fake / "__init__.py").write_text('__version__ = "71.0"\n')
    done = subprocess.run([sys.executable, "-c", "import leaflet.render.weasy"], cwd=ROOT,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"})
    assert done.returncode != 0
    assert "SetupError: WeasyPrint 71.0 には対応していません" in done.stderr


def test_page_box_and_its_margin_boxes():
    """``page._page_box`` is the laid-out tree; a page-margin box is a child with an
    ``at_keyword``, and removing it removes its text from the PDF."""
    import io

    import pdfplumber

    def text(document: weasyprint.Document) -> str:
        with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
            return pdf.pages[0].extract_text()

    document = layout("<p>本文</p>")
    root = weasy.page_box(document.pages[0])
    margins = [c for c in root.children if isinstance(c, weasy.MarginBox)]
    assert [m.at_keyword for m in margins] == ["@bottom-right"]
    assert "p.1" in text(document)
    weasy.drop_margin_box(document, "@bottom-right")
    assert not [c for c in weasy.page_box(document.pages[0]).children if isinstance(c, weasy.MarginBox)]
    assert "p.1" not in text(document) and "本文" in text(document)


def test_the_boxes_the_preflight_walks_have_what_it_reads():
    """check/boxes.py reads these classes, methods and attributes of the laid-out boxes."""
    document = layout(
        '<p style="background: #eee; border: 1px solid black">本文<ruby>膝<rt>ひざ</rt></ruby></p>'
        '<ul><li>項目</li></ul>'
        '<div style="display: inline-block; width: 50px"><p>中</p></div>'
        '<p style="position: absolute; top: 0; transform: translate(1px, 2px)">外</p>'
        '<img src="tests/fixtures/sample/handouts/knee/images/chair-stretch-1.svg" style="width: 20px">')
    found = list(boxes(weasy.page_box(document.pages[0])))
    kinds = {type(b).__name__ for b in found}
    for cls in (weasy.TextBox, weasy.LineBox, weasy.InlineBlockBox, weasy.MarginBox):
        assert any(isinstance(b, cls) for b in found), cls
    assert any(isinstance(b, weasy.BlockLevelBox) for b in found), kinds
    for box in found:
        for attribute in ("style", "element", "element_tag", "is_for_root_element", "position_y", "height",
                          "width", "margin_top"):
            assert hasattr(box, attribute), (type(box).__name__, attribute)
        for method in ("content_box_x", "content_box_y", "border_box_y", "border_height", "margin_width",
                       "margin_height", "is_absolutely_positioned"):
            assert callable(getattr(box, method)), (type(box).__name__, method)
        assert hasattr(box, "is_outside_marker")
        for key in ("font_size", "line_height", "font_weight", "font_family", "opacity", "background_image",
                    "border_top_width", "border_top_style"):
            box.style[key]
    texts = [b for b in found if isinstance(b, weasy.TextBox)]
    assert {"本文", "膝", "ひざ"} <= {b.text for b in texts}
    assert any(getattr(b, "transformation_matrix", None) is not None for b in found)
    images = [b for b in found if getattr(b, "replacement", None) is not None]
    assert images and isinstance(images[0].replacement, weasy.SVGImage)
    painted = [b for b in found if getattr(b, "background", None)]
    assert painted and all(hasattr(layer, "image") and hasattr(layer, "size") for layer in painted[0].background.layers)


def test_colours_and_transformed_rectangles():
    document = layout('<p style="color: rgba(255, 0, 0, 0.5); background-color: #00ff00">色</p>')
    text = next(b for b in boxes(weasy.page_box(document.pages[0])) if isinstance(b, weasy.TextBox))
    assert weasy.color(text.style, "color", lambda cmyk: (0, 0, 0)) == pytest.approx((1.0, 0.0, 0.0, 0.5))
    assert weasy.rectangle_aabb(None, 1, 2, 3, 4) == (1, 2, 4, 6)


def test_ink_colours_are_measured_by_the_function_given():
    """A ``device-cmyk()`` colour (the print-shop edition) reaches ``color``'s converter
    as its four components: tinycss2 cannot turn one into sRGB itself (when it can, the
    profile conversion may still be the better measure of what is printed)."""
    document = layout('<p style="color: device-cmyk(0 0 0 1)">色</p>')
    text = next(b for b in boxes(weasy.page_box(document.pages[0])) if isinstance(b, weasy.TextBox))
    seen = []
    assert weasy.color(text.style, "color", lambda cmyk: seen.append(cmyk) or (0.1, 0.2, 0.3)) == pytest.approx(
        (0.1, 0.2, 0.3, 1.0))
    assert seen == [(0, 0, 0, 1)]
    with pytest.raises(NotImplementedError):
        weasy.get_color(text.style, "color").to("srgb")


PROFILE = ROOT / "profiles/ISOcoated_v2_300_bas.icc"
PRESS_STYLE = (f'@color-profile device-cmyk {{ src: url("{PROFILE.as_uri()}"); '
               "components: cyan, magenta, yellow, black; }")


def press_layout(body: str, style: str = "") -> weasyprint.Document:
    """A tiny document with the press profile declared, as ``render.page`` lays out the
    print-shop edition."""
    fonts, profiles = weasy.FontFaces(), {}
    css = [weasy.CSS(string=STYLE, font_config=fonts),
           weasy.CSS(string=PRESS_STYLE + style, font_config=fonts, color_profiles=profiles)]
    return weasy.HTML(string=f"<html><body>{body}</body></html>", base_url=str(ROOT) + "/").render(
        stylesheets=css, font_config=fonts, color_profiles=profiles)


def test_a_document_names_the_cmyk_profile_it_declared():
    assert weasy.cmyk_profile(press_layout("<p>本文</p>")) == str(PROFILE)
    assert weasy.cmyk_profile(layout("<p>本文</p>")) is None


def _pixel(document: weasyprint.Document, x: float, y: float) -> tuple[int, int, int]:
    """The colour drawn at (x, y) CSS px of the first page (the page has a 20 px margin and
    the body 8 px: a block with ``margin-left: 40px`` starts at x = 68)."""
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(io.BytesIO(document.write_pdf()))
    try:
        image = pdf[0].render(scale=4 / 0.75).to_pil().convert("RGB")  # 4 pixels a CSS px (0.75 pt)
    finally:
        pdf.close()
    return image.getpixel((round(x * 4), round(y * 4)))


RED = (255, 0, 0)


def test_a_background_can_be_painted_over_a_larger_area():
    """``grow_background`` (the press bleed) changes each layer's painting area and clip,
    and WeasyPrint draws what they say; ``paints_background`` tells a painted box from
    the root element's (the page's) and from one with no background."""
    def red_box(document: weasyprint.Document):  # type: ignore[no-untyped-def]
        found = [b for b in boxes(weasy.page_box(document.pages[0])) if weasy.paints_background(b)]
        assert len(found) == 1, found  # not html's, not the body's
        return found[0]

    style = "html { background: white; }"
    body = '<div style="margin-left: 40px; width: 50px; height: 50px; background: red"></div>'
    plain = press_layout(body, style)
    assert _pixel(plain, 75, 40) == RED and _pixel(plain, 60, 40) != RED
    grown = press_layout(body, style)
    weasy.grow_background(red_box(grown), lambda area: (area[0] - 15, area[1], area[2] + 15, area[3]))
    assert _pixel(grown, 60, 40) == RED and _pixel(grown, 50, 40) != RED


def test_an_overflow_clip_can_be_grown():
    """A child's background grown past a parent that hides its overflow shows only where
    ``grow_overflow_clip`` grew the parent's clip (``rounded_padding_box``)."""
    body = ('<div style="margin-left: 40px; width: 50px; height: 50px; overflow: hidden">'
            '<div style="height: 50px; background: red"></div></div>')

    def grown(clip: bool) -> weasyprint.Document:
        document = press_layout(body)
        found = list(boxes(weasy.page_box(document.pages[0])))
        child, = [b for b in found if weasy.paints_background(b)]
        parent, = [b for b in found if b.style["overflow"] == "hidden"]
        weasy.grow_background(child, lambda area: (area[0] - 15, area[1], area[2] + 15, area[3]))
        if clip:
            weasy.grow_overflow_clip(parent, lambda area: (area[0] - 15, area[1], area[2] + 15, area[3]))
        return document

    assert _pixel(grown(clip=False), 75, 40) == RED and _pixel(grown(clip=False), 60, 40) != RED
    assert _pixel(grown(clip=True), 60, 40) == RED


def test_background_pictures_can_be_repainted(tmp_path):
    """``recolour_background_rasters`` finds a ``background-image`` on a box and on the
    page (the root element's, moved to ``canvas_background``) and WeasyPrint draws the
    copy it makes (the press edition's pictures in inks)."""
    import io

    from PIL import Image

    Image.new("RGB", (10, 10), (0, 0, 255)).save(tmp_path / "blue.png")
    red = io.BytesIO()
    Image.new("RGB", (10, 10), RED).save(red, "PNG")
    body = (f'<div style="margin-left: 40px; width: 50px; height: 50px; background-image: '
            f'url({(tmp_path / "blue.png").as_uri()})"></div>')
    document = press_layout(body, f'html {{ background-image: url({(tmp_path / "blue.png").as_uri()}) }}')
    assert _pixel(document, 75, 40) == (0, 0, 255) and _pixel(document, 30, 150) == (0, 0, 255)
    assert weasy.recolour_background_rasters(document, lambda data: red.getvalue()) == 1  # one picture, twice
    assert _pixel(document, 75, 40) == RED and _pixel(document, 30, 150) == RED


def test_what_pdfx4_writes_that_the_press_finisher_changes():
    """``render/pdf/press.py`` finishes WeasyPrint's PDF/X-4 in pydyf: it expects an
    output intent whose DestOutputProfile is a reference to the declared profile's
    stream, a random XMP DocumentID in the metadata it can find, one ``/Page`` object
    per page in order, and, with a bleed, the trim's corner at the origin."""
    import re

    import pydyf

    from leaflet.render.pdf.press import _RANDOM_ID

    seen = {}

    def finish(document, pdf):  # type: ignore[no-untyped-def]
        intent, = pdf.catalog["OutputIntents"]
        profile = pdf.objects[int(intent["DestOutputProfile"].split()[0])]
        seen["profile"] = (isinstance(profile, pydyf.Stream), profile.extra.get("N"))
        metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        seen["ids"] = [m for part in metadata.stream for m in _RANDOM_ID.findall(bytes(part))]
        pages = [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/Page"]
        seen["boxes"] = [(list(p["MediaBox"]), list(p.get("TrimBox", []))) for p in pages]

    document = press_layout("<p>一</p><p style='break-before: page'>二</p>", "@page { bleed: 10px; }")
    document.write_pdf(pdf_variant="pdf/x-4", finisher=finish)
    assert seen["profile"] == (True, 4)
    assert len(seen["ids"]) == 1 and re.fullmatch(rb"xmp\.did:[0-9a-f-]{36}", seen["ids"][0])
    assert len(seen["boxes"]) == 2
    media, trim = seen["boxes"][0]
    assert media == pytest.approx([-7.5, -7.5, 157.5, 157.5]) and trim == pytest.approx([0, 0, 150, 150])


def test_gradient_stops_are_written_as_rgb_even_in_a_cmyk_shading():
    """Why the press finisher converts gradient stops (``_gradients_in_inks``): WeasyPrint
    70 writes a CSS gradient's stops as RGB triples into a shading it declares DeviceCMYK
    when the output intent is CMYK. When this test fails, that conversion may go."""
    import pydyf

    found = []

    def stops(function):  # type: ignore[no-untyped-def]
        """The number of values of each stop of a (stitching) function."""
        yield from (len(function[key]) for key in ("C0", "C1") if key in function)
        for child in function.get("Functions") or []:
            yield from stops(child)

    def finish(document, pdf):  # type: ignore[no-untyped-def]
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and "ShadingType" in obj:
                found.append((obj.get("ColorSpace"), sorted(set(stops(obj["Function"])))))

    body = '<div style="height: 40px; background: linear-gradient(red, blue)"></div>'
    press_layout(body).write_pdf(pdf_variant="pdf/x-4", finisher=finish)
    assert found and all(found_ == ("/DeviceCMYK", [3]) for found_ in found), found


def test_raster_images_give_their_pixels(tmp_path):
    from PIL import Image

    Image.new("RGB", (30, 20), "white").save(tmp_path / "a.png")
    document = layout(f'<img src="{(tmp_path / "a.png").as_uri()}">')
    image = next(b for b in boxes(weasy.page_box(document.pages[0])) if getattr(b, "replacement", None))
    assert isinstance(image.replacement, weasy.RasterImage)
    assert (image.replacement.width, image.replacement.height) == (30, 20)


def test_font_faces_are_recorded_and_copied_into_our_folder(tmp_path):
    """``add_font_face`` gets the @font-face descriptors; WeasyPrint writes its copies of
    the fonts into ``_folder`` when it is set; ``Document.font_config`` is ours."""
    fonts = weasy.FontFaces()
    folder = fonts._folder
    document = layout("<p>字</p>", fonts)
    (face,) = weasy.faces_of(document)
    assert face.family == "Ours" and face.files() == [ROOT / "fonts/BIZUDPGothic-Regular.ttf"]
    assert [p.name for p in folder.iterdir() if p.name != "in-use.lock"], "no copy in our folder"
    fonts.close()
    assert not folder.exists()


def test_pango_says_which_font_drew_a_run():
    document = layout("<p>本文</p>")
    text = next(b for b in boxes(weasy.page_box(document.pages[0])) if isinstance(b, weasy.TextBox))
    assert weasy.drawn_families(text, {}) == {"Ours"}  # the @font-face family


def test_links_are_listed_per_page():
    document = layout('<p><a href="https://example.org/x">リンク</a></p>')
    (link,) = document.pages[0].links
    kind, target, _rect, _box = link
    assert (kind, target) == ("external", "https://example.org/x")


def test_what_it_logs_for_an_image_it_cannot_draw(tmp_path, caplog):
    (tmp_path / "broken.png").write_bytes(b"not a png")
    failures = weasy.ImageFailures()
    weasy.engine_logger().addHandler(failures)
    try:
        layout(f'<img src="{(tmp_path / "broken.png").as_uri()}">').write_pdf()
        assert failures.first and failures.first.endswith("broken.png")
        failures.records.clear()
        layout('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="nowhere.png"/>'
               '<rect width="5" height="5" fill="url(#nothing)"/></svg><p>x</p>').write_pdf()
    finally:
        weasy.engine_logger().removeHandler(failures)
    assert all(r.getMessage().startswith(weasy.IMAGE_FAILURES) for r in failures.records)


def test_what_it_logs_for_a_character_the_fonts_lack(caplog):
    caplog.set_level(logging.WARNING, logger=weasy.LOGGER_NAME)
    layout("<p>記号 ⚕ です</p>").write_pdf()
    said = [r for r in caplog.records if weasy.is_engine_record(r)]
    assert said and all(weasy.reported_by_us(r.getMessage()) for r in said), [r.getMessage() for r in said]
    assert any(r.getMessage().startswith(weasy.MISSING_GLYPH) for r in said)


def test_the_warning_it_gives_when_fontconfig_has_no_fonts():
    assert weasy.NO_FONTS_WARNING in inspect.getsource(sys.modules["weasyprint.text.fonts"])


def test_the_url_fetcher_api(tmp_path):
    class Refusing(weasy.URLFetcher):
        def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
            if url.endswith(".png"):
                raise weasy.FatalURLFetchingError(url, "no")
            return weasy.URLFetcherResponse(url, b"p { color: red }", {"Content-Type": "text/css"}, status=200)

    fetcher = Refusing(allowed_protocols={"file", "data"}, fail_on_errors=True)
    fonts = weasy.FontFaces()
    css = weasy.CSS(string=STYLE, font_config=fonts)
    with pytest.raises(weasy.FatalURLFetchingError):  # aborts the render, not just a log line
        weasy.HTML(string='<img src="file:///x.png">', url_fetcher=fetcher).render(
            stylesheets=[css], font_config=fonts)


def test_log_texts_are_what_this_version_writes():
    """The log texts we match are in the pinned WeasyPrint's source."""
    sources = "".join(inspect.getsource(sys.modules[m]) for m in
                      ("weasyprint.images", "weasyprint.html", "weasyprint.draw.text"))
    for text in (*weasy.IMAGE_FAILURES, weasy.MISSING_GLYPH):
        assert text in sources, text


def test_the_boundary_is_imported_quickly_and_leaves_find_library_alone():
    code = textwrap.dedent("""
        import ctypes.util
        real = ctypes.util.find_library
        import leaflet.render.weasy
        assert ctypes.util.find_library is real
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert Path(weasyprint.__file__).parent.name == "weasyprint"


def _picture(tmp_path: Path, size: tuple[int, int]) -> Path:
    from PIL import Image

    path = tmp_path / f"p{size[0]}x{size[1]}.png"
    Image.new("RGB", size, "teal").save(path)
    return path


def test_where_a_picture_is_drawn_inside_its_box(tmp_path):
    """``picture_area`` (replacedbox_layout): object-fit contain draws a tall picture in
    the middle of a wide box (the overlap rule and the downsampling measure that)."""
    path = _picture(tmp_path, (30, 60))
    document = layout(f'<img src="{path.as_uri()}" style="width: 120px; height: 60px; object-fit: contain">')
    (box, image, width, height), = weasy.placed_rasters(document)
    assert (width, height) == (30, 60)
    drawn_width, drawn_height, left, top = weasy.picture_area(box)
    assert (drawn_width, drawn_height) == (30, 60)
    assert left == pytest.approx(box.content_box_x() + 45) and top == pytest.approx(box.content_box_y())


def test_a_picture_can_be_swapped_for_a_smaller_copy_after_layout(tmp_path):
    """``raster_bytes`` and ``replace_raster``: the copy is what the PDF embeds, drawn
    at the same place and size."""
    import io

    import pdfplumber
    from PIL import Image

    path = _picture(tmp_path, (300, 200))
    document = layout(f'<img src="{path.as_uri()}" style="width: 30px">')
    (box, image, _w, _h), = weasy.placed_rasters(document)
    assert Image.open(io.BytesIO(weasy.raster_bytes(image))).size == (300, 200)
    small = io.BytesIO()
    Image.new("RGB", (60, 40), "teal").save(small, "PNG")
    weasy.replace_raster([box], image, small.getvalue(), (60, 40))
    target = tmp_path / "out.pdf"
    document.write_pdf(target)
    with pdfplumber.open(target) as pdf:
        embedded, = pdf.pages[0].images
    assert embedded["srcsize"] == (60, 40)
    assert embedded["x1"] - embedded["x0"] == pytest.approx(30 * 0.75)


def test_a_response_without_a_path_is_embedded_from_its_bytes(tmp_path):
    """Given a file path, WeasyPrint re-reads a PNG or JPEG from disk when it writes the
    PDF; ``Snapshot`` has none, so the bytes the fetcher read are the ones embedded."""
    import pdfplumber

    path = _picture(tmp_path, (40, 40))
    other = _picture(tmp_path, (20, 20)).read_bytes()

    class Swapping(weasy.URLFetcher):
        def __init__(self, response: type) -> None:
            super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)
            self.response = response

        def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
            return self.response(url, other, {"Content-Type": "image/png"}, status=200)

    fonts = weasy.FontFaces()
    css = weasy.CSS(string=STYLE, font_config=fonts)
    for response, ours in ((weasy.Snapshot, True), (weasy.URLFetcherResponse, False)):
        document = weasy.HTML(string=f'<img src="{path.as_uri()}">', url_fetcher=Swapping(response)).render(
            stylesheets=[css], font_config=fonts)
        target = tmp_path / "out.pdf"
        document.write_pdf(target)
        with pdfplumber.open(target) as pdf:
            embedded, = pdf.pages[0].images
            data = embedded["stream"].get_data()  # decoded: RGB for each pixel
        # A plain response embeds the 40 × 40 file on disk as if it were the 20 × 20 fetched.
        assert embedded["srcsize"] == (20, 20) and (len(data) == 20 * 20 * 3) is ours


# --- line breaks (check/flow.py, rule breaks; source/markdown/joiners.py) ---------------------


def test_a_word_joiner_forbids_a_break_and_is_not_in_the_pdf_text():
    """Body text keeps its phrases with U+2060 between their characters: Pango must not
    break beside one, the text box keeps it (flow.line_text drops it) and the PDF's text
    has none."""
    import io

    import pdfplumber

    def lines(text: str) -> list[str]:
        document = layout(f'<p style="width: 60px">{text}</p>')
        found = [b for b in boxes(weasy.page_box(document.pages[0]))
                 if isinstance(b, weasy.LineBox) and b.element_tag == "p"]
        return ["".join(t.text for t in boxes(line) if isinstance(t, weasy.TextBox)) for line in found]

    assert lines("ああああいいいい") == ["ああああい", "いいい"]  # 12 px a character, 60 px a line
    joined = "ああああ" + "\u2060".join("いいいい")
    assert lines(joined) == ["ああああ", joined[4:]]
    document = layout(f'<p style="width: 60px">{joined}</p>')
    with pdfplumber.open(io.BytesIO(document.write_pdf())) as pdf:
        assert pdf.pages[0].extract_text().split("\n")[:2] == ["ああああ", "いいいい"]  # (then "p.1")


def test_what_the_breaks_rule_reads_of_the_boxes():
    """flow.py: a <br> is the last descendant of the line it ends; an inline-block phrase
    span wider than its line holds line boxes of its own; a block's element gives its
    text as written; a page's first block says whether it is kept whole or starts a page."""
    document = layout(
        '<p>一行目<br>二行目</p>'
        '<p style="width: 48px"><span style="display: inline-block">あいうえおかきく</span></p>'
        '<div style="break-before: page; break-inside: avoid"><p>次の<ruby>膝<rt>ひざ</rt></ruby>ページ</p></div>')
    first = weasy.page_box(document.pages[0])
    lines = [b for b in boxes(first) if isinstance(b, weasy.LineBox)]
    chain, box = [], lines[0]
    while getattr(box, "children", None):  # flow.forced_break
        box = box.children[-1]
        chain.append(box.element_tag)
    assert chain[0] == "br", chain
    span = next(b for b in boxes(first) if isinstance(b, weasy.InlineBlockBox))
    assert len([c for c in span.children if isinstance(c, weasy.LineBox)]) == 2
    second = weasy.page_box(document.pages[1])
    html = next(c for c in second.children if c.is_for_root_element)
    body = next(c for c in html.children if isinstance(c, weasy.BlockLevelBox) and c.is_in_normal_flow())
    kept = next(c for c in body.children if isinstance(c, weasy.BlockLevelBox))
    assert (kept.style["break_before"], kept.style["break_inside"]) == ("page", "avoid")
    assert kept.margin_height() > 0 and any(isinstance(b, weasy.LineBox) for b in kept.descendants())
    paragraph = kept.children[0]
    assert paragraph.element.tag == "p" and "".join(paragraph.element.itertext()) == "次の膝ひざページ"
    assert [c.tag for c in paragraph.element] == ["ruby"] and paragraph.element[0].tail == "ページ"


# --- tagged PDFs (render/tagging) ---------------------------------------------------------


def _written_with(document: weasyprint.Document, build) -> bytes:  # type: ignore[no-untyped-def]
    with weasy.structure_builder(build):
        return document.write_pdf(pdf_variant="pdf/ua-1")


def test_a_structure_builder_takes_the_place_of_weasyprints():
    """``structure_builder``: WeasyPrint calls ours (``pdf.add_tags``) once the pages are
    painted, with one page stream each whose ``_tags`` still maps every painted text box
    and picture to its MCID; its own builder is back after the block."""
    import pikepdf

    document = layout('<p>本文</p><img src="tests/fixtures/sample/handouts/knee/images/chair-stretch-1.svg"'
                      ' style="width: 20px"><p style="break-before: page">二頁</p>')
    calls = []

    def build(pdf, pages):  # type: ignore[no-untyped-def]
        assert len(pdf.page_references) == len(pages) == 2 and "Type" in pdf.catalog  # pydyf's PDF
        calls.append([{getattr(box, "text", type(box).__name__): mcid for box, mcid in page.mcids.items()}
                      for page in pages])

    written = _written_with(document, build)
    (marks,) = calls
    assert marks[0]["本文"] == 0 and sorted(marks[0].values()) == [0, 1, 2]  # text, picture, "p.1"
    assert any("Replaced" in key for key in marks[0]) and "p.1" in marks[0] and "二頁" in marks[1]
    with pikepdf.open(io.BytesIO(written)) as pdf:
        assert "/StructTreeRoot" not in pdf.Root  # ours built none
    with pikepdf.open(io.BytesIO(document.write_pdf(pdf_variant="pdf/ua-1"))) as pdf:
        assert "/StructTreeRoot" in pdf.Root  # WeasyPrint's own, once more


def test_marks_are_span_operators_that_can_be_retagged():
    """``MarkedStream.retag``: WeasyPrint writes a text box as ``/Span <</MCID n>> BDC``;
    properties added to it, or the mark turned into an artifact, are what the PDF says."""
    document = layout("<p>一つ目</p><p>二つ目</p>")

    def build(pdf, pages):  # type: ignore[no-untyped-def]
        (page,) = pages
        mcids = {box.text: mcid for box, mcid in page.mcids.items()}
        assert (mcids["一つ目"], mcids["二つ目"]) == (0, 1)
        page.retag(0, ActualText=pydyf.String(" "))
        page.retag(1, "Artifact", Type="/Layout")

    found = marked_sequences(_written_with(document, build))
    assert ("/Span", {"/MCID": "0", "/ActualText": " "}) in found
    assert ("/Artifact", {"/Type": "/Layout"}) in found
    assert not [props for tag, props in found if props.get("/MCID") == "1"]  # the artifact's MCID is gone
    untouched = marked_sequences(_written_with(layout("<p>一つ目</p>"), lambda pdf, pages: None))
    assert ("/Span", {"/MCID": "0"}) in untouched


def marked_sequences(pdf: bytes) -> list[tuple[str, dict[str, str]]]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [(str(operands[0]), {str(k): str(v) for k, v in operands[1].items()})
                for operands, op in pikepdf.parse_content_stream(document.pages[0]) if str(op) == "BDC"]


def test_what_the_structure_plan_reads_from_the_boxes():
    """render/tagging/plan.py: an absolutely positioned box is a placeholder (``unwrap``:
    the box painted, so the one with an MCID); ``--pdf-artifact: yes`` is readable
    (``declared_artifact``) and inherited; a list marker's ``element_tag`` ends in
    ``::marker``; a table is a ``TableBox`` with a border box; margin boxes say where."""
    document = layout(
        '<p style="position: absolute; top: 0">外</p><ul><li>項目</li></ul>'
        '<div style="--pdf-artifact: yes"><span>飾り</span></div><table><tr><td>欄</td></tr></table>')
    found = list(boxes(weasy.page_box(document.pages[0])))
    placeholder = next(b for b in found if type(b).__name__ == "AbsolutePlaceholder")
    real = weasy.unwrap(placeholder)
    assert real is not placeholder and weasy.unwrap(real) is real and real.element_tag == "p"
    texts = {b.text: b for b in found if isinstance(b, weasy.TextBox)}
    assert weasy.declared_artifact(texts["飾り"]) and not weasy.declared_artifact(texts["項目"])
    assert any(str(b.element_tag) == "li::marker" for b in found)
    table = next(b for b in found if isinstance(b, weasy.TableBox))
    assert table.border_width() > 0 and table.border_height() > 0 and table.border_box_x() >= 0
    assert [m.at_keyword for m in weasy.page_box(document.pages[0]).children
            if isinstance(m, weasy.MarginBox)] == ["@bottom-right"]

    def build(pdf, pages):  # type: ignore[no-untyped-def]
        assert real in pages[0].mcids or any(c in pages[0].mcids for c in boxes(real))

    _written_with(document, build)


def test_a_link_box_has_its_annotation_while_the_tree_is_built():
    document = layout('<p><a href="https://example.org/x">リンク</a></p>')
    seen = []

    def build(pdf, pages):  # type: ignore[no-untyped-def]
        seen.extend(a for b in boxes(weasy.page_box(document.pages[0])) if (a := weasy.link_annotation(b)))

    _written_with(document, build)
    (annotation,) = seen
    assert annotation["Subtype"] == "/Link" and annotation.reference is not None
