"""The print-shop edition (``build --press``), read back with pikepdf: PDF/X-4 with a CMYK
output intent, no RGB anywhere, TrimBox = paper, BleedBox = paper + 3 mm, crop marks in
registration colour outside the bleed, fonts embedded; the press rule fails an RGB fixture."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image

from leaflet.build import build
from leaflet.build.pipeline import build_one
from leaflet.check.preflight import RULES
from leaflet.project import Project
from leaflet.render.pdf import colour
from leaflet.render.pdf.press import folds  # noqa: F401  (imported: the module loads)

from .check_tools import FIXTURES, failures, the_pass
from .conftest import ROOT, write_stretch
from .pdf_colours import MM, operators, rgb_names, streams, strokes_after
from .pdfs import fonts, text_of

BLEED = 3 * MM
A4 = (210 * MM, 297 * MM)
PROFILE = ROOT / "profiles" / "ISOcoated_v2_300_bas.icc"


@pytest.fixture(scope="session")
def bundled_press(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample handouts' print-shop edition, built once: name → PDF path."""
    out = tmp_path_factory.mktemp("out") / "press"
    project = Project.at(sample.root, out)
    results = build(project, project.all_handouts(), out, press=True)
    assert all(r.ok for r in results), [r.error for r in results]
    assert all(r.passed for r in results), [r.check_failures for r in results]
    return {r.name: r.pdf for r in results}


def _press(project: Project, file: Path):  # type: ignore[no-untyped-def]
    result = build_one(project, file, project.root / "out" / "press", press=True)
    assert result.ok, result.error
    return result


def test_press_files_are_pdfx4_with_the_cmyk_profile_as_output_intent(bundled_press):
    assert set(bundled_press) == {"knee/back-of-knee", "knee/chair-stretch", "knee/faq"}
    for pdf_path in bundled_press.values():
        assert pdf_path.parent.parent.name == "press"
        with pikepdf.open(pdf_path) as pdf:
            assert pdf.pdf_version == "1.6"
            with pdf.open_metadata() as meta:
                assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
            intent, = pdf.Root.OutputIntents
            assert intent.S == "/GTS_PDFX"
            assert str(intent.OutputConditionIdentifier) == "FOGRA39"
            assert str(intent.RegistryName) == "http://www.color.org"
            profile = intent.DestOutputProfile
            assert profile.N == 4
            # The shipped file, unaltered (its licence asks altered copies to be marked).
            assert hashlib.sha256(profile.read_bytes()).digest() == hashlib.sha256(PROFILE.read_bytes()).digest()


def test_trim_is_the_paper_and_bleed_is_3mm_more(bundled_press):
    papers = {"knee/back-of-knee": A4[::-1], "knee/chair-stretch": A4, "knee/faq": A4}
    for name, pdf_path in bundled_press.items():
        width, height = papers[name]
        with pikepdf.open(pdf_path) as pdf:
            for page in pdf.pages:
                trim = [float(v) for v in page.TrimBox]
                bleed = [float(v) for v in page.BleedBox]
                media = [float(v) for v in page.MediaBox]
                assert trim == pytest.approx([0, 0, width, height], abs=0.01)
                assert bleed == pytest.approx([-BLEED, -BLEED, width + BLEED, height + BLEED], abs=0.01)
                assert media[0] < bleed[0] - 10 * MM and media[2] > bleed[2] + 10 * MM  # room for the marks


def test_no_rgb_anywhere_in_press_files(bundled_press):
    for pdf_path in bundled_press.values():
        with pikepdf.open(pdf_path) as pdf:
            assert rgb_names(pdf) == []
            used = {op for _, holder in streams(pdf) for op, _ in operators(holder)}
            assert not used & {"rg", "RG"}
            assert {"k", "K", "scn", "SCN"} & used  # colours are there, in CMYK


