"""The culture pages in Chromium, on the demo's champions, campaigns and stakeholders: nothing wider than
the screen at 390 px for the leaders and a read-only auditor, and the CIO logs a contact with an overdue
stakeholder, who then leaves the overdue list."""

from __future__ import annotations

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.culture.models import Campaign, Champion, Stakeholder
from accord.demo.accounts import create_demo_accounts
from accord.demo.culture import build_culture
from accord.demo.organisation import build_organisation


@pytest.fixture
def demo_culture(transactional_db):
    context = create_demo_accounts()
    build_organisation(context)
    build_culture(context)
    return context


def test_every_culture_page_fits_the_screen(live_server, demo_culture, chromium, tmp_path):
    champion = Champion.objects.order_by("pk").first()
    campaign = Campaign.objects.order_by("starts_on").first()
    stakeholder = Stakeholder.objects.get(name="Ingrid Solberg")
    pages = ["/culture/", "/culture/champions/", f"/culture/champions/{champion.pk}/", "/culture/campaigns/",
             f"/culture/campaigns/{campaign.pk}/", "/culture/stakeholders/", f"/culture/stakeholders/{stakeholder.pk}/",
             "/culture/stakeholders/new/", "/culture/champions/new/"]
    for username in ("ciso", "auditor"):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, username)
            for path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status in (200, 403), (username, path)
                assert_fits_the_screen(page)
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(tmp_path / f"{username}-{width}-{name}.png"), full_page=True)
            page.close()


def test_the_cio_logs_a_contact_and_it_leaves_the_overdue_list(live_server, demo_culture, chromium):
    stakeholder = Stakeholder.objects.get(name="Ingrid Solberg")  # the CIO's, 45 days since, every 30
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "cio")
    page.goto(f"{live_server.url}/culture/")
    assert "Ingrid Solberg" in page.locator("#mine-table").inner_text()
    page.goto(f"{live_server.url}/culture/stakeholders/{stakeholder.pk}/")
    page.select_option("select[name=channel]", "video")
    page.fill("textarea[name=summary]", "Agreed the peak-season change freeze.")
    page.click("form[method=post] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/culture/stakeholders/{stakeholder.pk}/")
    assert "on time" in page.locator(".tiles").inner_text()
    page.goto(f"{live_server.url}/culture/")
    assert page.locator("#mine-table").count() == 0 or "Ingrid Solberg" not in page.locator("#mine-table").inner_text()
