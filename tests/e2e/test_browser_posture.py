"""The posture pages in Chromium, on the demo's CSF 2.0 profile: nothing wider than the screen at 390 px
(the radar scales with its box), and a leader scores a subcategory through the form and sees the
profile move."""

from __future__ import annotations

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.portfolio import build_portfolio
from accord.demo.posture import build_posture
from accord.demo.risks import build_risks
from accord.posture.models import Assessment, Score


@pytest.fixture
def demo_posture(transactional_db):
    context = create_demo_accounts()
    for builder in (build_organisation, build_risks, build_portfolio, build_posture):
        builder(context)
    return context


def test_every_posture_page_fits_the_screen(live_server, demo_posture, chromium, tmp_path):
    latest = Assessment.objects.order_by("-assessed_on").first()
    pages = ["/posture/", "/posture/?mode=strict", "/posture/compare/", "/posture/catalogue/", "/posture/benchmarks/",
             f"/posture/assessments/{latest.pk}/", f"/posture/assessments/{latest.pk}/score/PR.AA-03/",
             "/posture/assessments/new/", "/posture/catalogue/import/"]
    for username in ("ciso", "board"):
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


def test_a_leader_scores_a_subcategory(live_server, demo_posture, chromium):
    latest = Assessment.objects.order_by("-assessed_on").first()
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "cio")
    page.goto(f"{live_server.url}/posture/assessments/{latest.pk}/score/PR.AA-03/")
    page.select_option("select[name=current]", "4")
    page.fill("textarea[name=evidence]", "MFA now on the telematics admin portal too.")
    page.click("form.narrow button[type=submit]")
    page.locator(".messages").wait_for()
    assert "PR.AA-03 scored: current 4" in page.locator(".messages").inner_text()
    assert "telematics admin portal too" in page.locator("#score-PR\\.AA-03").inner_text()
    assert Score.objects.get(assessment=latest, subcategory="PR.AA-03").current == 4