def test_the_office_pdf_is_still_rgb(bundled):
    """The twins only apply to the press edition: the office PDF keeps its screen colours."""
    with pikepdf.open(bundled["knee/faq"]) as pdf:
        used = {op for _, holder in streams(pdf) for op, _ in operators(holder)}
        assert "rg" in used
        assert "/OutputIntents" not in pdf.Root


def test_crop_marks_are_registration_colour_outside_the_bleed(bundled_press):
    for name, pdf_path in bundled_press.items():
        with pikepdf.open(pdf_path) as pdf:
            for page in pdf.pages:
                x0, y0, x1, y1 = (float(v) for v in page.BleedBox)
                marks = strokes_after(page.obj, "K", [1, 1, 1, 1])
                # 4 corners × (2 trim lines + an L of 2) + 4 centre marks × 2, and fold marks
                assert len(marks) >= 24, (name, len(marks))
                for sx0, sy0, sx1, sy1 in marks:
                    outside = (max(sx0, sx1) <= x0 or min(sx0, sx1) >= x1
                               or max(sy0, sy1) <= y0 or min(sy0, sy1) >= y1)
                    assert outside, (name, (sx0, sy0, sx1, sy1))
                # Nothing else is stroked in that colour: it is ours, not the page's.
                colours = [operands for op, operands in operators(page.obj) if op in ("K", "RG")]
                assert all(len(c) == 4 for c in colours)


def test_the_brochure_has_fold_marks_in_line_with_its_folds(bundled_press):
    with pikepdf.open(bundled_press["knee/back-of-knee"]) as pdf:
        wanted = [[97, 197], [100, 200]]  # outside: flap | back | cover; inside: 100 | 100 | 97
        for page, folds_mm in zip(pdf.pages, wanted):
            height = float(page.TrimBox[3])
            verticals = {round(s[0] / MM, 1) for s in strokes_after(page.obj, "K", [1, 1, 1, 1])
                         if s[0] == s[2] and min(s[1], s[3]) >= height + BLEED}
            for fold in folds_mm:
                assert fold in verticals, (fold, sorted(verticals))
            assert 148.5 in verticals  # the centre mark


def test_press_fonts_are_embedded_and_text_stays_text(bundled_press):
    for pdf_path in bundled_press.values():
        assert fonts(pdf_path) and all(fonts(pdf_path).values())
    text = text_of(bundled_press["knee/back-of-knee"])
    assert "膝の裏が" in text and "考えられる4つの原因" in text


def short_marks_inside_the_trim(pdf_path: Path) -> list[tuple[int, float, float]]:
    """(page, x mm, top mm) of every short thin vertical mark inside the trim, from the
    trim's top left: the office fold ticks are 4 mm long, 0.25 mm wide."""
    with pikepdf.open(pdf_path) as pdf:
        trims = [[float(v) for v in page.TrimBox] for page in pdf.pages]
    found = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, (page, (x0, y0, x1, y1)) in enumerate(zip(pdf.pages, trims), 1):
            top = page.height - y1  # the trim's top, from the page's top
            for shape in page.rects + page.lines:
                tall, wide = shape["bottom"] - shape["top"], shape["x1"] - shape["x0"]
                inside = x0 <= shape["x0"] and shape["x1"] <= x1 and top <= shape["top"] and \
                    shape["bottom"] <= page.height - y0
                if inside and 3 * MM < tall < 5 * MM and wide < 0.5 * MM:
                    found.append((number, round((shape["x0"] - x0) / MM), round((shape["top"] - top) / MM)))
    return sorted(set(found))


def test_no_office_fold_ticks_in_the_press_brochure(bundled_press, bundled):
    """The office brochure has the light ticks (--fold-tick) at the folds, 5 mm from the
    paper's edge; the press one has marks outside the trim instead, and none inside it.
    (Found by where they are: the bundled drawings share the ticks' grey.)"""
    office = short_marks_inside_the_trim(bundled["knee/back-of-knee"])
    assert {(page, x) for page, x, _ in office} == {(1, 97), (1, 197), (2, 100), (2, 200)}
    assert short_marks_inside_the_trim(bundled_press["knee/back-of-knee"]) == []


