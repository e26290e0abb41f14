"""The leadership pages in a real browser: offline, no code, every image drawn, fits a phone.

Debian's ``chromium`` (``make browser`` installs it) driven by Playwright for Python (tests/chromium.py).
A page with a problem is screenshot into ``outputs/screenshots/``, to see why.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from chromium import CHROMIUM, DESK, PHONE, Tab

from lkip_helpers import paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE_PAGES = ["index.html", "00_ringkasan_eksekutif.html"]
SCREENSHOTS = paths.PROJECT_ROOT / "outputs" / "screenshots"
CODE_SELECTORS = ".input, .input_area, .jp-InputArea, .jp-Editor, .CodeMirror, .jp-InputPrompt, .prompt.input_prompt"
CODE_TEXT = ["lkip_helpers import", "from lkip_helpers", "setup(dataset", "output_dir = ", "md(narrative", "out.table("]


def _screenshot(page, name: str) -> Path:
    """The page as it looks, whole, into ``outputs/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    return shot


def _pages(built) -> list[Path]:
    pages = sorted((built / "html").glob("*.html"))
    assert len(pages) >= 8, pages
    return pages


def test_every_page_offline_without_code_and_images_drawn(browser, built):
    problems = []
    with Tab(browser, DESK) as tab:
        for path in _pages(built):
            page = tab.open(path)
            found = []
            outside = [u for u in tab.requested if urlparse(u).scheme not in ("file", "data")]
            if outside:
                found.append(f"requests outside file:/data: {outside}")
            if tab.failed:  # includes anything the page's Content-Security-Policy refused
                found.append(f"failed requests or console errors {tab.failed}")
            text = page.inner_text("body")
            shown_code = [t for t in CODE_TEXT if t in text]
            if shown_code:
                found.append(f"code visible: {shown_code}")
            visible_inputs = [el for el in page.locator(CODE_SELECTORS).all() if el.is_visible()]
            if visible_inputs:
                found.append(f"{len(visible_inputs)} code cell(s) visible")
            images = page.evaluate(
                "() => Array.from(document.images).map(i => ({src: i.currentSrc.slice(0, 40), "
                "complete: i.complete, w: i.naturalWidth, h: i.naturalHeight}))"
            )
            broken = [i for i in images if not (i["complete"] and i["w"] > 0 and i["h"] > 0)]
            if broken:
                found.append(f"images not rendered: {broken}")
            if path.name == "03_bab3_capaian.html" and len(images) < 2:
                found.append(f"expected the charts, found {len(images)} image(s)")
            if not page.title().strip():
                found.append("no title")
            if found:
                problems.append(f"{path.name} ({_screenshot(page, path.stem)}): " + "; ".join(found))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_fits_a_phone_without_horizontal_scrolling(browser, built, name):
    with Tab(browser, PHONE) as tab:
        page = tab.open(built / "html" / name)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        body = page.evaluate("() => document.body.scrollWidth")
        if width > PHONE["width"]:  # name the culprits to make a failure actionable
            wide = page.evaluate(
                """(w) => Array.from(document.querySelectorAll('body *'))
                    .filter(e => e.getBoundingClientRect().right > w + 1)
                    .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""",
                PHONE["width"],
            )
            shot = _screenshot(page, f"{Path(name).stem}-ponsel-{PHONE['width']}")
            pytest.fail(f"{name}: scrollWidth {width} > {PHONE['width']} (body {body}); too wide: {wide} ({shot})")


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
