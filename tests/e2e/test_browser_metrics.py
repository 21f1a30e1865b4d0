"""The scorecard pages in Chromium on the demo's scorecard: nothing wider than the screen at 390 px for
the leaders and the board, trends drawn as SVG, and the CISO takes this month's snapshot from the page."""

from __future__ import annotations

import pytest

from accord.demo.accounts import DEMO_ACCOUNTS, create_demo_accounts
from accord.demo.metrics import build_metrics
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.demo.risks import build_risks
from accord.metrics.models import Snapshot

PASSWORDS = {a.username: a.password for a in DEMO_ACCOUNTS}
PAGES = ["/scorecard/", "/scorecard/metrics/expected_loss/", "/scorecard/thresholds/", "/scorecard/snapshots/",
         "/scorecard/partnership/"]


@pytest.fixture
def demo_scorecard(transactional_db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_reviews, build_metrics):
        builder(context)
    return context


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_every_scorecard_page_fits_the_screen(live_server, demo_scorecard, chromium, tmp_path):
    for username in ("ciso", "cio", "board"):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            _sign_in(page, live_server.url, username)
            for path in PAGES:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (username, path)
                _no_sideways_scroll(page)
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(tmp_path / f"{username}-{width}-{name}.png"), full_page=True)
            page.close()


def test_trends_are_drawn_and_the_ciso_takes_a_snapshot(live_server, demo_scorecard, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    _sign_in(page, live_server.url, "ciso")
    page.goto(f"{live_server.url}/scorecard/")
    assert page.locator("#metric-review_sla_attainment svg.trend polyline").count() == 1
    assert "Formula:" in page.locator("#metric-expected_loss").inner_text()
    taken_before = Snapshot.objects.order_by("-month").first().taken_at
    page.click("text=Take this month's snapshot now")
    page.locator(".messages").wait_for()
    assert "Snapshot of" in page.locator(".messages").inner_text()
    assert Snapshot.objects.count() == 6 and Snapshot.objects.order_by("-month").first().taken_at > taken_before
    _no_sideways_scroll(page)