def test_press_files_keep_the_structure_tree_and_mark_the_marks_as_artifacts(bundled_press, bundled):
    """Tagged as the office PDF is (the same tree, in the same reading order), but they
    claim PDF/X-4 only: WeasyPrint writes one variant's identification."""
    from pdfua import validate

    from .structure_tools import Tagged

    for name, pdf_path in bundled_press.items():
        press, office = Tagged(pdf_path), Tagged(bundled[name])
        assert press.pdf.Root.MarkInfo.Marked is True and str(press.pdf.Root.Lang) == "ja"
        assert ([(e.role, press.text(e)) for e in press.document.walk()]
                == [(e.role, office.text(e)) for e in office.document.walk()]), name
        assert all(tag for _page, tag, _mcid, _artifact in press.marked_text()), name
        for page in press.pdf.pages:
            marks = page.Contents[-1].read_bytes()  # the finisher's stream, last
            assert marks.startswith(b"Q\n/Artifact <</Type /Page>> BDC\n") and marks.endswith(b"\nEMC"), name
        with press.pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") is None
        findings = [f.rule_id for f in validate(str(pdf_path)).findings]
        assert findings == ["UA-28-004"], (name, findings)  # only: no PDF/UA identification


def test_press_rule_passes_on_the_bundled_handouts(sample, tmp_path):
    project = Project.at(sample.root, tmp_path / "out")
    result = build_one(project, sample.handouts / "knee" / "faq.md", tmp_path / "out", write=False, press=True)
    assert the_pass(result, "press").figure == "CMYK・塗り足し3mm・PDF/X-4"
    # Contrast is measured as the inks print (the profile), and still passes.
    assert the_pass(result, "contrast").figure.startswith("最低")


def test_press_rule_fails_on_an_rgb_colour_written_in_the_handout(project):
    target = project.handouts / "press-rgb.md"
    shutil.copy(FIXTURES / "press-rgb.md", target)
    result = _press(project, target)
    failure, = failures(result, "press")
    assert failure.figure.startswith("RGB ")
    assert "RGB の色が残っています(文字や線の色、1ページ)" in failure.message
    assert "style=\"color: …\"" in failure.message
    assert not result.passed and "印刷所用の形式" in result.check_failures
    # The rule read what is really in the file.
    with pikepdf.open(result.pdf) as pdf:
        assert any(op == "rg" for _, h in streams(pdf) for op, _ in operators(h))


def test_press_rule_names_a_stylesheet_colour_without_twin(project, write):
    sheet = project.styles / "faq.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\nbody { border-top: 1mm solid #b00000; }\n", encoding="utf-8")
    line = sheet.read_text(encoding="utf-8").count("\n")
    file = write("q.md", "---\nkind: faq\ntitle: 質問\nrevised: 2026-11-20\n---\n\n## 質問\n\n答え。\n")
    failure, = failures(_press(project, file), "press")
    assert f"styles/faq.css:{line} の #b00000 に CMYK の対" in failure.message


def test_press_rule_fails_without_bleed_or_output_intent(project):
    from leaflet.check import press

    def messages(pdf: pikepdf.Pdf) -> list[str]:
        buffer = io.BytesIO()
        pdf.save(buffer)
        return [o.message for o in press.check(buffer.getvalue(), [A4], [], project) if not o.passed]

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=A4)
    assert any("仕上がり枠(TrimBox)が紙の大きさ 210×297mm と違います(なし)" in m for m in messages(pdf))
    pdf.pages[0].TrimBox = pdf.pages[0].MediaBox
    found = messages(pdf)
    assert any("塗り足しの枠(BleedBox)が仕上がりの外側 3mm になっていません" in m for m in found)
    assert any("出力インテント(GTS_PDFX)がありません" in m for m in found)
    assert any("PDF/X-4 の版の記録がありません" in m for m in found)


