"""The vendor pages in Chromium, on the demo's vendors: nothing wider than the screen at 390 px, the
register filters in place (htmx), and the CISO records an assessment through the questionnaire form, after
which the vendor is on time again."""

from __future__ import annotations

import pytest
from e2e_browser import assert_fits_the_screen, sign_in

from accord.demo.accounts import create_demo_accounts
from accord.demo.organisation import build_organisation
from accord.demo.reviews import build_reviews
from accord.demo.risks import build_risks
from accord.demo.vendors import build_vendors
from accord.vendors.models import Assessment, Vendor


@pytest.fixture
def demo_vendors(transactional_db):
    context = create_demo_accounts()
    build_organisation(context)
    build_risks(context)
    build_reviews(context)
    build_vendors(context)
    return context


def test_every_vendor_page_fits_the_screen(live_server, demo_vendors, chromium, tmp_path):
    assessment = Assessment.objects.filter(vendor__slug="freighthub").first()
    pages = ["/vendors/", "/vendors/freighthub/", "/vendors/cardpay-processing/", "/vendors/new/",
             "/vendors/import/", "/vendors/freighthub/assess/", f"/vendors/assessments/{assessment.pk}/"]
    for username, expected in (("ciso", 200), ("analyst", 200)):
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, username)
            for path in pages:
                response = page.goto(f"{live_server.url}{path}")
                writes = path.endswith(("/new/", "/import/", "/assess/"))
                assert response is not None and response.status == (403 if writes and username == "analyst"
                                                                     else expected), (username, path)
                assert_fits_the_screen(page)
                name = path.strip("/").replace("/", "-")
                page.screenshot(path=str(tmp_path / f"{username}-{width}-{name}.png"), full_page=True)
            page.close()


def test_the_register_filters_in_place(live_server, demo_vendors, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "cio")
    page.goto(f"{live_server.url}/vendors/")
    assert "2 of 3" in page.locator("#on-time").inner_text()
    page.select_option("select[name=review]", "overdue")
    page.wait_for_url("**review=overdue**")
    page.locator("#vendor-table").get_by_text("CardPay Processing").wait_for()
    assert "Acme Cloud Hosting" not in page.locator("#vendor-table").inner_text()
    assert_fits_the_screen(page)


def test_the_ciso_assesses_an_overdue_vendor(live_server, demo_vendors, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, live_server.url, "ciso")
    page.goto(f"{live_server.url}/vendors/cardpay-processing/")
    assert "overdue by" in page.locator("#vendor-facts").inner_text()
    page.click("text=Assess now")
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.check("input[name=q_exit][value=no]")
    page.click("text=Record the assessment")
    page.wait_for_url("**/vendors/assessments/**")
    assert "93.8/100" in page.locator("h1").inner_text()  # 15 of 16 weighted points
    page.goto(f"{live_server.url}/vendors/cardpay-processing/")
    assert "on time" in page.locator("#vendor-facts").inner_text()
    assert Vendor.objects.get(slug="cardpay-processing").assessments.count() == 2
