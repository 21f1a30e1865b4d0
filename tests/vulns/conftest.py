"""Small scanner and feed files in the real formats, written for these tests, and an analyst."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest

from accord.core.permissions import Role

NOW = datetime.now(UTC).replace(microsecond=0)

# Accord's generic CSV: erp-db-01 by name, www-01 by IP (no name), and a host nobody registered.
SCAN = """hostname,ip,scanner,rule_id,title,severity,cves,cvss3_vector,port,protocol,exploit_available,first_seen
erp-db-01,,nessus,1001,OpenSSH regreSSHion,high,CVE-2024-6387,CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H,22,tcp,no,{ten}
erp-db-01,,nessus,1002,PHP CGI argument injection,critical,CVE-2024-4577,CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H,443,tcp,yes,{ten}
,10.0.1.1,nessus,1003,TLS 1.0 enabled,medium,,,443,tcp,no,{ten}
ghost-01.example,10.9.9.9,nessus,1004,SMB signing not required,medium,,CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:N,445,tcp,no,{ten}
"""


def scan_csv(*, drop: int | None = None, extra: str = "") -> bytes:
    lines = SCAN.format(ten=(NOW - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")).splitlines()
    if drop is not None:
        del lines[drop]
    return ("\n".join(lines) + "\n" + extra).encode()


def upload(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def kev_json(*cves: str, added_days_ago: int = 30, due_in_days: int | None = 21) -> bytes:
    added = (NOW - timedelta(days=added_days_ago)).date()
    entries = [{"cveID": cve, "vendorProject": "Vendor", "product": "Product", "vulnerabilityName": f"{cve} flaw",
                "dateAdded": added.isoformat(), "shortDescription": "A flaw.", "requiredAction": "Patch.",
                "dueDate": (added + timedelta(days=due_in_days)).isoformat() if due_in_days is not None else "",
                "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-20"]} for cve in cves]
    return json.dumps({"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.01.02",
                       "dateReleased": "2026-01-02T17:04:19.9796Z", "count": len(entries),
                       "vulnerabilities": entries}).encode()


def epss_csv(scores: dict[str, float]) -> bytes:
    rows = "".join(f"{cve},{score},0.9\n" for cve, score in scores.items())
    return f"#model_version:v2025.03.14,score_date:2026-01-02T12:55:00Z\ncve,epss,percentile\n{rows}".encode()


@pytest.fixture
def analyst(make_user):
    return make_user(Role.SECURITY_ANALYST, username="analyst")


@pytest.fixture
def cio(make_user):
    return make_user(Role.CIO, username="cio")


@pytest.fixture
def vf():
    """The helpers above, as a fixture (test modules cannot import conftest in importlib mode)."""
    from types import SimpleNamespace

    return SimpleNamespace(NOW=NOW, scan_csv=scan_csv, upload=upload, kev_json=kev_json, epss_csv=epss_csv)
