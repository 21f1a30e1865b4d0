"""The remediation clock: the decision's days, the KEV clock, CISA's BOD 22-01 date only when bound, one calendar.

Findings here sit on www-01 (service Website, mission impact low), where a KEV listing makes a
network-exploitable, total-impact finding *attend* (30 days), so the KEV clock (14 days) is what binds.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from typer.testing import CliRunner

from accord.accounts import services as account_services
from accord.cli import app
from accord.core import clock
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.patching.planning import build_inputs, due_moment, planning_start
from accord.vulns import selectors, services
from accord.vulns.models import Finding

NET = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
HEADER = "hostname,ip,scanner,rule_id,title,severity,cves,cvss3_vector,port,protocol,exploit_available,first_seen\n"
OLD_CVE = "CVE-2021-0001"  # in KEV for years: CISA's due date lies years before the finding was first seen
NEW_CVE = "CVE-2026-1111"  # enters KEV after the finding was first seen


def _row(rule: str, title: str, first_seen: datetime, cve: str = "", vector: str = NET) -> str:
    return f"www-01,,nessus,{rule},{title},high,{cve},{vector},443,tcp,no,{first_seen.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"


def _import(actor, *rows: str):
    return services.import_scan(actor=actor, file=io.BytesIO((HEADER + "".join(rows)).encode()), filename="www.csv")


def _load_kev(actor, vf, *cves: str, added_days_ago: int, name: str = "kev.json"):
    data = vf.kev_json(*cves, added_days_ago=added_days_ago)
    return services.load_kev(actor=actor, file=io.BytesIO(data), filename=name)


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_kev_due_date_years_before_first_seen_is_only_a_reference(org_data, analyst, vf, api_as, tmp_path,
                                                                     monkeypatch):
    _load_kev(analyst, vf, OLD_CVE, added_days_ago=2000)
    seen = vf.NOW - timedelta(days=3)
    _import(analyst, _row("9001", "Old KEV flaw", seen, OLD_CVE))
    finding = Finding.objects.get(title="Old KEV flaw")
    cisa_due = (vf.NOW - timedelta(days=2000)).date() + timedelta(days=21)
    assert finding.kev and finding.decision == "attend"
    assert finding.kev_due_date == cisa_due  # stored, as a reference
    assert finding.due_date == seen.date() + timedelta(days=14)  # the KEV clock from first seen, not 2021
    assert finding.due_rule == "kev" and "14 days" in finding.due_reason
    assert selectors.sla_status_for([finding])[finding.pk] != "breached"

    page = _browser(analyst).get(f"/vulns/findings/{finding.pk}/").content.decode()
    assert finding.due_reason in page and "reference" in page and cisa_due.isoformat() in page

    api = api_as(analyst).get(f"/vulns/findings/{finding.pk}").json()
    assert api["kev_due_date"] == cisa_due.isoformat() and api["due_rule"] == "kev"
    assert api["due_date"] == finding.due_date.isoformat() and api["kev_due_date_binds"] is False

    monkeypatch.setenv("ACCORD_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    token = account_services.create_token(actor=analyst, name="cli").secret
    shown = CliRunner().invoke(app, ["vulns", "show", str(finding.pk), "--token", token])
    assert shown.exit_code == 0, shown.output
    assert finding.due_date.isoformat() in shown.output and cisa_due.isoformat() in shown.output
    assert "reference" in shown.output
    as_json = json.loads(CliRunner().invoke(app, ["vulns", "show", str(finding.pk), "--json", "--token", token]).output)
    assert as_json["due_rule"] == "kev" and as_json["kev_due_date"] == cisa_due.isoformat()


def test_feed_loads_recompute_with_the_kev_clock_from_the_later_of_first_seen_and_listing(org_data, analyst, vf):
    seen = vf.NOW - timedelta(days=20)
    _import(analyst, _row("9002", "Newly listed flaw", seen, NEW_CVE))
    finding = Finding.objects.get(title="Newly listed flaw")
    assert (finding.decision, finding.due_date) == ("track", seen.date() + timedelta(days=180))

    _load_kev(analyst, vf, NEW_CVE, added_days_ago=2)  # CISA's due date: listing + 21 days
    finding.refresh_from_db()
    listed = (vf.NOW - timedelta(days=2)).date()
    assert finding.decision == "attend" and finding.sla_start == clock.today()
    assert finding.due_date == listed + timedelta(days=14)  # listed after first seen: 14 days from the listing
    assert finding.due_rule == "kev" and listed.isoformat() in finding.due_reason

    services.load_epss(actor=analyst, file=io.BytesIO(vf.epss_csv({NEW_CVE: 0.5})), filename="epss.csv")
    again = Finding.objects.get(pk=finding.pk)
    assert (again.due_date, again.due_rule) == (finding.due_date, "kev")  # re-deciding gives the same date


def test_bound_by_bod_22_01_is_agreed_by_the_ciso_and_the_cio(org_data, analyst, ciso, cio, vf, api_as):
    _load_kev(analyst, vf, OLD_CVE, added_days_ago=2000)
    seen = vf.NOW - timedelta(days=3)
    _import(analyst, _row("9001", "Old KEV flaw", seen, OLD_CVE))
    finding = Finding.objects.get(title="Old KEV flaw")
    assert finding.due_date == seen.date() + timedelta(days=14)

    proposal = services.propose_sla_policy(actor=ciso, act_days=7, attend_days=30, track_star_days=90,
                                           track_days=180, kev_days=10, bound_by_bod_22_01=True,
                                           reason="We became a federal contractor bound by BOD 22-01")
    finding.refresh_from_db()
    assert finding.due_date == seen.date() + timedelta(days=14)  # proposed, not in force
    with pytest.raises(ValidationFailed, match="you cannot confirm what you already answered"):
        services.confirm_sla_policy(actor=ciso, policy=proposal)
    services.confirm_sla_policy(actor=cio, policy=proposal)
    finding.refresh_from_db()
    assert (finding.due_date, finding.due_rule) == (finding.kev_due_date, "bod_22_01")
    assert "BOD 22-01" in finding.due_reason
    assert selectors.sla_status_for([finding])[finding.pk] == "breached"
    confirmed = AuditEvent.objects.get(action="sla_policy.confirmed")
    assert confirmed.after["bound_by_bod_22_01"] is True and confirmed.after["kev_days"] == 10

    state = api_as(cio).get("/vulns/sla/policy").json()
    assert state["in_force"]["bound_by_bod_22_01"] is True and state["in_force"]["kev_days"] == 10
    page = _browser(cio).get("/vulns/sla/policy/").content.decode()
    assert "bound by CISA BOD 22-01" in page and "10 days" in page

    unbound = api_as(cio).post("/vulns/sla/policy", {"act_days": 7, "attend_days": 30, "track_star_days": 90,
                                                      "track_days": 180, "bound_by_bod_22_01": False})
    assert unbound.status_code == 201, unbound.content
    assert unbound.json()["kev_days"] == 10  # not given: the value in force
    assert api_as(ciso).post(f"/vulns/sla/policy/{unbound.json()['id']}/confirm").status_code == 200
    finding.refresh_from_db()
    assert (finding.due_date, finding.due_rule) == (seen.date() + timedelta(days=10), "kev")


def _zone_on_another_date(now: datetime) -> str:
    """A zone whose date differs from UTC's right now: UTC+14 from 10:00 UTC, UTC-11 before 11:00 UTC."""
    return "Pacific/Kiritimati" if now.hour >= 10 else "Pacific/Pago_Pago"


