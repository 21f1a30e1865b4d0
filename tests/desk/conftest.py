"""Two KEV findings past due (on the ERP and the website) and one recent finding, imported as a scanner would."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from accord.vulns import services as vulns
from accord.vulns.importer import import_scan

NOW = datetime.now(UTC).replace(microsecond=0)
KEV_CVE, OTHER_CVE = "CVE-2024-3400", "CVE-2023-0001"


def _scan() -> bytes:
    long_ago = (NOW - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%SZ")
    header = "hostname,ip,scanner,rule_id,title,severity,cves,port,protocol,first_seen\n"
    rows = [f"erp-db-01,,nessus,1,PAN-OS command injection,critical,{KEV_CVE},443,tcp,{long_ago}",
            f"www-01,,nessus,2,PAN-OS command injection,critical,{KEV_CVE},443,tcp,{long_ago}",
            f"erp-app-01,,nessus,3,Minor flaw,low,{OTHER_CVE},80,tcp,{NOW:%Y-%m-%dT%H:%M:%SZ}"]
    return (header + "\n".join(rows) + "\n").encode()


def _kev() -> bytes:
    added = (NOW - timedelta(days=200)).date()
    entry = {"cveID": KEV_CVE, "vendorProject": "Palo Alto Networks", "product": "PAN-OS",
             "vulnerabilityName": "PAN-OS command injection", "dateAdded": added.isoformat(),
             "shortDescription": "A flaw.", "requiredAction": "Patch.",
             "dueDate": (added + timedelta(days=7)).isoformat(), "knownRansomwareCampaignUse": "Unknown",
             "notes": "", "cwes": ["CWE-77"]}
    return json.dumps({"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.30",
                       "dateReleased": "2026-11-30T17:00:00.000Z", "count": 1, "vulnerabilities": [entry]}).encode()


@pytest.fixture
def findings(org_data, ciso):
    vulns.load_kev(actor=ciso, file=io.BytesIO(_kev()), filename="kev.json")
    run = import_scan(actor=ciso, file=io.BytesIO(_scan()), filename="scan.csv", format="csv")
    assert run.new == 3
    return org_data


