"""The desk in a real browser (Debian's Chromium), as each role uses it.

Each role's home page shows its tiles, each tile opens the list behind it, and no page scrolls
sideways at 390 px; the CIO proposes a remediation policy and the CISO approves it from "waiting
for you"; a signature on the patch plan is voided when the plan changes; a large import runs as a
job and the inbox says when it is done.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings
from e2e_browser import assert_fits_the_screen, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-9"
NOW = datetime.now(UTC).replace(microsecond=0)
KEV_CVE = "CVE-2024-3400"

# role -> tiles its desk must show
EXPECTED_TILES = {
    "ciso": ["expected loss a year", "KEV findings past due", "open findings within SLA", "patch plan"],
    "cio": ["expected loss a year", "KEV findings past due", "open findings within SLA", "patch plan"],
    "security_analyst": ["KEV findings past due", "open findings due soon", "last import"],
    "it_operations": ["KEV findings past due", "patch plan", "approved emergency changes"],
    "project_owner": ["services and risks you own"],
    "board_viewer": ["expected loss a year", "all risks against the board's appetite"],
}


def _kev_file() -> bytes:
    added = (NOW - timedelta(days=200)).date()
    entry = {"cveID": KEV_CVE, "vendorProject": "Palo Alto Networks", "product": "PAN-OS",
             "vulnerabilityName": "PAN-OS command injection", "dateAdded": added.isoformat(),
             "shortDescription": "A flaw.", "requiredAction": "Patch.", "dueDate": (added + timedelta(days=7)).isoformat(),
             "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": []}
    return json.dumps({"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "e2e",
                       "dateReleased": "2026-11-30T00:00:00.000Z", "count": 1, "vulnerabilities": [entry]}).encode()


@pytest.fixture
def company(transactional_db, org_data, admin, make_user):
    """A small company: findings (two KEV past due), a risk owned by the project owner, a proposed plan."""
    from accord.org import services as org
    from accord.patching import services as patching
    from accord.risks import services as risks
    from accord.vulns import services as vulns
    from accord.vulns.importer import import_scan

    users = {role: make_user(role, username=role.replace("_", "-")) for role in EXPECTED_TILES}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    ciso = users["ciso"]
    owner = org.create_person(actor=admin, name="Lucia Ferreira", user=users["project_owner"])
    org.update_business_service(actor=admin, service=org_data["web"], owner=owner)
    vulns.load_kev(actor=ciso, file=io.BytesIO(_kev_file()), filename="kev.json")
    old = (NOW - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    scan = ("hostname,ip,scanner,rule_id,title,severity,cves,port,protocol,first_seen,solution\n"
            f"erp-db-01,,nessus,1,PAN-OS command injection,critical,{KEV_CVE},443,tcp,{old},Upgrade PAN-OS\n"
            f"www-01,,nessus,2,PAN-OS command injection,critical,{KEV_CVE},443,tcp,{old},Upgrade PAN-OS\n"
            f"erp-app-01,,nessus,3,Old TLS,medium,,443,tcp,{NOW:%Y-%m-%dT%H:%M:%SZ},Disable TLS 1.0\n")
    import_scan(actor=ciso, file=io.BytesIO(scan.encode()), filename="scan.csv", format="csv")
    risks.update_settings(actor=ciso, currency="EUR", default_years=2_000, appetite=[[1_000_000, 0.1]])
    risks.create_scenario(actor=ciso, slug="portal-breach", name="Customer data breach", it_owner=owner,
                          business_service=org_data["web"],
                          inputs={"lef": {"constant": 0.5}, "primary_loss": {"lognormal90": [50_000, 2_000_000]}})
    risks.simulate_portfolio(actor=ciso)
    start = NOW + timedelta(days=1)
    patching.create_window(actor=ciso, name="Nightly", asset_tag="erp", start=start.replace(hour=22, minute=0),
                           duration_minutes=240, rrule="FREQ=DAILY;COUNT=60")
    patching.create_window(actor=ciso, name="Web mornings", asset_tag="web", start=start.replace(hour=6, minute=0),
                           duration_minutes=120, rrule="FREQ=DAILY;COUNT=60")
    plan = patching.generate_plan(actor=ciso, horizon_days=30, time_limit=2, frontier_points=3)
    for emergency in plan.emergencies.filter(status="proposed"):
        patching.decide_emergency(actor=ciso, emergency=emergency, approve=True, justification="exploited")
    return {"users": users, "plan": plan, **org_data}


def _tiles(page) -> dict[str, str]:
    tiles = {}
    for tile in page.locator("a.tile").all():
        label = tile.locator(".tile-label").inner_text().strip()
        tiles[label] = tile.get_attribute("href")
    return tiles


def test_each_role_sees_its_desk_and_every_tile_opens(live_server, company, chromium, tmp_path):
    for role, expected in EXPECTED_TILES.items():
        for width in (1400, 390):
            page = chromium.new_page(viewport={"width": width, "height": 900})
            sign_in(page, live_server.url, role.replace("_", "-"), PASSWORD)
            tiles = _tiles(page)
            links = [a.get_attribute("href") for a in page.locator("ul.lines a, #kev-by-service a").all()]
            for label in expected:
                assert any(found.startswith(label) for found in tiles), (role, label, sorted(tiles))
            assert_fits_the_screen(page)
            page.screenshot(path=str(tmp_path / f"desk-{role}-{width}.png"), full_page=True)
            for label, href in [*tiles.items(), *(("link", href) for href in links)]:
                if href.startswith("#"):
                    continue
                page.goto("about:blank")  # (a link to an anchor of the page just seen is a new load too)
                response = page.goto(f"{live_server.url}{href}")
                assert response is not None and response.status == 200, (role, label, href)
                anchor = href.partition("#")[2]
                assert not anchor or page.locator(f"#{anchor}").count() == 1, (role, label, href)
                assert_fits_the_screen(page)
            page.close()


def test_kev_tile_opens_the_findings_it_counts(live_server, company, chromium):
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, live_server.url, "ciso", PASSWORD)
    tile = page.locator("a.tile", has_text="KEV findings past due")
    assert tile.locator(".num").inner_text() == "2"
    tile.click()
    page.wait_for_load_state()
    assert "kev=yes" in page.url and "sla=breached" in page.url
    assert page.locator("text=PAN-OS command injection").count() >= 2
    assert page.locator("text=Old TLS").count() == 0


def test_the_cio_proposes_and_the_ciso_approves_from_the_desk(live_server, company, chromium):
    cio = chromium.new_page(viewport={"width": 1400, "height": 900})
    sign_in(cio, live_server.url, "cio", PASSWORD)
    cio.goto(f"{live_server.url}/vulns/sla/policy/")
    for name, days in (("act_days", 5), ("attend_days", 20), ("track_star_days", 60), ("track_days", 120)):
        cio.fill(f"input[name={name}]", str(days))
    cio.fill("textarea[name=reason]", "Faster on what is exploited")
    cio.click("button[value=propose]")
    cio.wait_for_load_state()
    assert cio.locator("#pending").count() == 1

    ciso = chromium.new_page(viewport={"width": 390, "height": 900})
    sign_in(ciso, live_server.url, "ciso", PASSWORD)
    waiting = ciso.locator("#waiting-table")
    assert "Remediation SLA policy" in waiting.inner_text()
    assert_fits_the_screen(ciso)
    waiting.locator("a[href='/vulns/sla/policy/']").first.click()
    ciso.wait_for_load_state()
    ciso.click("button[value=confirm]")
    ciso.wait_for_load_state()
    ciso.goto(f"{live_server.url}/approvals/?status=granted&kind=sla_policy")
    assert "Granted" in ciso.locator("#signoffs").inner_text()


def test_a_change_voids_a_signature(live_server, company, chromium):
    plan = company["plan"]
    cio = chromium.new_page(viewport={"width": 1400, "height": 900})
    sign_in(cio, live_server.url, "cio", PASSWORD)
    cio.goto(f"{live_server.url}/patching/plans/{plan.pk}/")
    cio.click("button:has-text('Sign as CIO')")
    cio.wait_for_load_state()
    ciso = chromium.new_page(viewport={"width": 1400, "height": 900})
    sign_in(ciso, live_server.url, "ciso", PASSWORD)
    ciso.goto(f"{live_server.url}/patching/plans/{plan.pk}/")
    ciso.locator("button:has-text('Choose this point')").first.click()  # the plan changes
    ciso.wait_for_load_state()
    ciso.goto(f"{live_server.url}/approvals/?status=voided&kind=patch_plan")
    voided = ciso.locator("#signoffs").inner_text()
    assert "Voided" in voided and "CIO" in voided


@override_settings(ACCORD_IMPORT_BACKGROUND_MB=0)
def test_a_large_import_runs_as_a_job_and_the_inbox_says_so(live_server, company, chromium, tmp_path):
    analyst = company["users"]["security_analyst"]
    assert analyst is not None
    scan = tmp_path / "weekly.csv"
    scan.write_text("hostname,title,severity\nerp-db-01,SMB signing not required,medium\n")
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    sign_in(page, live_server.url, "security-analyst", PASSWORD)
    page.goto(f"{live_server.url}/vulns/imports/")
    page.set_input_files("input[name=scan-file]", str(scan))
    page.click("button:has-text('Import')")
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    assert page.locator("#job-progress [role=progressbar]").count() == 1
    assert "Succeeded" in page.locator("#job-progress").inner_text()
    page.click("text=Open the result")
    page.wait_for_load_state()
    assert "weekly.csv" in page.locator("#runs").inner_text()
    badge = page.locator("#inbox-link .badge")
    assert badge.count() == 1 and int(badge.inner_text()) >= 1
    page.click("#inbox-link")
    page.wait_for_load_state()
    assert "Done: Import weekly.csv" in page.content()
