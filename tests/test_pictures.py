"""Pictures of any shape: each fits its slot (portrait, landscape, turned by EXIF, huge),
nothing is drawn over them (rule ``overlap``), and raster pictures are embedded at
300 ppi of their placed size, turned upright, through a cache.

Photos are made with Pillow (tests/photos.py), never committed. The 12-megapixel ones
are made once per module; tests that only need a shape use smaller ones.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from PIL import Image

from leaflet.render import pictures

from .check_tools import build, build_fixture, failures, the_pass
from .pdfs import MM
from .photos import LANDSCAPE, ORIENTATION_TAG, PORTRAIT, photo, save_photo

SMALL_PORTRAIT, SMALL_LANDSCAPE = (756, 1008), (1008, 756)  # a phone's shapes, fewer pixels


@pytest.fixture(autouse=True)
def picture_cache(tmp_path, monkeypatch) -> Path:
    """Each test gets an empty cache of its own (not the user's scratch folder)."""
    folder = tmp_path / "picture-cache"
    folder.mkdir()
    monkeypatch.setattr(pictures, "_folder", lambda: folder)
    return folder


@pytest.fixture(scope="module")
def phone_photos(tmp_path_factory) -> Path:
    """Three 12-megapixel phone photos (~2.8 MB each): held upright (stored turned, with
    EXIF orientation 6, as a phone does), landscape, and portrait with no tag."""
    folder = tmp_path_factory.mktemp("phone")
    save_photo(folder / "turned.jpg", PORTRAIT, orientation=6, seed=1)
    save_photo(folder / "wide.jpg", LANDSCAPE, seed=2)
    save_photo(folder / "tall.jpg", PORTRAIT, seed=3)
    return folder


def small_photos(folder: Path) -> Path:
    """The same three shapes with fewer pixels, in ``folder``/images."""
    images = folder / "images"
    save_photo(images / "turned.jpg", SMALL_PORTRAIT, orientation=6, seed=1)
    save_photo(images / "wide.jpg", SMALL_LANDSCAPE, seed=2)
    save_photo(images / "tall.jpg", SMALL_PORTRAIT, seed=3)
    return images


def jpeg(size: tuple[int, int], orientation: int = 1, **extra) -> bytes:
    """A JPEG that shows as ``size`` (stored turned when ``orientation`` says so);
    ``tagNNN=value``: more EXIF tags."""
    buffer = io.BytesIO()
    image = photo(size, seed=5, noise=10)
    exif = Image.Exif()
    if orientation != 1:
        exif[ORIENTATION_TAG] = orientation
        image = image.transpose({6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270,
                                 3: Image.Transpose.ROTATE_180}[orientation])
    for tag, value in extra.items():
        exif[int(tag.removeprefix("tag"))] = value
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def top_is_dark(image: Image.Image) -> bool:
    """The test photos have a dark bar across their top tenth: is it at the top?"""
    grey = image.convert("L")
    band = max(1, grey.height // 20)
    top = grey.crop((0, 0, grey.width, band)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    bottom = grey.crop((0, grey.height - band, grey.width, grey.height)).resize(
        (1, 1), Image.Resampling.BOX).getpixel((0, 0))
    return top < 70 and bottom > top + 40


# --- bytes → bytes: upright, downsample, the cache ---------------------------------------


@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_upright_turns_a_photo_as_its_exif_says_and_drops_the_tag(orientation):
    data = jpeg((300, 400), orientation)
    assert opened(data).size == ((400, 300) if orientation in (6, 8) else (300, 400))
    turned = pictures.upright(data)
    image = opened(turned)
    assert image.format == "JPEG" and image.size == (300, 400)
    assert top_is_dark(image)
    assert ORIENTATION_TAG not in image.getexif()


def test_upright_leaves_what_needs_no_turning_untouched():
    plain = jpeg((300, 400))
    png = io.BytesIO()
    Image.new("RGBA", (20, 10), (1, 2, 3, 128)).save(png, "PNG")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"/>'
    for data in (plain, png.getvalue(), svg, b"not a picture", b""):
        assert pictures.upright(data) is data


def test_downsample_keeps_the_format_and_shape_and_drops_the_metadata():
    data = jpeg((1200, 900), tag34853={1: "N"})  # GPSInfo: where the photo was taken
    assert 34853 in opened(data).getexif()
    smaller = pictures.downsample(data, (400, 300))
    image = opened(smaller)
    assert (image.format, image.size, image.mode) == ("JPEG", (400, 300), "RGB")
    assert not image.getexif()
    assert len(smaller) < len(data) / 4


@pytest.mark.parametrize("mode", ["RGBA", "P", "L"])
def test_downsample_keeps_a_png_a_png_with_its_transparency(mode):
    source = Image.new("RGBA", (400, 200), (10, 120, 200, 100)).convert(mode) if mode != "RGBA" \
        else Image.new("RGBA", (400, 200), (10, 120, 200, 100))
    buffer = io.BytesIO()
    source.save(buffer, "PNG")
    image = opened(pictures.downsample(buffer.getvalue(), (100, 50)))
    assert image.format == "PNG" and image.size == (100, 50)
    if mode == "RGBA":
        assert image.mode == "RGBA" and image.getpixel((50, 25))[3] == 100


def test_downsample_returns_what_it_cannot_or_need_not_shrink():
    data = jpeg((300, 200))
    assert pictures.downsample(data, (300, 200)) is data
    assert pictures.downsample(data, (600, 400)) is data  # never enlarged
    assert pictures.downsample(b"<svg/>", (10, 10)) == b"<svg/>"
    cmyk = io.BytesIO()
    Image.new("CMYK", (300, 200)).save(cmyk, "JPEG")
    assert pictures.downsample(cmyk.getvalue(), (30, 20)) == cmyk.getvalue()  # inversion markers kept


def test_target_size_is_300_ppi_of_the_placed_size_or_nothing():
    # 38 × 28.5 mm at 300 ppi is 448.8 × 336.6 px: 449 × 337 at least, the shape kept
    assert pictures.target_size((4032, 3024), (38 / 25.4 * 96, 28.5 / 25.4 * 96)) == (450, 337)
    assert pictures.target_size((460, 345), (38 / 25.4 * 96, 28.5 / 25.4 * 96)) is None  # < 1.1× what it needs
    assert pictures.target_size((100, 80), (400, 320)) is None  # too few pixels already: the images rule says so


def test_results_are_cached_by_content_and_size(picture_cache, monkeypatch):
    data = jpeg((800, 600))
    first = pictures.downsample(data, (200, 150))
    other = pictures.downsample(data, (100, 75))
    assert len(list(picture_cache.iterdir())) == 2
    monkeypatch.setattr(Image.Image, "resize", lambda *a, **k: pytest.fail("decoded again"))
    assert pictures.downsample(data, (200, 150)) == first
    assert pictures.downsample(data, (100, 75)) == other


def test_a_torn_or_edited_cache_file_is_made_again(picture_cache):
    data = jpeg((800, 600))
    first = pictures.downsample(data, (200, 150))
    cached, = picture_cache.iterdir()
    cached.write_bytes(first[: len(first) // 2])
    assert pictures.downsample(data, (200, 150)) == first
    assert [p.read_bytes() for p in picture_cache.iterdir()] == [first]


def test_the_same_input_gives_the_same_bytes_with_or_without_the_cache(picture_cache):
    data = jpeg((800, 600), 6)
    first = pictures.downsample(pictures.upright(data), (150, 200))
    shutil.rmtree(picture_cache)
    picture_cache.mkdir()
    assert pictures.downsample(pictures.upright(data), (150, 200)) == first


def test_the_cache_keeps_under_its_limit_dropping_the_least_recently_used(picture_cache, monkeypatch):
    monkeypatch.setattr(pictures, "CACHE_LIMIT", 1)
    data = jpeg((800, 600))
    pictures.downsample(data, (200, 150))
    pictures.downsample(data, (100, 75))
    names = [p.name for p in picture_cache.iterdir()]
    assert len(names) == 1 and "-100x75-" in names[0]


def test_an_unwritable_cache_costs_time_not_the_picture(picture_cache):
    picture_cache.chmod(0o500)
    try:
        data = jpeg((800, 600))
        assert opened(pictures.downsample(data, (200, 150))).size == (200, 150)
    finally:
        picture_cache.chmod(0o700)


# --- every slot takes a picture of any shape ---------------------------------------------


def _pictures_and_obstacles(pdf_path: Path):
    """Per page: the pictures' boxes and everything else drawn: characters, lines and
    filled rectangles. WeasyPrint draws a border as two nested rectangles filled
    even-odd (the ring between them), so such a pair counts as its four sides."""
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            images = [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images]
            others = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars]
            others += [(e["x0"], e["top"], e["x1"], e["bottom"]) for e in page.lines]
            rects = page.rects
            n = 0
            while n < len(rects):
                a = rects[n]
                b = rects[n + 1] if n + 1 < len(rects) else None
                boxes = sorted(((a["x0"], a["top"], a["x1"], a["bottom"]),
                                (b["x0"], b["top"], b["x1"], b["bottom"]) if b else (0, 0, 0, 0)),
                               key=lambda r: (r[2] - r[0]) * (r[3] - r[1]))
                inner, outer = boxes
                if b and a["non_stroking_color"] == b["non_stroking_color"] and _inside(inner, outer):
                    others += [(outer[0], outer[1], outer[2], inner[1]), (outer[0], inner[3], outer[2], outer[3]),
                               (outer[0], outer[1], inner[0], outer[3]), (inner[2], outer[1], outer[2], outer[3])]
                    n += 2
                else:
                    others.append((a["x0"], a["top"], a["x1"], a["bottom"]))
                    n += 1
            yield page, images, others


def _inside(inner, outer, slack: float = 0.01) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


def _overlap(a, b, tolerance: float = 0.2 * MM) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > tolerance and min(a[3], b[3]) - max(a[1], b[1]) > tolerance


def assert_nothing_over_pictures(pdf_path: Path) -> int:
    """Read back from the PDF, independently of the preflight: no picture shares space
    with a character, a drawn line or rectangle (a coloured box that holds the whole
    picture aside) or another picture. Returns how many pictures there are."""
    count = 0
    for page, images, others in _pictures_and_obstacles(pdf_path):
        count += len(images)
        for n, image in enumerate(images):
            for other in images[n + 1:]:
                assert not _overlap(image, other), (page.page_number, image, other)
            for other in others:
                assert _inside(image, other) or not _overlap(image, other), (page.page_number, image, other)
    return count


@pytest.mark.slow
def test_a_stretch_sheet_of_phone_photos_fits_passes_and_stays_small(project, phone_photos):
    images = project.handouts / "images"
    shutil.copytree(phone_photos, images)
    result = build_fixture(project, "photo-steps.md")
    assert result.passed, result.checks
    assert the_pass(result, "overlap").figure == "重なりなし(画像 3点)"
    assert the_pass(result, "overflow").figure == "1ページ(上限 1)"
    assert assert_nothing_over_pictures(result.pdf) == 3
    # 3 × 2.8 MB of JPEG in, well under 1.5 MB out (it was 7 MB before downsampling)
    assert sum(p.stat().st_size for p in images.iterdir()) > 8_000_000
    assert result.pdf.stat().st_size < 1_500_000
    with pdfplumber.open(result.pdf) as pdf:
        placed = pdf.pages[0].images
    # each embedded at 300 ppi of where it is drawn (not its 57 × 41.8 mm slot)
    for image in placed:
        width_in = (image["x1"] - image["x0"]) / 72
        height_in = (image["bottom"] - image["top"]) / 72
        assert image["srcsize"][0] / width_in == pytest.approx(300, abs=3)
        assert image["srcsize"][1] / height_in == pytest.approx(300, abs=3)
    shapes = [(round((i["x1"] - i["x0"]) / MM), round((i["bottom"] - i["top"]) / MM)) for i in placed]
    assert shapes == [(31, 42), (56, 42), (31, 42)]  # portrait, landscape, portrait: each as tall as the slot


def test_a_photo_turned_by_exif_is_printed_upright(project):
    images = small_photos(project.handouts)
    result = build_fixture(project, "photo-steps.md")
    with pdfplumber.open(result.pdf) as pdf:
        first = pdf.pages[0].images[0]
    page = pypdfium2.PdfDocument(result.pdf)[0]
    scale = 200 / 72
    bitmap = page.render(scale=scale).to_pil()
    picture = bitmap.crop(tuple(round(v * scale) for v in (first["x0"], first["top"], first["x1"], first["bottom"])))
    assert picture.width < picture.height  # stored landscape, shown as held
    assert top_is_dark(picture)
    assert opened((images / "turned.jpg").read_bytes()).size == (1008, 756)  # the file is left as it was


def test_two_builds_of_a_photo_sheet_are_byte_identical_with_a_cold_or_warm_cache(project, picture_cache):
    small_photos(project.handouts)
    first = build_fixture(project, "photo-steps.md").pdf.read_bytes()
    assert any(picture_cache.iterdir())
    shutil.rmtree(picture_cache)
    picture_cache.mkdir()
    cold = build(project, project.handouts / "photo-steps.md").pdf.read_bytes()
    warm = build(project, project.handouts / "photo-steps.md").pdf.read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(cold).digest() == hashlib.sha256(warm).digest()


BROCHURE = """\
---
kind: brochure
title: 写真の入るパンフレット
revised: 2026-11-20
---

::: cover

![縦の写真](images/turned.jpg)

表紙の文です。

::: flap

## 折り込み

![縦の写真](images/tall.jpg)

縦の写真の下の文です。

::: inside-left

## 左の面

![横の写真](images/wide.jpg)

横の写真の下の文です。

::: inside-middle

## 中央の面

1. 番号付きの一つ目
2. ![横の写真](images/wide.jpg)
   二つ目は写真つき

::: inside-right

## 右の面

- ![縦の写真](images/turned.jpg)
  箇条書きの中の写真
"""

FAQ = """\
---
kind: faq
title: 写真の入るよくある質問
revised: 2026-11-20
---

## 縦の写真は入りますか?

はい。

![縦の写真](images/turned.jpg)

写真の下の文。

## 横の写真は?

![横の写真](images/wide.jpg)

横も入ります。
"""


@pytest.mark.parametrize("name, text, edition", [
    ("brochure.md", BROCHURE, None), ("faq.md", FAQ, None), ("faq.md", FAQ, "xl"),
    ("photo-steps.md", None, "xl")])
def test_portrait_and_landscape_photos_fit_every_slot(project, name, text, edition):
    small_photos(project.handouts)
    if text is None:
        shutil.copy(Path(__file__).parent / "fixtures/check" / name, project.handouts / name)
    else:
        (project.handouts / name).write_text(text, encoding="utf-8")
    result = build(project, project.handouts / name, edition)
    assert result.passed, [(o.rule, o.message) for o in result.checks.failures]
    count = assert_nothing_over_pictures(result.pdf)
    assert count == {"brochure.md": 5, "faq.md": 2, "photo-steps.md": 3}[name]
    with pdfplumber.open(result.pdf) as pdf:
        for page in pdf.pages:
            for image in page.images:
                width, height = (image["x1"] - image["x0"]) / MM, (image["bottom"] - image["top"]) / MM
                assert image["x0"] >= 9 * MM - 0.5 and image["x1"] <= page.width - 9 * MM + 0.5  # inside the margins
                if name == "brochure.md":
                    assert height <= 80.5 and width <= 82.5  # two fifths of the panel at most, within its width


# --- rule: nothing drawn over a picture ------------------------------------------------------


# The steps as they were before pictures had a slot (issue 11): one under the other, the
# picture placed beside the number, 38 mm wide and as tall as its shape makes it. A
# stylesheet edited like this is what the rule must catch.
PICTURE_BESIDE_THE_NUMBER = """
.steps > ol > li { float: none; width: auto; box-sizing: content-box; margin: 0 0 2mm; min-height: 28mm;
                   padding-left: 56mm; text-indent: 0; line-height: var(--leading); }
.steps > ol > li::before, .steps > ol > li:has(img)::before { top: 2mm; }
.steps li img { position: absolute; left: 12mm; top: 1.5mm; width: 38mm; height: auto; margin: 0; }
"""


def _restyle(project, css: str) -> None:
    sheet = project.styles / "stretch.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n" + css + "\n", encoding="utf-8")


def test_a_portrait_photo_over_the_divider_fails_naming_it_and_its_line(project):
    small_photos(project.handouts)
    _restyle(project, PICTURE_BESIDE_THE_NUMBER)
    result = build_fixture(project, "photo-steps.md")
    found = failures(result, "overlap")
    assert [o.where.line for o in found] == [20, 24]
    first = found[0]
    assert first.message.startswith("画像「turned.jpg」が線(区切り線や枠)に ")
    assert "(ほか1か所)" in first.message  # the next step's picture too
    assert str(first.where) == "1ページ handouts/photo-steps.md:20"
    # 50.7 mm tall from 1.5 mm below the divider: 20.7 mm past the next one, 29.8 mm down
    assert first.figure == "20.7mm"
    assert "重なっています" in found[1].message and "文字「" in found[1].message
    assert not result.passed
    with pytest.raises(AssertionError):  # the PDF shows it too
        assert_nothing_over_pictures(result.pdf)


def test_a_picture_pulled_over_text_fails(project):
    small_photos(project.handouts)
    result = build_fixture(project, "picture-over-text.md")
    found, = failures(result, "overlap")
    assert found.message.startswith("画像「wide.jpg」が文字「この答えの文の上に、下の…」に ")
    assert "HTML で大きさや位置を指定しているなら、その指定を外せば" in found.message
    assert found.where.line == 11


def test_two_pictures_in_one_step_stand_one_under_the_other(project, caplog):
    """Our steps put a picture in the flow, over the step's text: a second picture is a
    warning (one a step), never drawn over the first."""
    small_photos(project.handouts)
    result = build_fixture(project, "two-pictures-a-step.md")
    assert "画像が2枚あります" in caplog.text
    assert the_pass(result, "overlap").figure == "重なりなし(画像 2点)"
    assert assert_nothing_over_pictures(result.pdf) == 2


def test_two_pictures_in_one_step_placed_at_one_spot_fail_as_one_over_the_other(project):
    small_photos(project.handouts)
    _restyle(project, PICTURE_BESIDE_THE_NUMBER.replace("height: auto", "height: 28mm; object-fit: contain"))
    result = build_fixture(project, "two-pictures-a-step.md")
    found, = failures(result, "overlap")
    assert found.message.startswith("画像「wide.jpg」が画像「tall.jpg」に ")
    assert "画像を1枚ずつ別の段落や手順に分けるか" in found.message
    assert found.where.line == 18


def test_a_picture_on_a_coloured_box_is_not_an_overlap(project, no_warnings):
    small_photos(project.handouts)
    result = build_fixture(project, "picture-on-a-colour.md")
    assert the_pass(result, "overlap").figure == "重なりなし(画像 1点)"
    assert assert_nothing_over_pictures(result.pdf) == 1


def test_no_pictures_passes_saying_so(project):
    result = build_fixture(project, "large-enough-text.md")
    assert the_pass(result, "overlap").figure == "画像なし"
