"""Fixtures of the risk acceptance tests: the leaders and a steering member, two scenarios (one small,
one above the threshold) and findings imported from a small scan (one CVE on three hosts, one past its
due date), all through the services."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from accord.core import clock
from accord.core.permissions import Role

NOW = datetime.now(UTC).replace(microsecond=0)

SMALL_INPUTS: dict[str, Any] = {"lef": {"constant": 0.8}, "events": "bernoulli",
                                "primary_loss": {"lognormal90": [1000, 20000]}}
LARGE_INPUTS: dict[str, Any] = {"lef": {"constant": 0.8}, "events": "bernoulli",
                                "primary_loss": {"lognormal90": [200000, 2000000]}}

SCAN_HEAD = "hostname,ip,scanner,rule_id,title,severity,cves,cvss3_vector,port,protocol,exploit_available,first_seen\n"
SCAN_ROWS = [
    "erp-db-01,,nessus,2001,OpenSSH regreSSHion,high,CVE-2024-6387,,22,tcp,no,{recent}",
    "erp-app-01,,nessus,2001,OpenSSH regreSSHion,high,CVE-2024-6387,,22,tcp,no,{recent}",
    "erp-db-01,,nessus,2002,Legacy SMB signing not required,medium,,,445,tcp,no,{old}",
]
EXTRA_ROW = "www-01,,nessus,2001,OpenSSH regreSSHion,high,CVE-2024-6387,,22,tcp,no,{recent}"


def scan(*rows: str) -> io.BytesIO:
    recent = (NOW - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old = (NOW - timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
    stream = io.BytesIO((SCAN_HEAD + "\n".join(r.format(recent=recent, old=old) for r in rows) + "\n").encode())
    stream.name = "scan.csv"
    return stream


def epss_file(scores: dict[str, float]) -> io.BytesIO:
    rows = "".join(f"{cve},{score},0.9\n" for cve, score in scores.items())
    stream = io.BytesIO(f"#model_version:v2025.03.14,score_date:2026-01-02T12:55:00Z\ncve,epss,percentile\n{rows}"
                        .encode())
    stream.name = "epss.csv"
    return stream


def kev_file(*cves: str) -> io.BytesIO:
    import json

    added = (NOW - timedelta(days=1)).date()
    entries = [{"cveID": cve, "vendorProject": "OpenBSD", "product": "OpenSSH", "vulnerabilityName": f"{cve} flaw",
                "dateAdded": added.isoformat(), "shortDescription": "A flaw.", "requiredAction": "Patch.",
                "dueDate": (added + timedelta(days=21)).isoformat(), "knownRansomwareCampaignUse": "Unknown",
                "notes": "", "cwes": []} for cve in cves]
    stream = io.BytesIO(json.dumps({"title": "CISA KEV", "catalogVersion": "2026.01.02",
                                    "dateReleased": "2026-01-02T17:04:19.9796Z", "count": len(entries),
                                    "vulnerabilities": entries}).encode())
    stream.name = "kev.json"
    return stream


@pytest.fixture
def cio(make_user: Any) -> Any:
    return make_user(Role.CIO, username="cio")


@pytest.fixture
def cfo(make_user: Any) -> Any:
    """A steering committee member: holds `risk.accept`, is neither CIO nor CISO."""
    return make_user(Role.STEERING_MEMBER, username="cfo")


@pytest.fixture
def analyst(make_user: Any) -> Any:
    return make_user(Role.SECURITY_ANALYST, username="analyst")


@pytest.fixture
def world(ciso: Any, cio: Any, cfo: Any, analyst: Any, org_data: dict[str, Any]) -> SimpleNamespace:
    from accord.risks import services as risks
    from accord.vulns import services as vulns
    from accord.vulns.models import Finding

    risks.update_settings(actor=ciso, default_years=2_000, seed=11, currency="EUR")
    small = risks.create_scenario(actor=ciso, slug="lost-laptop", name="Lost laptop", inputs=dict(SMALL_INPUTS))
    large = risks.create_scenario(actor=ciso, slug="bec", name="Business email compromise",
                                  inputs=dict(LARGE_INPUTS))
    vulns.load_epss(actor=ciso, file=epss_file({"CVE-2024-6387": 0.02}), filename="epss.csv")
    vulns.import_scan(actor=analyst, file=scan(*SCAN_ROWS), filename="scan.csv", scope="dc1")
    findings = {f.rule_id + "@" + f.asset.hostname: f for f in Finding.objects.select_related("asset")}
    return SimpleNamespace(ciso=ciso, cio=cio, cfo=cfo, analyst=analyst, small=small, large=large,
                           findings=findings, org=org_data, scan=scan, rows=SCAN_ROWS, extra=EXTRA_ROW,
                           epss_file=epss_file, kev_file=kev_file, small_inputs=SMALL_INPUTS,
                           large_inputs=LARGE_INPUTS)


@pytest.fixture
def in_days() -> Any:
    def day(n: int) -> date:
        return clock.today() + timedelta(days=n)

    return day
