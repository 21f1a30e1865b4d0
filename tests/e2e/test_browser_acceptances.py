"""The risk acceptance pages in Chromium, on the demo's acceptances: nothing wider than the screen at
390 px, and the CIO approves the CFO's request with the button on its page."""

from __future__ import annotations

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.acceptances.models import AcceptanceStatus, RiskAcceptance
from accord.demo.acceptances import build_acceptances
from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.risks import build_risks
from accord.demo.vulns import build_vulnerabilities


@pytest.fixture
def demo_acceptances(transactional_db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_vulnerabilities, build_acceptances):
        builder(context)
    return context


def test_every_acceptance_page_fits_the_screen(live_server, demo_acceptances, chromium, tmp_path):
    stale = RiskAcceptance.objects.get(stale_since__isnull=False)
    group_finding = stale.finding_ids[0]
    pages = ["/steering/acceptances/", "/steering/acceptances/?state=all", f"/steering/acceptances/{stale.pk}/",
             "/steering/acceptances/new/", "/vulns/?sla=accepted", f"/vulns/findings/{group_finding}/"]
    for username in ("ciso", "steering"):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, username)
            for path in pages:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, (username, path)
                assert_fits_the_screen(page)
            page.screenshot(path=str(tmp_path / f"{username}-{width}.png"), full_page=True)
            page.close()


def test_the_cio_approves_the_cfos_request(live_server, demo_acceptances, chromium):
    waiting = RiskAcceptance.objects.get(status=AcceptanceStatus.REQUESTED)
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "cio")
    page.goto(f"{live_server.url}/steering/acceptances/{waiting.pk}/")
    page.fill("#approve-comment", "Agreed: the contract carries the liability.")
    page.click("form[action$='/approve/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/steering/acceptances/{waiting.pk}/")
    assert "in force" in page.locator("h1").inner_text()
    assert RiskAcceptance.objects.get(pk=waiting.pk).status == AcceptanceStatus.GRANTED