def test_pictures_are_converted_to_cmyk(project, write):
    images = project.handouts / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.new("RGBA", (1200, 900), (200, 120, 60, 255)).save(images / "photo.png")
    Image.new("L", (1200, 900), 90).save(images / "grey.png")
    file = write("pics.md", (FIXTURES / "photo.md").read_text(encoding="utf-8").replace(
        "2. かかとを床につけ、つま先を上に向けます。",
        "2. ![灰色](images/grey.png)\n   かかとを床につけ、つま先を上に向けます。"))
    result = _press(project, file)
    assert result.passed, result.check_failures
    with pikepdf.open(result.pdf) as pdf:
        spaces = sorted(str(x.ColorSpace) for _, h in streams(pdf)
                        for x in (h.get("/Resources") or {}).get("/XObject", {}).values()
                        if x.get("/Subtype") == "/Image")
    assert spaces == ["/DeviceCMYK", "/DeviceGray"]


def test_svg_colours_become_inks():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#0b3d6e"/><path stroke="#777777" style="fill: red"/>'
           b'<stop stop-color="#ff0000"/><g fill="none"/></svg>')
    accent = (1.0, 0.75, 0.2, 0.25)
    out = colour.svg_to_cmyk(svg, lambda rgb: accent if colour._byte(rgb[2]) == 0x6e
                             else colour.rgb_to_cmyk(rgb, str(PROFILE))).decode()
    assert 'fill="device-cmyk(1 0.75 0.2 0.25)"' in out  # a stylesheet colour gets its twin
    grey = colour.rgb_to_cmyk((0x77 / 255,) * 3, str(PROFILE))
    assert grey[:3] == (0, 0, 0) and 0.5 < grey[3] < 0.8  # a grey is black ink only
    assert 'style="fill: device-cmyk(' in out
    assert 'stop-color="#ff0000"' in out  # gradients stay (WeasyPrint draws them in RGB)
    assert 'fill="none"' in out
    assert out.startswith('<svg fill="device-cmyk(0 0 0 1)" color="device-cmyk(0 0 0 1)"')


def test_ink_colours_are_measured_through_the_profile():
    black = colour.cmyk_to_srgb((0, 0, 0, 1), str(PROFILE))
    assert 0.1 < black[0] < 0.25  # solid black ink is not screen black
    assert colour.cmyk_to_srgb((0, 0, 0, 0), str(PROFILE)) == pytest.approx((1, 1, 1), abs=0.01)


def test_every_bundled_stylesheet_colour_has_a_cmyk_twin():
    sheets = sorted((ROOT / "styles").glob("*.css"))
    assert colour.untwinned(sheets, ROOT) == []
    names = {t.name for t in colour.twins(sheets, ROOT)}
    assert {"--ink", "--accent", "--paper"} <= names


def test_untwinned_finds_literal_colours(tmp_path):
    sheet = tmp_path / "x.css"
    sheet.write_text(":root { --a: #123456; --a-cmyk: device-cmyk(0 0 0 1); --b: red; }\n"
                     "p { color: var(--a); border: 1px solid rgb(1 2 3); background: transparent; }\n",
                     encoding="utf-8")
    assert [(u.line, u.text) for u in colour.untwinned([sheet], tmp_path)] == [(1, "red"), (2, "rgb(1 2 3)")]


def test_a_stylesheet_leading_out_of_the_project_is_not_read_for_its_colours(tmp_path):
    from leaflet.errors import HandoutError

    (tmp_path / "secret.css").write_text(":root { --a: red; }\n", encoding="utf-8")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "x.css").symlink_to(tmp_path / "secret.css")
    with pytest.raises(HandoutError):
        colour.twins([tmp_path / "proj" / "x.css"], tmp_path / "proj")


def test_press_build_is_reproducible(bundled_press, sample, tmp_path):
    out = tmp_path / "again"
    project = Project.at(sample.root, out)
    again = build_one(project, sample.handouts / "knee" / "chair-stretch.md", out, press=True)
    assert again.pdf.read_bytes() == bundled_press["knee/chair-stretch"].read_bytes()


