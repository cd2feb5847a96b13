"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Never downloads a browser: CHROMIUM_PATH (default /usr/bin/chromium) must exist, or the
tests are skipped. Screenshots go to artifacts/screenshots/ (gitignored) for people to
look at.
"""

import os
from pathlib import Path

import pytest

from tests.helpers.browser import CHROMIUM_ARGS

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def chromium():
    # Module scope: only one Playwright (one event loop) may run in this thread at a time,
    # so the browser is closed before another module starts its own.
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.skip(f"no Chromium at {executable}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
