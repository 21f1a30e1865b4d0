"""A person's first minute: sign in, open the asset list, filter it, look at it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_page(chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    yield page
    page.close()


def test_sign_in_open_assets_filter_and_screenshot(live_server, transactional_db, org_data, ciso, browser_page, tmp_path):
    page = browser_page
    page.goto(f"{live_server.url}/org/assets/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "ciso")
    page.fill("input[name=password]", "correct-horse-battery-9")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/org/assets/")
    rows = page.locator("#asset-table tbody tr")
    assert rows.count() == 3

    page.select_option("select[name=environment]", "staging")  # htmx swaps the table in place
    # A function, not a bare expression: the page's CSP (no 'unsafe-eval') refuses Playwright's eval of one.
    page.wait_for_function("() => document.querySelectorAll('#asset-table tbody tr').length === 1")
    assert page.locator("#asset-table tbody").inner_text().strip().startswith("erp-app-01")
    assert "environment=staging" in page.url  # the filter is in the address, so it can be shared

    page.fill("input[name=q]", "nothing-like-this")
    page.wait_for_selector("text=No asset matches these filters.")

    shot = tmp_path / "assets.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
