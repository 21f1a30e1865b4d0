"""Debian's Chromium driven by Playwright, headless (`playwright install` cannot download browsers here)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium) first")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()
