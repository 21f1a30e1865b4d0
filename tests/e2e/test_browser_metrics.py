"""The scorecard pages in Chromium on the demo's scorecard: nothing wider than the screen at 390 px for
the leaders and the board, trends drawn as SVG, and the CISO takes this month's snapshot from the page."""

from __future__ import annotations

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.demo.accounts import create_demo_accounts
from accord.demo.metrics import build_metrics
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.demo.risks import build_risks
from accord.metrics.models import Snapshot

PAGES = ["/scorecard/", "/scorecard/metrics/expected_loss/", "/scorecard/thresholds/", "/scorecard/snapshots/",
         "/scorecard/partnership/"]


@pytest.fixture
def demo_scorecard(transactional_db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_reviews, build_metrics):
        builder(context)
    return context


def test_every_scorecard_page_fits_the_screen(live_server, demo_scorecard, chromium, tmp_path):
    for username in ("ciso", "cio", "board"):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, username)
            for path in PAGES:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (username, path)
                assert_fits_the_screen(page)
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(tmp_path / f"{username}-{width}-{name}.png"), full_page=True)
            page.close()


def test_trends_are_drawn_and_the_ciso_takes_a_snapshot(live_server, demo_scorecard, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "ciso")
    page.goto(f"{live_server.url}/scorecard/")
    assert page.locator("#metric-review_sla_attainment svg.trend polyline").count() == 1
    assert "Formula:" in page.locator("#metric-expected_loss").inner_text()
    taken_before = Snapshot.objects.order_by("-month").first().taken_at
    page.click("text=Take this month's snapshot now")
    page.locator(".messages").wait_for()
    assert "Snapshot of" in page.locator(".messages").inner_text()
    assert Snapshot.objects.count() == 6 and Snapshot.objects.order_by("-month").first().taken_at > taken_before
    assert_fits_the_screen(page)
