"""The catalog in a real browser: Playwright driving Debian's Chromium (no browser
download; ``scripts/browser-deps.sh`` installs it and a Japanese font when root).

Skipped with the reason when Chromium, a Japanese font or Playwright is missing — except
in CI, where these tests must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from leaflet.project import Project

from .conftest import copy_project, wait_for
from .pdfs import metadata
from .serving import running
from .test_bundled_pdfs import TITLES

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Our build isolates fontconfig for WeasyPrint by setting FONTCONFIG_FILE in this process;
# a browser started from here would inherit it and find no fonts at all (boxes for text).
BROWSER_ENV = {k: v for k, v in os.environ.items() if k != "FONTCONFIG_FILE"}
KINDS = {"knee/back-of-knee": "brochure", "knee/chair-stretch": "stretch", "knee/faq": "faq"}
LONG = 90_000  # ms: generous, the machine may be busy; nothing here is timed
GUIDE_LINK = "使い方の手引き(はじめての方へ)"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -r requirements.txt)"
    if not Path(CHROMIUM).is_file():
        return "Debian's chromium is missing: run `sudo bash scripts/browser-deps.sh`"
    fonts = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True,
                           env=BROWSER_ENV, check=False).stdout
    if not fonts.strip():
        return "no Japanese font for Chromium: run `sudo bash scripts/browser-deps.sh`"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              env=BROWSER_ENV)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(bundled, sample, tmp_path_factory) -> tuple[Project, Path]:
    out = tmp_path_factory.mktemp("browser") / "out"
    shutil.copytree(next(iter(bundled.values())).parent.parent, out)
    return Project.at(sample.root, out), out


@pytest.fixture(scope="module")
def server(site):
    with running(*site) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(LONG)
    yield page
    context.close()


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def visible_names(page) -> list[str]:
    return page.locator(".card:visible").evaluate_all("cards => cards.map(c => c.dataset.name)")


def assert_thumbnails_loaded(page) -> None:
    for image in page.locator(".card img").all():
        image.scroll_into_view_if_needed()  # the pictures load lazily
        image.evaluate("img => img.decode()")
        assert image.evaluate("img => img.naturalWidth") > 0


# --- served -------------------------------------------------------------------------------


def test_every_bundled_handout_has_a_card_with_its_picture(page, server):
    page.goto(server)
    expect(page.locator(".card")).to_have_count(len(TITLES))
    for name, title in TITLES.items():
        card = page.locator(f'.card[data-name="{name}"]')
        expect(card.locator("h2")).to_have_text(title)
        expect(card).to_have_attribute("data-kind", KINDS[name])
        for label in ("開く", "ダウンロード", "印刷"):
            expect(card.get_by_role("link", name=label, exact=True)).to_be_visible()
    assert_thumbnails_loaded(page)
    expect(page.get_by_role("status")).to_have_text("全3件を表示しています。")


def test_filter_by_kind(page, server):
    page.goto(server)
    page.get_by_role("button", name=re.compile("^よくある質問")).click()
    assert visible_names(page) == ["knee/faq"]
    expect(page.get_by_role("button", name=re.compile("^よくある質問"))).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status")).to_have_text("3件のうち 1件を表示しています。")
    page.get_by_role("button", name=re.compile("^すべて")).click()
    assert len(visible_names(page)) == 3


@pytest.mark.parametrize("query, names", [
    ("ストレッチ", ["knee/chair-stretch"]),
    ("すとれっち", ["knee/chair-stretch"]),     # hiragana finds katakana
    ("ｽﾄﾚｯﾁ", ["knee/chair-stretch"]),         # so does half-width
    ("膝の裏", list(KINDS)),
    ("腰痛", []),
])
def test_search_by_title(page, server, query, names):
    page.goto(server)
    page.get_by_label("タイトルで探す").fill(query)
    assert visible_names(page) == names
    if names:
        expect(page.locator("#empty")).to_be_hidden()
    else:
        expect(page.locator("#empty")).to_be_visible()


def test_keyboard_alone_filters_and_reaches_the_buttons(page, server):
    page.goto(server)
    page.keyboard.press("Tab")  # the header's links: the staff guide, then the print-and-fold guide
    assert page.evaluate("document.activeElement.textContent") == GUIDE_LINK
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "印刷と折り方の手引き"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # すべて → 三つ折りパンフレット
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("三つ折りパンフレット")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineWidth") == "4px"
    page.keyboard.press("Enter")
    assert visible_names(page) == ["knee/back-of-knee"]
    page.keyboard.press("Space")  # pressing again keeps the same filter
    assert visible_names(page) == ["knee/back-of-knee"]
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the other two kinds, into the first visible card
    assert page.evaluate("document.activeElement.textContent") == "折り方を見る"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "開く"


def test_large_type_and_big_targets(page, server):
    page.goto(server)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    for link in page.locator(".card .button").all():
        box = link.bounding_box()
        assert box["height"] >= 56 and box["width"] >= 100


def test_open_shows_the_pdf(page, server):
    page.goto(server)
    card = page.locator('.card[data-name="knee/faq"]')
    with page.context.expect_page() as opened, page.context.expect_event(
            "response", lambda r: r.url.endswith("/knee/faq.pdf")) as answered:
        card.get_by_role("link", name="開く", exact=True).click()
    response = answered.value
    assert response.status == 200
    assert response.header_value("content-type") == "application/pdf"
    assert opened.value.url == server + "knee/faq.pdf"


def test_print_loads_the_pdf_into_a_frame_and_prints(page, server):
    page.goto(server)
    card = page.locator('.card[data-name="knee/chair-stretch"]')
    with page.expect_response(lambda r: r.url.endswith("/knee/chair-stretch.pdf")) as answered:
        card.get_by_role("link", name="印刷", exact=True).click()
    assert answered.value.header_value("content-type") == "application/pdf"
    expect(page.get_by_role("status")).to_have_text(
        "「椅子でできる 膝の裏のストレッチ」の印刷画面を開きました。設定は「片面印刷・実際のサイズ(100%)」です。")
    assert len(page.context.pages) == 1  # no new tab
    assert page.locator("#print-frame").evaluate("f => f.src") == server + "knee/chair-stretch.pdf"


def test_japanese_is_drawn_with_a_japanese_font(page, server, tmp_path):
    page.goto(server)
    # With no Japanese font, every kanji is the same "missing glyph" box as an unassigned
    # code point; with one, the two drawings differ.
    drawings = page.evaluate("""() => {
        const font = getComputedStyle(document.querySelector("h1")).font;
        const draw = text => {
            const canvas = document.createElement("canvas");
            canvas.width = 600; canvas.height = 80;
            const context = canvas.getContext("2d");
            context.font = font;
            context.fillText(text, 0, 60);
            return canvas.toDataURL();
        };
        return [draw("配布資料の一覧"), draw("\\u0378\\u0379\\u0380\\u0381\\u0382\\u0383\\u038b")];
    }""")
    assert drawings[0] != drawings[1]
    page.screenshot(path=tmp_path / "catalog.png", full_page=True)  # to look at by hand


def assert_guide_shown(page) -> None:
    """The staff guide: its title, the contents, every picture of a page loaded."""
    expect(page.locator("h1")).to_have_text("配布資料の作り方 ― スタッフのための手引き")
    expect(page.get_by_role("navigation", name="目次").get_by_role("link")).to_have_count(10)
    pictures = page.locator("main img")
    expect(pictures).to_have_count(4)
    for image in pictures.all():
        image.scroll_into_view_if_needed()
        image.evaluate("img => img.decode()")
        assert image.evaluate("img => img.naturalWidth") > 0
        assert len(image.get_attribute("alt") or "") >= 10  # says what the picture shows


def test_the_catalog_links_the_staff_guide_and_back(page, server):
    page.goto(server)
    page.get_by_role("link", name=GUIDE_LINK).click()
    expect(page).to_have_url(server + "guide/index.html")
    assert_guide_shown(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") >= 18
    page.get_by_role("link", name="困ったときは").first.click()  # the contents jump within the page
    expect(page).to_have_url(re.compile(r"guide/index\.html#"))
    page.get_by_role("link", name="← 配布資料の一覧に戻る").click()
    expect(page).to_have_url(server + "index.html")
    expect(page.locator(".card")).to_have_count(len(TITLES))


def test_the_print_and_fold_guide_opens_from_the_catalog(page, server, tmp_path):
    page.goto(server)
    # The brochure's card says how to print it, next to its 印刷 button (which refers to it).
    card = page.locator('.card[data-name="knee/back-of-knee"]')
    button = card.get_by_role("link", name="印刷", exact=True)
    setting = page.locator("#" + button.get_attribute("aria-describedby"))
    expect(setting).to_contain_text("両面印刷・短辺とじ・実際のサイズ(100%)")
    card.get_by_role("link", name="折り方を見る").click()
    page.wait_for_url(server + "print-guide.html#brochure")
    expect(page).to_have_title(re.compile("^印刷と折り方の手引き"))
    brochure = page.locator("#brochure")
    expect(brochure.get_by_role("heading", name="三つ折りパンフレット")).to_be_visible()
    expect(brochure).to_contain_text("「両面印刷」で、とじ方は「短辺とじ」")
    diagram = brochure.get_by_role("img", name="三つ折りパンフレットの折り方")
    expect(diagram).to_be_visible()
    box = diagram.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 150  # drawn at a readable size
    assert diagram.locator("text").count() >= 12  # its labels are text, in Japanese
    expect(page.locator("#common")).to_contain_text("実際のサイズ(100%)")
    # One row a kind, from the kinds' schemas (the same data as the PDFs' duplex).
    expect(page.locator("#faq")).to_contain_text("両面印刷・長辺とじ・実際のサイズ(100%)")
    expect(page.locator("#stretch")).to_contain_text("片面印刷・実際のサイズ(100%)")
    page.screenshot(path=tmp_path / "guide.png", full_page=True)  # to look at by hand
    page.get_by_role("link", name="資料の一覧に戻る").click()
    page.wait_for_url(server + "index.html")
    expect(page.locator(".card")).to_have_count(len(TITLES))


def test_the_guide_link_is_in_the_header(page, server):
    page.goto(server)
    page.get_by_role("link", name="印刷と折り方の手引き").click()
    page.wait_for_url(server + "print-guide.html")
    expect(page.get_by_role("heading", level=1)).to_have_text("印刷と折り方の手引き")


# --- from a file share (file://, no server) ---------------------------------------------------


def test_the_staff_guide_works_from_a_file(page, site):
    page.goto((site[1] / "index.html").as_uri())
    page.get_by_role("link", name=GUIDE_LINK).click()
    expect(page).to_have_url((site[1] / "guide/index.html").as_uri())
    assert_guide_shown(page)


def test_static_page_works_from_a_file(page, site):
    page.goto((site[1] / "index.html").as_uri())
    expect(page.locator(".card")).to_have_count(len(TITLES))
    assert_thumbnails_loaded(page)
    page.get_by_role("button", name=re.compile("^ストレッチ用紙")).click()
    assert visible_names(page) == ["knee/chair-stretch"]
    # No frame printing from file://: the button opens the PDF in a new tab to print there.
    with page.context.expect_page() as opened:
        page.locator('.card[data-name="knee/chair-stretch"]').get_by_role(
            "link", name="印刷", exact=True).click()
    assert opened.value.url == (site[1] / "knee/chair-stretch.pdf").as_uri()
    expect(page.get_by_role("status")).to_contain_text("新しいタブで開きました")
    expect(page.get_by_role("status")).to_contain_text("設定は「片面印刷・実際のサイズ(100%)」です。")
    # The guide opens from the file share too.
    page.get_by_role("link", name="印刷と折り方の手引き").click()
    expect(page.get_by_role("img", name="三つ折りパンフレットの折り方")).to_be_visible()


# --- live: edit, rebuild, reload ----------------------------------------------------------


def test_edit_rebuilds_and_the_open_page_reloads(browser, tmp_path):
    project = copy_project(tmp_path / "proj", with_handouts=True)
    messages: list[str] = []
    with running(project, project.out, rebuild=True, messages=messages) as url:
        assert "作成: out/knee/faq.pdf" in "\n".join(messages)
        page = browser.new_page()
        page.set_default_timeout(LONG)
        page.goto(url)
        page.get_by_role("button", name=re.compile("^よくある質問")).click()
        page.evaluate("document.body.dataset.beforeEdit = 'yes'")
        source = project.handouts / "knee/faq.md"
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("title: 膝の裏の痛み よくある質問", "title: 膝の裏の痛み 質問と答え"),
                          encoding="utf-8")

        # The PDF is rebuilt (however the save and the watcher's start-up interleave) ...
        wait_for(lambda: metadata(project.out / "knee/faq.pdf")["Title"] == "膝の裏の痛み 質問と答え",
                 "faq.pdf rebuilt with the new title", LONG / 1000)
        # ... and the open page reloads (it may reload more than once: these assertions retry).
        expect(page.locator('.card[data-name="knee/faq"] h2')).to_have_text("膝の裏の痛み 質問と答え")
        expect(page.locator("body")).not_to_have_attribute("data-before-edit", "yes")
        expect(page.locator(".card:visible")).to_have_count(1)  # the filter is kept
        expect(page.locator('.card[data-name="knee/faq"]')).to_be_visible()
        page.close()
