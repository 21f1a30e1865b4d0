"""When an acceptance goes stale: the materiality rule on figures alone (each threshold, just below and
at it), then each material change for real (EPSS feed, an analyst's decision, a KEV listing, a new
finding in the group, a scenario's loss) and small changes that leave it alone; the people told, once;
the agenda."""

from __future__ import annotations

import pytest

from accord.acceptances import selectors, services
from accord.acceptances.figures import Figures, material_changes
from accord.acceptances.models import AcceptanceStatus, RiskAcceptance
from accord.notifications.models import Event, Notification


def figures(**values):
    base = {"currency": "EUR", "annual_loss": 100_000.0, "loss_source": "", "as_of": "2026-12-01", "epss": 0.05,
            "decision": "attend", "kev": False, "findings": 2, "finding_ids": [1, 2]}
    return Figures(**{**base, **values})


@pytest.mark.parametrize(("now", "stale"), [
    ({"annual_loss": 124_000.0}, False),
    ({"annual_loss": 125_000.0}, True),
    ({"annual_loss": 50_000.0}, False),
    ({"epss": 0.09}, False),  # + 0.04, and less than double
    ({"epss": 0.15}, True),  # + 0.10
    ({"decision": "track*"}, False),
    ({"decision": "act"}, True),
    ({"kev": True}, True),
    ({"finding_ids": [1, 2, 3], "findings": 3}, True),
    ({"finding_ids": [1], "findings": 1}, False),  # one was fixed: less risk
])
def test_the_materiality_rule(now, stale):
    assert bool(material_changes(figures(), figures(**now))) is stale


def test_epss_doubling_counts_from_one_percent():
    assert material_changes(figures(epss=0.006), figures(epss=0.012))
    assert not material_changes(figures(epss=0.004), figures(epss=0.008))
    assert material_changes(figures(annual_loss=None), figures(annual_loss=10.0))  # money appeared


def _granted(world, in_days, **subject):
    row = services.request_acceptance(actor=world.cfo, expires_on=in_days(120), justification="Budgeted.",
                                      **subject)
    for leader in (world.ciso, world.cio):
        if RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.REQUESTED:
            services.approve_acceptance(actor=leader, acceptance=row)
    row.refresh_from_db()
    assert row.status == AcceptanceStatus.GRANTED
    return row


def _review(world, today=None):
    from accord.accounts.services import system_actor

    return services.review_acceptances(actor=system_actor(), today=today)


def _stale(row) -> bool:
    return RiskAcceptance.objects.get(pk=row.pk).stale_since is not None


def test_an_epss_rise_makes_a_cve_acceptance_stale_and_tells_people_once(world, in_days):
    from accord.vulns import services as vulns

    row = _granted(world, in_days, subject_kind="cve", cve="CVE-2024-6387")
    vulns.load_epss(actor=world.ciso, file=world.epss_file({"CVE-2024-6387": 0.021}), filename="epss2.csv")
    assert _review(world)["stale"] == 0 and not _stale(row)  # a small change
    vulns.load_epss(actor=world.ciso, file=world.epss_file({"CVE-2024-6387": 0.31}), filename="epss3.csv")
    assert _review(world)["stale"] == 1
    row.refresh_from_db()
    assert any("EPSS up from 0.020 to 0.310" in r for r in row.stale_reasons)
    told = set(Notification.objects.filter(event=Event.ACCEPTANCE_STALE).values_list("user__username", flat=True))
    assert told == {"cfo", "ciso", "cio"}  # the requester, the approvers, the leaders
    assert _review(world)["stale"] == 0  # once
    assert Notification.objects.filter(event=Event.ACCEPTANCE_STALE).count() == 3
    item = next(i for i in selectors.for_committee(in_days(0)) if i.subject_id == str(row.pk))
    assert item.kind == "recertify" and "EPSS up" in item.reason
    assert item.figures["highest EPSS"] == "0.020"  # the figures it was granted on
    assert row.status == AcceptanceStatus.GRANTED  # stale acceptances stay in force


def test_a_more_urgent_decision_makes_a_finding_acceptance_stale(world, in_days):
    from accord.vulns import services as vulns

    finding = world.findings["2002@erp-db-01"]
    row = _granted(world, in_days, subject_kind="finding", finding=finding.pk)
    vulns.override_decision(actor=world.analyst, finding=finding, decision="act", justification="exposed now")
    _review(world)
    assert _stale(row) and "SSVC decision now act" in RiskAcceptance.objects.get(pk=row.pk).stale_reasons[0]


def test_a_kev_listing_makes_it_stale(world, in_days):
    from accord.vulns import services as vulns

    row = _granted(world, in_days, subject_kind="cve", cve="CVE-2024-6387")
    vulns.load_kev(actor=world.ciso, file=world.kev_file("CVE-2024-6387"), filename="kev.json")
    _review(world)
    assert _stale(row) and any("KEV" in r for r in RiskAcceptance.objects.get(pk=row.pk).stale_reasons)


def test_a_new_finding_in_the_group_makes_it_stale_and_is_not_covered(world, in_days):
    from accord.vulns import services as vulns
    from accord.vulns.models import Finding

    row = _granted(world, in_days, subject_kind="fix", fix=world.findings["2001@erp-db-01"].fix_key)
    assert len(row.finding_ids) == 2
    vulns.import_scan(actor=world.analyst, file=world.scan(*world.rows, world.extra), filename="scan.csv",
                      scope="dc1")
    _review(world)
    assert _stale(row)
    assert any("1 new open finding" in r for r in RiskAcceptance.objects.get(pk=row.pk).stale_reasons)
    newcomer = Finding.objects.get(asset__hostname="www-01", rule_id="2001")
    assert newcomer.accepted_until is None


def test_a_scenarios_loss_rise_makes_it_stale_a_small_one_does_not(world, in_days):
    from accord.risks import services as risks

    row = _granted(world, in_days, subject_kind="scenario", scenario="lost-laptop")
    slightly = {**world.small_inputs, "primary_loss": {"lognormal90": [1050, 21000]}}
    risks.update_scenario(actor=world.ciso, scenario=world.small, inputs=slightly)
    _review(world)
    assert not _stale(row)
    doubled = {**world.small_inputs, "primary_loss": {"lognormal90": [2000, 40000]}}
    risks.update_scenario(actor=world.ciso, scenario=world.small, inputs=doubled)
    _review(world)
    assert _stale(row)
    assert "residual annual expected loss up from EUR" in RiskAcceptance.objects.get(pk=row.pk).stale_reasons[0]
