"""Fixtures of the scorecard tests: the leaders and other roles, a controllable clock, and small sets of
records in each area whose metrics the tests work out by hand (risk scenarios, findings first seen and
fixed on known days, incidents with known moments, a funded selection).

The clock: services take `timezone.now()`; `frozen` moves it. `frozen_today` moves the organisation's
calendar day too (the test TIME_ZONE is UTC)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.core.permissions import Role

KEV_CVE, OTHER_CVE = "CVE-2024-3400", "CVE-2023-0001"
BEC_INPUTS: dict[str, Any] = {"lef": {"constant": 0.8}, "events": "bernoulli",
                              "primary_loss": {"lognormal90": [20000, 900000]}}
RANSOMWARE_INPUTS: dict[str, Any] = {"tef": {"pert": [0.5, 2, 10]}, "vulnerability": {"pert": [0.05, 0.2, 0.5]},
                                     "primary_loss": {"pert": [10000, 150000, 2000000]}}


class FrozenClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """Time stands at 1 December 2026 09:00 UTC (a Tuesday) until a test moves it."""
    from accord.core import clock as org_clock

    moment = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(timezone, "now", moment)
    monkeypatch.setattr(org_clock, "today", lambda: org_clock.day_of(moment()))
    return moment


@pytest.fixture
def leaders(make_user: Callable[..., Any]) -> dict[str, Any]:
    return {"ciso": make_user(Role.CISO, username="ciso"), "cio": make_user(Role.CIO, username="cio"),
            "analyst": make_user(Role.SECURITY_ANALYST, username="analyst"),
            "steering": make_user(Role.STEERING_MEMBER, username="steering"),
            "board": make_user(Role.BOARD_VIEWER, username="board"),
            "auditor": make_user(Role.AUDITOR, username="auditor"),
            "itops": make_user(Role.IT_OPERATIONS, username="itops")}


@pytest.fixture
def risks(leaders: dict[str, Any], org_data: dict[str, Any]) -> dict[str, Any]:
    """Two simulated scenarios and a portfolio run, against an appetite of 5% for a year above 1M."""
    from accord.risks import services

    ciso = leaders["ciso"]
    services.update_settings(actor=ciso, default_years=2_000, seed=11, appetite=[[1_000_000, 0.05]])
    ransomware = services.create_scenario(actor=ciso, slug="ransomware-erp", name="Ransomware on the ERP",
                                          inputs=dict(RANSOMWARE_INPUTS))
    bec = services.create_scenario(actor=ciso, slug="bec", name="Business email compromise",
                                   inputs=dict(BEC_INPUTS))
    services.simulate_portfolio(actor=ciso)
    return {"ransomware": ransomware, "bec": bec}


def _csv(rows: list[tuple[str, str, str, str, datetime]]) -> bytes:
    header = "hostname,ip,scanner,rule_id,title,severity,cves,port,protocol,first_seen\n"
    body = "".join(f"{host},,nessus,{rule},{title},critical,{cve},443,tcp,{seen:%Y-%m-%dT%H:%M:%SZ}\n"
                   for host, rule, title, cve, seen in rows)
    return (header + body).encode()


def _kev(today: date) -> bytes:
    added = today - timedelta(days=200)
    entry = {"cveID": KEV_CVE, "vendorProject": "Palo Alto Networks", "product": "PAN-OS",
             "vulnerabilityName": "PAN-OS command injection", "dateAdded": added.isoformat(),
             "shortDescription": "A flaw.", "requiredAction": "Patch.", "dueDate": (added + timedelta(days=7)).isoformat(),
             "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": ["CWE-77"]}
    return json.dumps({"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "2026.11.30",
                       "dateReleased": "2026-11-30T17:00:00.000Z", "count": 1, "vulnerabilities": [entry]}).encode()


@pytest.fixture
def findings(frozen: FrozenClock, leaders: dict[str, Any], org_data: dict[str, Any]) -> dict[str, Any]:
    """On erp-db-01: three KEV findings first seen 120, 60 and 20 days ago, fixed now (a later scan of the
    host without them), and one other finding seen today that stays open. On www-01: a KEV finding first
    seen 120 days ago, open and past its due date. So: 2 open findings, 1 past due (the KEV one), and
    three fixed findings of one SSVC decision after 120, 60 and 20 days."""
    from accord.vulns import services as vulns
    from accord.vulns.importer import import_scan

    ciso, now = leaders["ciso"], frozen()
    vulns.load_kev(actor=ciso, file=io.BytesIO(_kev(now.date())), filename="kev.json")
    erp = _csv([("erp-db-01", "1", "PAN-OS A", KEV_CVE, now - timedelta(days=120)),
                ("erp-db-01", "2", "PAN-OS B", KEV_CVE, now - timedelta(days=60)),
                ("erp-db-01", "3", "PAN-OS C", KEV_CVE, now - timedelta(days=20))])
    import_scan(actor=ciso, file=io.BytesIO(erp), filename="erp.csv", format="csv", scope="erp")
    web = _csv([("www-01", "1", "PAN-OS A", KEV_CVE, now - timedelta(days=120))])
    import_scan(actor=ciso, file=io.BytesIO(web), filename="web.csv", format="csv", scope="web")
    later = _csv([("erp-db-01", "9", "Minor flaw", OTHER_CVE, now)])
    import_scan(actor=ciso, file=io.BytesIO(later), filename="erp2.csv", format="csv", scope="erp")
    return org_data


@pytest.fixture
def review_example(frozen: FrozenClock, leaders: dict[str, Any], org_data: dict[str, Any]) -> tuple[Any, Any]:
    """Two light reviews requested on Monday 2 November 2026 (40 business hours each): one approved after
    16 business hours, one rejected after 48 (late). Attainment: 1 of 2 = 50%; p90 of [16, 48] = 16 + 0.9 x 32 = 44.8."""
    from accord.org import services as org
    from accord.reviews import services as reviews

    admin = leaders["ciso"]
    person = org.create_person(actor=admin, name="Olu Owner", email="olu@example.com")
    start = datetime(2026, 11, 2, 9, 0, tzinfo=frozen().tzinfo)  # a Monday
    frozen.set(start)
    projects = [reviews.create_project(actor=leaders["cio"], name=name, owner=person, data_classification="internal",
                                       exposure="partner") for name in ("Wiki", "Portal")]
    first, second = (reviews.request_review(actor=leaders["cio"], project=p) for p in projects)
    for review in (first, second):
        reviews.triage_review(actor=leaders["analyst"], review=review)
    frozen.set(start + timedelta(days=2))  # Wednesday 09:00: 16 business hours
    reviews.decide_review(actor=leaders["analyst"], review=first, outcome="approved")
    frozen.set(start + timedelta(days=8))  # next Tuesday 09:00: 48 business hours
    reviews.decide_review(actor=leaders["analyst"], review=second, outcome="rejected", note="No threat model.")
    frozen.set(datetime(2026, 12, 1, 9, 0, tzinfo=start.tzinfo))
    return first, second
