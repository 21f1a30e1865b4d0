"""The leadership pages in Chromium on the demo's leadership data: nothing wider than the screen at 390 px,
the radar drawn as SVG, and the CISO logging hours from the phone."""

from __future__ import annotations

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.demo.accounts import create_demo_accounts
from accord.demo.leadership import build_leadership
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.leadership.models import RadarEntry, TimeEntry


@pytest.fixture
def demo_leadership(transactional_db):
    context = create_demo_accounts()
    build_organisation(context)
    build_reviews(context)
    build_leadership(context)
    return context


def test_every_leadership_page_fits_the_screen(live_server, demo_leadership, chromium, tmp_path):
    pending = RadarEntry.objects.exclude(proposed_stance="").get()
    pages = ["/leadership/", "/leadership/time/", "/leadership/skills/", "/leadership/skills/analyst/",
             "/leadership/radar/", f"/leadership/radar/{pending.pk}/"]
    for username in ("ciso", "analyst"):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, username)
            for path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (username, path)
                assert_fits_the_screen(page)
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(tmp_path / f"{username}-{width}-{name}.png"), full_page=True)
            page.close()


def test_the_radar_and_logging_hours_from_a_phone(live_server, demo_leadership, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "ciso")
    page.goto(f"{live_server.url}/leadership/radar/")
    assert page.locator("#radar a.blip").count() == 6  # agreed and proposed; one entry has no stance yet
    assert page.locator("#radar a.blip.pending").count() == 1
    page.goto(f"{live_server.url}/leadership/time/")
    page.fill("#log-form input[name=activity]", "Budget case for the CFO")
    page.fill("#log-form input[name=hours]", "3.5")
    page.select_option("#log-form select[name=nature]", "strategic")
    page.click("#log-form button[type=submit]")
    page.locator(".messages").wait_for()
    assert "3.5 hours" in page.locator(".messages").inner_text()
    assert TimeEntry.objects.filter(activity="Budget case for the CFO").exists()
    assert_fits_the_screen(page)
