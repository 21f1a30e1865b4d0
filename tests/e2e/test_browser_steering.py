"""The steering pages in Chromium, on the demo's committee: nothing wider than the screen at 390 px,
and a member records a decision with a follow-up action through the form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.core import clock
from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.demo.steering import build_steering
from accord.governance.models import Decision
from accord.steering.models import AgendaItem, FollowUp, Meeting, MeetingStatus


@pytest.fixture
def demo_committee(transactional_db):
    context = create_demo_accounts()
    build_organisation(context)
    build_reviews(context)
    build_steering(context)
    return context


def test_every_steering_page_fits_the_screen(live_server, demo_committee, chromium, tmp_path):
    upcoming = Meeting.objects.filter(status=MeetingStatus.SCHEDULED).get()
    held = Meeting.objects.filter(status=MeetingStatus.HELD).first()
    item = AgendaItem.objects.filter(meeting=upcoming).first()
    pages = ["/steering/", f"/steering/meetings/{upcoming.pk}/", f"/steering/meetings/{held.pk}/",
             f"/steering/meetings/{upcoming.pk}/pack/", "/steering/actions/?status=all", "/steering/members/",
             f"/steering/items/{item.pk}/decide/", "/steering/meetings/new/",
             f"/steering/meetings/{upcoming.pk}/items/new/"]
    for username in ("ciso", "steering"):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, username)
            for path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status in (200, 403), (username, path)
                assert_fits_the_screen(page)
                name = path.strip("/").replace("/", "-").replace("?", "-") or "home"
                page.screenshot(path=str(tmp_path / f"{username}-{width}-{name}.png"), full_page=True)
            page.close()


def test_a_member_decides_an_item_with_an_action(live_server, demo_committee, chromium):
    upcoming = Meeting.objects.filter(status=MeetingStatus.SCHEDULED).get()
    item = AgendaItem.objects.filter(meeting=upcoming, source="manual").get()
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "steering")
    page.goto(f"{live_server.url}/steering/meetings/{upcoming.pk}/#item-{item.pk}")
    page.click(f"#item-{item.pk} a.button")
    page.fill("input[name=question]", "Move 15% of the security run budget to change?")
    page.fill("textarea[name=options]", "Move 15%\nKeep the split")
    page.fill("textarea[name=outcome]", "Move 10% this year and review at mid-year.")
    page.fill("input[name=a0-title]", "Re-plan the security budget")
    page.select_option("select[name=a0-owner]", "cio")
    page.fill("input[name=a0-due_on]", (clock.today() + timedelta(days=14)).isoformat())
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/steering/meetings/{upcoming.pk}/#item-{item.pk}")
    assert "Move 10% this year" in page.inner_text(f"#item-{item.pk}")
    assert_fits_the_screen(page)
    decision = Decision.objects.get(question="Move 15% of the security run budget to change?")
    assert decision.figures["Share proposed for change"] == "15%"
    assert FollowUp.objects.get(decision=decision).owner.username == "cio"