def test_a_clinic_can_name_its_own_profile(project, write):
    file = write_stretch(write, "s.md")
    shutil.copy(PROFILE, project.root / "profiles" / "shop.icc")
    (project.root / "clinic.yaml").write_text(
        "name: テスト医院\nprint:\n  press_profile: profiles/shop.icc\n  press_condition: JC2011\n", encoding="utf-8")
    with pikepdf.open(_press(project, file).pdf) as pdf:
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "JC2011"


@pytest.mark.parametrize("setting, problem", [
    ("profiles/missing.icc", "印刷用プロファイル「profiles/missing.icc」が見つかりません"),
    ("../outside.icc", "はプロジェクトの外です"),
    ("clinic.yaml", "は ICC プロファイルとして読めません"),
])
def test_a_wrong_profile_is_an_error_at_its_line(project, write, setting, problem):
    file = write_stretch(write, "s.md")
    (project.root / "clinic.yaml").write_text(f"name: テスト医院\nprint:\n  press_profile: {setting}\n",
                                              encoding="utf-8")
    result = build_one(project, file, project.root / "out" / "press", press=True)
    assert result.error and result.error.startswith("handouts/s.md: clinic.yaml:3: ") and problem in result.error


def test_an_rgb_profile_is_refused(project, write):
    from PIL import ImageCms

    ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    (project.root / "profiles" / "srgb.icc").write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (project.root / "clinic.yaml").write_text("print:\n  press_profile: profiles/srgb.icc\n", encoding="utf-8")
    result = build_one(project, write_stretch(write, "s.md"), project.root / "out" / "press", press=True)
    assert "CMYK のプロファイルではありません(RGB)" in result.error


GRADIENT = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><defs><linearGradient id="a">'
            '<stop offset="0" stop-color="#ff0000"/><stop offset="1" stop-color="#0000ff"/></linearGradient></defs>'
            '<rect width="200" height="100" fill="url(#a)"/></svg>')


def _shading_outputs(pdf: pikepdf.Pdf) -> list[tuple[str, int]]:
    found = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and "/ShadingType" in obj:
            for function in obj.Function.get("/Functions") or [obj.Function]:
                found.append((str(obj.ColorSpace), len(function.C0)))
    return found


def test_gradients_are_written_in_inks(project, write):
    """WeasyPrint 70 writes gradient stops as RGB triples even into a CMYK shading; the
    press finisher converts them (and the rule would catch a mismatch)."""
    write("images/g.svg", GRADIENT)
    file = write("g.md", "---\nkind: faq\ntitle: グラデーション\nrevised: 2026-11-20\n---\n\n![図](images/g.svg)\n")
    result = _press(project, file)
    assert the_pass(result, "press")
    with pikepdf.open(result.pdf) as pdf:
        assert _shading_outputs(pdf) == [("/DeviceCMYK", 4)]


def test_press_rule_catches_rgb_values_in_a_cmyk_gradient(project):
    from leaflet.check import press

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=A4)
    shading = pikepdf.Dictionary(ShadingType=2, ColorSpace=pikepdf.Name.DeviceCMYK, Coords=[0, 0, 1, 0],
                                 Function=pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 0, 0],
                                                             C1=[0, 0, 1], N=1))
    pdf.pages[0].Resources = pikepdf.Dictionary(Shading=pikepdf.Dictionary(s0=shading))
    pdf.pages[0].Contents = pdf.make_stream(b"/s0 sh")
    buffer = io.BytesIO()
    pdf.save(buffer)
    rgb = [o for o in press.check(buffer.getvalue(), [A4], [], project) if o.figure.startswith("RGB")]
    assert rgb and "グラデーション" in rgb[0].message


# --- the command line ------------------------------------------------------------------


def _cli(project: Project, *args: str):  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    import make_pdf

    return CliRunner().invoke(make_pdf.cli, [*args, "--project", str(project.root)])


