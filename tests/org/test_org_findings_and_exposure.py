"""Issue 10: findings on asset and business service pages; a public address marked not internet-exposed is
flagged for review."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from accord.core.permissions import Role
from accord.org import services as org_services
from accord.org.models import is_public_address
from accord.vulns import services as vuln_services

SCAN = b"""hostname,ip,scanner,rule_id,title,severity,cves,solution
erp-db-01,,nessus,3001,OpenSSL multiple flaws,high,CVE-2024-0001,Upgrade OpenSSL.
erp-db-01,,nessus,3002,Weak SSH ciphers,medium,,Disable CBC ciphers.
erp-app-01,,nessus,3001,OpenSSL multiple flaws,high,CVE-2024-0001,Upgrade OpenSSL.
,10.0.1.1,nessus,3003,TLS 1.0 enabled,medium,,Disable TLS 1.0.
"""


def _browser(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scanned(org_data, make_user):
    analyst = make_user(Role.SECURITY_ANALYST, username="analyst")
    vuln_services.import_scan(actor=analyst, file=io.BytesIO(SCAN), filename="org.csv")
    return org_data


@pytest.mark.parametrize(("address", "public"), [
    ("52.14.0.10", True), ("8.8.4.4", True), ("2a00:1450:4001:81c::200e", True),
    ("203.0.113.5", False), ("198.51.100.7", False), ("192.0.2.1", False),  # documentation ranges
    ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False), ("100.64.0.1", False),
    ("127.0.0.1", False), ("169.254.10.1", False), ("0.0.0.0", False),  # noqa: S104 ("255.255.255.255", False),
    ("224.0.0.251", False), ("240.0.0.1", False),
    ("2001:db8::1", False), ("fd00::1", False), ("fe80::1", False), ("::1", False), ("ff02::1", False),
    ("::ffff:10.0.0.1", False), (None, False), ("", False), ("not an address", False),
])
def test_public_address_means_routable_on_the_internet(address, public):
    assert is_public_address(address) is public


def test_asset_page_lists_its_findings_most_urgent_first(scanned, ciso):
    asset = scanned["assets"][0]
    page = _browser(ciso).get(f"/org/assets/{asset.pk}/").content.decode()
    section = page.split('id="asset-findings"')[1]
    assert "OpenSSL multiple flaws" in section and "Weak SSH ciphers" in section
    assert "TLS 1.0 enabled" not in section
    assert f"/vulns/?asset={asset.pk}" in section and 'id="tile-open"><span class="num">2</span>' in section


def test_service_page_lists_the_findings_of_its_assets(scanned, ciso):
    erp = scanned["erp"]
    page = _browser(ciso).get(f"/org/services/{erp.pk}/").content.decode()
    section = page.split('id="service-findings"')[1]
    assert section.count("OpenSSL multiple flaws") == 2 and "TLS 1.0 enabled" not in section
    assert f"/vulns/?service={erp.pk}" in section and 'id="tile-open"><span class="num">3</span>' in section


def test_pages_without_the_vulnerability_capability_show_no_findings(scanned, make_user):
    owner = make_user(Role.PROJECT_OWNER)
    page = _browser(owner).get(f"/org/assets/{scanned['assets'][0].pk}/")
    assert page.status_code == 200 and b"asset-findings" not in page.content
    assert b"service-findings" not in _browser(owner).get(f"/org/services/{scanned['erp'].pk}/").content


def test_public_address_not_marked_exposed_is_flagged_on_list_page_and_api(org_data, admin, api_as):
    flagged = org_services.create_asset(actor=admin, hostname="vpn-01", ip_address="52.14.0.10")
    org_services.create_asset(actor=admin, hostname="doc-01", ip_address="203.0.113.5")
    org_services.create_asset(actor=admin, hostname="edge-01", ip_address="52.14.0.11", internet_exposed=True)
    listing = _browser(admin).get("/org/assets/").content.decode()
    rows = {host: next(r for r in listing.split("<tr") if f">{host}<" in r) for host in ("vpn-01", "doc-01", "edge-01")}
    assert "review exposure" in rows["vpn-01"]
    assert "review exposure" not in rows["doc-01"] and "review exposure" not in rows["edge-01"]
    page = _browser(admin).get(f"/org/assets/{flagged.pk}/").content.decode()
    assert 'id="exposure-review"' in page and "public IP address" in page and "203.0.113.0/24" in page
    items = {a["hostname"]: a for a in api_as(admin).get("/org/assets?page_size=100").json()["items"]}
    assert items["vpn-01"]["exposure_review"] is True and items["doc-01"]["exposure_review"] is False
