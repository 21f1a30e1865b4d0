"""Board packs in a real browser (Debian's Chromium): the CISO generates the pack of a quarter with the
button and downloads the PDF, whose pages poppler's pdftoppm turns into images with content; a board
member reads the list and the pack's page on a phone-sized screen without sideways scrolling."""

from __future__ import annotations

import subprocess

import pytest
from e2e_browser import sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def leaders(transactional_db, make_user):
    from accord.core.permissions import Role
    from accord.risks import services as risks

    users = {name: make_user(role, username=name) for name, role in
             (("ciso", Role.CISO), ("board", Role.BOARD_VIEWER))}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    risks.update_settings(actor=users["ciso"], currency="EUR", default_years=2_000,
                          appetite=[[100_000, 0.5], [1_000_000, 0.05]])
    risks.create_scenario(actor=users["ciso"], slug="ransomware-erp", name="Ransomware on the ERP",
                          inputs={"tef": {"pert": [0.5, 2, 10]}, "vulnerability": {"pert": [0.05, 0.2, 0.5]},
                                  "primary_loss": {"pert": [10000, 150000, 2000000]}})
    risks.simulate_portfolio(actor=users["ciso"])
    return users


def _ink(png_path) -> float:
    from PIL import Image

    with Image.open(png_path) as image:
        grey = image.convert("L")
        return sum(grey.histogram()[:200]) / (grey.width * grey.height)


def test_the_ciso_generates_and_downloads_a_pack(live_server, leaders, chromium, tmp_path):
    from accord.core import clock
    from accord.packs.periods import quarter_of

    quarter = str(quarter_of(clock.today()))
    page = chromium.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    sign_in(page, live_server.url, "ciso", PASSWORD)
    page.click("nav >> text=Reports")
    page.wait_for_url(f"{live_server.url}/reports/")
    page.select_option("#period", quarter)
    page.click("#generate-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/reports/")
    row = page.locator("#packs tbody tr").first
    assert quarter in row.inner_text() and "ready" in row.inner_text()
    with page.expect_download() as download_info:
        row.locator("text=Download PDF").click()
    target = tmp_path / "pack.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(target), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) >= 3 and all(_ink(p) > 0.005 for p in pages)
    page.close()


def test_a_board_member_reads_packs_on_a_phone(live_server, leaders, chromium, tmp_path):
    from accord.core import clock
    from accord.packs import services
    from accord.packs.periods import quarter_of

    pack = services.request_board_pack(actor=leaders["ciso"], period=str(quarter_of(clock.today())))
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "board", PASSWORD)
    for path in ("/reports/", f"/reports/{pack.pk}/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"
    assert page.locator("#generate-form").count() == 0  # the board reads; the leaders generate
    assert pack.anchor in page.locator("#anchor-command").inner_text()
