"""Debian's chromium driven by Playwright for Python, for the browser tests (``browser`` fixture in conftest).

Playwright's own browser download is never used: it cannot be fetched here. When either is missing the
tests fail with a message saying how to install them — they never pass silently.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@contextmanager
def running():
    """Debian's chromium, running while inside; or a failure that says how to install what is missing."""
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
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """One page at one viewport, opening file after file.

    A new browser context per file costs about 0.2 s; the pages are files with every image embedded,
    with no cookies or storage to carry over, so one page serves them all. What each file requested,
    and what failed (refused by its Content-Security-Policy, missing, a console error), is kept per file.
    """

    def __init__(self, browser, viewport: dict = DESK):
        self.viewport = viewport
        self.context = browser.new_context(viewport=viewport, java_script_enabled=True)
        self.page = self.context.new_page()
        self.requested: list[str] = []
        self.failed: list[str] = []
        self.page.on("request", lambda r: self.requested.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on(
            "console", lambda m: self.failed.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )

    def open(self, path: Path):
        """The page showing ``path``, loaded (images included); ``requested`` and ``failed`` are this file's."""
        self.requested, self.failed = [], []
        self.page.goto(path.as_uri(), wait_until="load")
        return self.page

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