def test_one_date_across_findings_list_api_and_patch_planner_at_a_time_zone_boundary(
        org_data, analyst, ciso, settings, api_as):
    now = datetime.now(UTC).replace(microsecond=0)
    settings.TIME_ZONE = _zone_on_another_date(now)
    zone = ZoneInfo(settings.TIME_ZONE)
    local_today = now.astimezone(zone).date()
    assert local_today != now.date() and clock.today() == local_today
    # Track findings (180 days): one due today in the organisation's zone, one due yesterday.
    _import(analyst, _row("9101", "Due today", now - timedelta(days=180), vector=""),
            _row("9102", "Due yesterday", now - timedelta(days=181), vector=""))
    today_row = Finding.objects.get(title="Due today")
    late_row = Finding.objects.get(title="Due yesterday")
    assert (today_row.due_date, late_row.due_date) == (local_today, local_today - timedelta(days=1))

    client = api_as(analyst)
    listed = {i["title"]: i["due_date"] for i in client.get("/vulns/findings").json()["items"]}
    assert listed == {"Due today": local_today.isoformat(), "Due yesterday": (local_today - timedelta(days=1)).isoformat()}
    page = _browser(analyst).get("/vulns/").content.decode()
    assert local_today.isoformat() in page and "due soon" in page and "breached" in page
    detail = client.get(f"/vulns/findings/{today_row.pk}").json()
    assert (detail["due_date"], detail["sla_status"]) == (local_today.isoformat(), "due_soon")
    late = client.get(f"/vulns/findings/{late_row.pk}").json()
    assert late["sla_status"] == "breached"

    end_of_today = datetime.combine(local_today + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    assert due_moment(today_row.due_date) == clock.end_of_day(local_today) == end_of_today.astimezone(UTC)
    assert due_moment(late_row.due_date) <= now < due_moment(today_row.due_date)  # breached as the API says
    inputs = build_inputs(ciso, start=planning_start(), horizon_days=7)
    planned = {f["id"]: job.due for job in inputs.instance.jobs for f in inputs.jobs[job.id]["findings"]}
    assert planned[today_row.pk] == due_moment(local_today)
    assert (planned[today_row.pk] - timedelta(microseconds=1)).astimezone(zone).date() == local_today


def test_the_clock_is_the_organisations_calendar(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    assert clock.end_of_day(date(2026, 10, 25)) == datetime(2026, 10, 25, 11, 0, tzinfo=UTC)  # NZDT, UTC+13
    assert clock.day_of(datetime(2026, 10, 24, 20, 0, tzinfo=UTC)) == date(2026, 10, 25)
    settings.TIME_ZONE = "America/Los_Angeles"
    assert clock.end_of_day(date(2026, 11, 1)) == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # the day DST ends: 25 h
    assert clock.day_of(datetime(2026, 11, 2, 7, 59, tzinfo=UTC)) == date(2026, 11, 1)
    for day in (date(2026, 3, 8), date(2026, 11, 1), date(2026, 12, 31)):  # DST starts, DST ends, a plain day
        assert clock.day_ending_at(clock.end_of_day(day)) == day  # a due moment shows its due day
