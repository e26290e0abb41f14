"""The leadership pages in a real browser: offline, no code, every image drawn, fits a phone.

Debian's ``chromium`` (``make browser`` installs it) driven by Playwright for Python.
Playwright's own browser download is never used: it cannot be fetched here. When either
is missing the tests fail with a message saying how to install them — they never pass
silently. Screenshots of every page go to ``outputs/screenshots/`` for review.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from lkip_helpers import paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
PHONE_PAGES = ["index.html", "00_ringkasan_eksekutif.html"]
SCREENSHOTS = paths.PROJECT_ROOT / "outputs" / "screenshots"
CODE_SELECTORS = ".input, .input_area, .jp-InputArea, .jp-Editor, .CodeMirror, .jp-InputPrompt, .prompt.input_prompt"
CODE_TEXT = ["lkip_helpers import", "from lkip_helpers", "setup(dataset", "output_dir = ", "md(narrative", "out.table("]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "Playwright for Python is not installed: run `make test`, or "
            "`.venv/bin/python -m pip install -e '.[test]'`",
            pytrace=False,
        )
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Debian's chromium is not at {CHROMIUM}: run `make browser` "
            "(apt-get install -y chromium); Playwright's own browser download is not used",
            pytrace=False,
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _pages(built) -> list[Path]:
    pages = sorted((built / "html").glob("*.html"))
    assert len(pages) >= 8, pages
    return pages


def _open(browser, path: Path, viewport=None):
    """Open ``path``; return (page, context, every requested URL, failed requests and console errors)."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, java_script_enabled=True)
    page = context.new_page()
    requested, failed = [], []
    page.on("request", lambda r: requested.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: failed.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, context, requested, failed


def test_every_page_offline_without_code_and_images_drawn(browser, built):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for path in _pages(built):
        page, context, requested, failed = _open(browser, path)
        try:
            outside = [u for u in requested if urlparse(u).scheme not in ("file", "data")]
            if outside:
                problems.append(f"{path.name}: requests outside file:/data: {outside}")
            if failed:  # includes anything the page's Content-Security-Policy refused
                problems.append(f"{path.name}: failed requests or console errors {failed}")
            text = page.inner_text("body")
            shown_code = [t for t in CODE_TEXT if t in text]
            if shown_code:
                problems.append(f"{path.name}: code visible: {shown_code}")
            visible_inputs = [el for el in page.locator(CODE_SELECTORS).all() if el.is_visible()]
            if visible_inputs:
                problems.append(f"{path.name}: {len(visible_inputs)} code cell(s) visible")
            images = page.evaluate(
                "() => Array.from(document.images).map(i => ({src: i.currentSrc.slice(0, 40), "
                "complete: i.complete, w: i.naturalWidth, h: i.naturalHeight}))"
            )
            broken = [i for i in images if not (i["complete"] and i["w"] > 0 and i["h"] > 0)]
            if broken:
                problems.append(f"{path.name}: images not rendered: {broken}")
            if path.name == "03_bab3_capaian.html" and len(images) < 2:
                problems.append(f"{path.name}: expected the charts, found {len(images)} image(s)")
            if not page.title().strip():
                problems.append(f"{path.name}: no title")
            page.screenshot(path=str(SCREENSHOTS / f"{path.stem}.png"), full_page=True)
        finally:
            context.close()
    assert not problems, "\n".join(problems)
    assert len(list(SCREENSHOTS.glob("*.png"))) >= len(_pages(built))


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_fits_a_phone_without_horizontal_scrolling(browser, built, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, context, _, _ = _open(browser, built / "html" / name, viewport=PHONE)
    try:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        body = page.evaluate("() => document.body.scrollWidth")
        page.screenshot(path=str(SCREENSHOTS / f"{Path(name).stem}-ponsel-390.png"), full_page=True)
        if width > PHONE["width"]:  # name the culprits to make a failure actionable
            wide = page.evaluate(
                """(w) => Array.from(document.querySelectorAll('body *'))
                    .filter(e => e.getBoundingClientRect().right > w + 1)
                    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
                PHONE["width"],
            )
            pytest.fail(f"{name}: scrollWidth {width} > {PHONE['width']} (body {body}); too wide: {wide}")
    finally:
        context.close()


def test_links_between_pages_resolve(built):
    """Every relative link of the index points to a file of the build (the browser would open it offline)."""
    import re

    index = built / "html" / "index.html"
    hrefs = re.findall(r'href="([^"#]+)"', index.read_text(encoding="utf-8"))
    assert hrefs
    for href in hrefs:
        assert not urlparse(href).scheme, href
        assert (index.parent / href).resolve().is_file(), href


def test_page_policy_blocks_scripts_and_outside_requests(browser, tmp_path):
    """Behind escaping, the page shell itself: even markup that slipped through runs nothing and fetches nothing."""
    from lkip_helpers.report.html import page as shell

    path = tmp_path / "uji.html"
    path.write_text(
        shell(
            "aman",
            "<p>isi</p><img src='http://contoh.invalid/x.png'>"
            "<script>document.title = 'skrip jalan'</script>"
            "<link rel='stylesheet' href='https://contoh.invalid/gaya.css'>",
        ),
        encoding="utf-8",
    )
    context = browser.new_context()
    page = context.new_page()
    outside, blocked, answered = [], [], []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).scheme not in ("file", "data") else None)
    page.on("requestfailed", lambda r: blocked.append(r.url) if r.failure == "csp" else None)
    page.on("response", lambda r: answered.append(r.url) if urlparse(r.url).scheme not in ("file", "data") else None)
    try:
        page.goto(path.as_uri(), wait_until="load")
        assert page.title() == "aman"  # the script did not run
        assert page.inner_text("main") == "isi"
        assert len(outside) == 2 and sorted(blocked) == sorted(
            outside
        )  # both refused by the policy, before the network
        assert answered == []
    finally:
        context.close()


def test_chromium_is_debians(browser):
    """The browser is the system chromium, not a downloaded Playwright build."""
    assert shutil.which("chromium") or CHROMIUM.is_file()
    assert browser.version and browser.version.split(".")[0].isdigit()