def test_build_press_writes_out_press_only(project, write):
    write_stretch(write, "s.md")
    first = _cli(project, "build", "--press", "--jobs", "1")
    assert first.exit_code == 0, first.output
    assert "作成: out/press/s.pdf(1ページ" in first.output
    assert f"検査: {len(RULES) + 1}項目すべて合格" in first.output  # and the press rule
    assert (project.root / "out/press/s.pdf").is_file()
    assert not (project.root / "out/s.pdf").exists()
    assert not (project.root / "out/index.html").exists()  # the catalog lists office PDFs
    assert not (project.root / "out/press/.thumbs").exists()  # … and shows office thumbnails
    again = _cli(project, "build", "--press", "--jobs", "1")
    assert "最新: s(変更なし)" in again.output
    # The office build is separate and does not take the press file for its own.
    office = _cli(project, "build", "--jobs", "1")
    assert "作成: out/s.pdf" in office.output
    with pikepdf.open(project.root / "out/s.pdf") as pdf:
        assert "/OutputIntents" not in pdf.Root
    # Changing the profile rebuilds the press file.
    (project.root / "clinic.yaml").write_text("print:\n  press_condition: OTHER\n", encoding="utf-8")
    assert "作成: out/press/s.pdf" in _cli(project, "build", "--press", "--jobs", "1").output


def test_check_press_reports_the_press_rule(project):
    shutil.copy(FIXTURES / "press-rgb.md", project.handouts / "press-rgb.md")
    result = _cli(project, "check", "--press", "press-rgb")
    assert result.exit_code == 1
    assert "印刷所用の形式" in result.output and "RGB の色が残っています" in result.output
    assert not (project.root / "out").exists()  # check writes nothing


def test_a_broken_profile_setting_fails_the_build_with_its_line(project, write):
    write_stretch(write, "s.md")
    (project.root / "clinic.yaml").write_text("print:\n  press_profile: profiles/nope.icc\n", encoding="utf-8")
    result = _cli(project, "build", "--press", "--jobs", "1")
    assert result.exit_code == 1
    assert "clinic.yaml:2: 印刷用プロファイル「profiles/nope.icc」が見つかりません" in result.output


@pytest.mark.parametrize("clinic, problem", [
    ("name: 医院\nprint:\n  press_profil: profiles/shop.icc\n",
     "clinic.yaml:3: print: に「press_profil」という項目はありません — 「press_profile」の書き間違いではありませんか。"),
    ("print: profiles/shop.icc\n", "clinic.yaml:1: print(印刷所用 PDF の設定)の値「profiles/shop.icc」の形が違います"),
])
def test_a_wrong_print_setting_is_an_error_at_its_line(project, write, clinic, problem):
    write_stretch(write, "s.md")
    (project.root / "clinic.yaml").write_text(clinic, encoding="utf-8")
    result = _cli(project, "build", "--press", "--jobs", "1")
    assert result.exit_code == 1
    assert problem in result.output


def test_a_background_touching_the_paper_edge_is_painted_into_the_bleed(project, write):
    """A cover panel filled with the accent colour reaches the top, right and bottom edges:
    in the press file it runs 3 mm further, to the bleed line, and no further."""
    import pypdfium2 as pdfium

    sheet = project.styles / "brochure.css"
    sheet.write_text(sheet.read_text(encoding="utf-8") + "\n.panel.cover { background: var(--accent); }\n"
                     ".panel.cover, .panel.cover * { color: var(--paper); }\n", encoding="utf-8")
    from .test_office_print import BROCHURE

    result = _press(project, write("b.md", BROCHURE))
    assert result.passed, result.check_failures
    scale = 4  # px per pt
    document = pdfium.PdfDocument(result.pdf)
    try:
        image = document[0].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    with pikepdf.open(result.pdf) as pdf:
        media = [float(v) for v in pdf.pages[0].MediaBox]
        trim = [float(v) for v in pdf.pages[0].TrimBox]

    def pixel(x_pt: float, y_pt: float) -> tuple[int, int, int]:  # PDF user space, y up
        return image.getpixel((round((x_pt - media[0]) * scale), round((media[3] - y_pt) * scale)))

    def blue(rgb: tuple[int, int, int]) -> bool:
        return rgb[2] > rgb[0] + 40 and rgb[0] < 120

    middle_y = (trim[1] + trim[3]) / 2
    assert blue(pixel(trim[2] - 5 * MM, middle_y))  # the panel itself
    assert blue(pixel(trim[2] + 1.5 * MM, middle_y))  # in the bleed, past the right edge
    assert blue(pixel(trim[2] - 30 * MM, trim[3] + 1.5 * MM))  # past the top edge
    assert blue(pixel(trim[2] - 30 * MM, trim[1] - 1.5 * MM))  # past the bottom edge
    assert not blue(pixel(trim[2] + 4.5 * MM, middle_y))  # not beyond the bleed
    assert not blue(pixel(150 * MM, trim[3] + 1.5 * MM))  # the white back panel: nothing to extend


