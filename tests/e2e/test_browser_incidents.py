"""The incident room in a real browser (Debian's Chromium): an analyst writes an executive update in
the page, adds a note through htmx, downloads the briefing PDF, which poppler's pdftoppm turns into
an image that has content; the CIO reads the incident and its briefing on a phone-sized screen."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from e2e_browser import assert_fits_the_screen, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def room(transactional_db, org_data, admin, make_user):
    from accord.core.permissions import Role
    from accord.incidents import services
    from accord.org import services as org
    from accord.risks import services as risks

    users = {name: make_user(role, username=name) for name, role in
             (("analyst", Role.SECURITY_ANALYST), ("cio", Role.CIO), ("ciso", Role.CISO))}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    risks.update_settings(actor=users["ciso"], currency="EUR")
    commander = org.create_person(actor=admin, name="Dana Okafor", user=users["ciso"])
    now = timezone.now()
    incident = services.open_incident(
        actor=users["analyst"], title="Ransomware on the ERP", severity=1, detected_at=now - timedelta(minutes=40),
        reported_at=now - timedelta(minutes=30), services=[org_data["erp"]], commander=commander,
        personal_data=True, nis2_entity=True)
    return {"users": users, "incident": incident}


def _ink(png_path) -> float:
    """Share of the image's pixels that are not white (Pillow comes with matplotlib)."""
    from PIL import Image

    with Image.open(png_path) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
        return sum(histogram[:200]) / (grey.width * grey.height)


def test_an_update_written_in_the_page_becomes_the_briefing_pdf(live_server, room, chromium, tmp_path):
    incident = room["incident"]
    page = chromium.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    sign_in(page, live_server.url, "analyst", PASSWORD)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    assert "Early warning" in page.locator("#clocks-table").inner_text()
    page.click("#write-update")
    page.wait_for_url(f"{live_server.url}/incidents/{incident.pk}/update/")
    page.fill("textarea[name=bottom_line]", "The ERP is down after a ransomware attack; recovery takes one to three days.")
    page.fill("textarea[name=facts]", "Encryption started at 03:10 on erp-db-01.\nThe ERP segment is isolated.")
    page.fill("textarea[name=j-0-statement]", "Data was copied out before the encryption.")
    page.select_option("select[name=j-0-likelihood]", "likely")
    page.select_option("select[name=j-0-confidence]", "moderate")
    page.fill("input[name=j-0-basis]", "Outbound traffic to an unknown host the night before.")
    page.fill("textarea[name=unknowns]", "How the attackers got in.")
    page.fill("textarea[name=decisions_needed]", "CIO: keep the ERP offline until the backups are verified?")
    page.fill("input[name=downtime_hours_low]", "24")
    page.fill("input[name=downtime_hours_high]", "72")
    page.fill("input[name=other_cost_low]", "150000")
    page.fill("input[name=other_cost_high]", "600000")
    page.click("#save-update")
    page.wait_for_url(f"{live_server.url}/incidents/{incident.pk}/")
    assert "The ERP is down after a ransomware attack" in page.locator("#latest").inner_text()

    # a note through htmx: the timeline is swapped in place, the page is not reloaded
    page.evaluate("window.__same_page = true")
    page.fill("#note_text", "Insurer informed by phone.")
    page.click("#note-form button[type=submit]")
    page.locator("#timeline-events", has_text="Insurer informed by phone.").wait_for()
    assert page.evaluate("window.__same_page") is True

    page.goto(f"{live_server.url}/incidents/{incident.pk}/briefing/")
    briefing = page.locator("#briefing").inner_text()
    assert briefing.index("The ERP is down") < briefing.index("What we know")
    assert "EUR 1.11M to 3.48M" in briefing
    with page.expect_download() as download_info:
        page.click("#briefing-pdf")
    target = tmp_path / "briefing.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(target), str(tmp_path / "page")],
                   check=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    assert _ink(png) > 0.01, "the first page of the briefing is blank"
    page.close()


def test_the_cio_reads_the_incident_on_a_phone(live_server, room, chromium, tmp_path):
    from accord.incidents import services

    incident = room["incident"]
    services.write_update(actor=room["users"]["analyst"], incident=incident, bottom_line="Contained; restoring.",
                          judgements=[{"statement": "Customer data was taken.", "likelihood": "unlikely",
                                       "confidence": "low", "basis": "No large egress seen."}],
                          downtime_hours=(12, 36))
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "cio", PASSWORD)
    for path in ("/incidents/", f"/incidents/{incident.pk}/", f"/incidents/{incident.pk}/briefing/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert_fits_the_screen(page)
        page.screenshot(path=str(tmp_path / f"incidents-{path.strip('/').replace('/', '-') or 'home'}.png"),
                        full_page=True)
    assert page.locator("#write-update").count() == 0  # the CIO reads; the security team writes
    assert "unlikely (20\u201345%)" in page.locator("#briefing").inner_text()


def test_an_exercise_is_labelled_in_the_browser(live_server, room, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, live_server.url, "ciso", PASSWORD)
    page.goto(f"{live_server.url}/incidents/#exercises")
    page.click("button[value=vendor_breach]")
    page.wait_for_load_state()
    assert page.locator(".exercise-banner").count() == 1
    assert "EXERCISE" in page.locator(".exercise-banner").inner_text()