def test_the_press_plan_records_the_profile_as_an_input(project, write):
    """The render plan of a press build names the profile: it is hashed with the PDF's
    inputs (a changed profile rebuilds the press files), and WeasyPrint is told of it."""
    from leaflet.build.deps import deps_of
    from leaflet.build.plan import plan_for

    file = write_stretch(write, "s.md")
    office, press = plan_for(project, file), plan_for(project, file, press=True)
    assert office.edition.press is None and press.edition.press == project.root / "profiles/ISOcoated_v2_300_bas.icc"
    assert "profiles/ISOcoated_v2_300_bas.icc" in deps_of(project, press).inputs
    assert "profiles/ISOcoated_v2_300_bas.icc" not in deps_of(project, office).inputs
    # A profile named outside the project is never read, not even to hash it: the build says why.
    (project.root / "clinic.yaml").write_text("print:\n  press_profile: ../elsewhere.icc\n", encoding="utf-8")
    outside = plan_for(project, file, press=True)
    assert outside.edition.press == project.root.parent / "elsewhere.icc"
    assert not any("elsewhere" in rel for rel in deps_of(project, outside).inputs)
    result = build_one(project, file, press=True)
    assert "clinic.yaml:2: 印刷用プロファイル「../elsewhere.icc」はプロジェクトの外です" in result.error


def _images(pdf_path: Path) -> list[tuple[str, int, int]]:
    with pikepdf.open(pdf_path) as pdf:
        return sorted((str(x.ColorSpace), int(x.Width), int(x.Height)) for _, h in streams(pdf)
                      for x in (h.get("/Resources") or {}).get("/XObject", {}).values()
                      if x.get("/Subtype") == "/Image")


@pytest.mark.slow
def test_a_phone_photo_is_downsampled_before_it_is_put_in_inks(project, write):
    """A CMYK picture is never scaled (pictures.downsample), so the press edition converts
    a photo only after it was brought to 300 ppi of its drawn size, as in the office PDF."""
    images = project.handouts / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.effect_noise((4000, 3000), 60).convert("RGB").save(images / "photo.png")
    file = write("pics.md", (FIXTURES / "photo.md").read_text(encoding="utf-8"))
    office = build_one(project, file, project.root / "out")
    press = _press(project, file)
    (space, width, height), = _images(press.pdf)
    assert space == "/DeviceCMYK"
    assert (width, height) == _images(office.pdf)[0][1:] and width < 1000
    assert press.pdf.stat().st_size < 3_000_000  # 41 MB when converted whole as it was read


def test_a_background_picture_is_put_in_inks(project, write):
    images = project.handouts / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (60, 40), (200, 120, 60)).save(images / "texture.png")
    file = write_stretch(write, "s.md")
    file.write_text(file.read_text(encoding="utf-8").replace(
        "楽になります。", '<div style="height: 20mm; background-image: url(images/texture.png)"></div>\n\n楽になります。'),
        encoding="utf-8")
    result = _press(project, file)
    assert the_pass(result, "press")
    assert [space for space, _w, _h in _images(result.pdf)] == ["/DeviceCMYK"]
