"""Each metric's formula on small fixtures, its value worked out by hand in the test; the figures the
desk and the risk register show are the scorecard's; a metric without data says "no data", never 0."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from accord.metrics import registry
from accord.metrics.selectors import NO_DATA, scorecard


def _card(user):
    return scorecard(user).by_key()


def test_every_metric_says_no_data_on_an_empty_organisation(frozen, leaders):
    card = _card(leaders["ciso"])
    assert set(card) == {d.key for d in registry.definitions()}
    missing = {key for key, m in card.items() if m.value is None}
    # only a count that is 0 by nature is a figure without records: acceptances expiring (none is)
    assert missing == set(card) - {"acceptances_expiring"}
    for key in missing:
        assert card[key].display == NO_DATA and card[key].status == ""
    assert card["acceptances_expiring"].value == 0.0


def test_each_metric_states_its_formula_unit_and_drill_down(frozen, leaders):
    for m in scorecard(leaders["ciso"]).metrics:
        assert m.formula and m.unit and m.drill_url.startswith("/") and m.as_of == frozen().date()
        assert m.kind in ("kpi", "kri")
        assert bool(m.thresholds) == (m.kind == "kri")


def test_expected_loss_is_the_register_total_with_the_portfolio_range(frozen, leaders, risks, client):
    from accord.risks.selectors import portfolio_figures

    figures = portfolio_figures(leaders["ciso"])
    ransomware, bec = (risks[k] for k in ("ransomware", "bec"))
    ransomware.refresh_from_db()
    bec.refresh_from_db()
    by_hand = ransomware.latest_run.mean + bec.latest_run.mean
    metric = _card(leaders["ciso"])["expected_loss"]
    assert metric.value == pytest.approx(by_hand) and metric.unit == "USD"
    assert metric.money and metric.display.startswith("USD ") and metric.display.endswith(" a year")
    assert f"portfolio run #{figures.run.pk}" in metric.detail
    # the register page shows the same total
    client.force_login(leaders["ciso"])
    html = client.get("/risks/").content.decode()
    total = re.search(r'id="total-plain">([^<]+)<', html).group(1)
    assert total.replace("&nbsp;", " ") == metric.display.removesuffix(" a year")


def test_scenarios_above_appetite_are_those_the_register_names(frozen, leaders, risks):
    from accord.risks.selectors import above_appetite, portfolio_figures

    expected = len(above_appetite(portfolio_figures(leaders["ciso"])))
    metric = _card(leaders["ciso"])["scenarios_above_appetite"]
    assert metric.value == expected and metric.detail == "of 2 open scenarios"
    assert metric.status == ("green" if expected == 0 else "amber" if expected < 3 else "red")


def test_sla_compliance_and_kev_past_due_on_the_fixture_and_on_the_desk(frozen, leaders, findings):
    from accord.desk.selectors import desk_for

    card = _card(leaders["ciso"])
    # open: the www-01 KEV finding (past due) and the minor flaw seen today: 1 of 2 within SLA
    assert card["sla_compliance"].value == pytest.approx(50.0)
    assert card["sla_compliance"].display == "50.0%" and card["sla_compliance"].status == "red"  # below 80
    assert card["kev_past_due"].value == 1.0 and card["kev_past_due"].status == "amber"  # 1 or more, under 10
    tiles = {t.label: t.value for t in desk_for(leaders["ciso"]).tiles}
    assert tiles["open findings within SLA"] == card["sla_compliance"].display
    assert tiles["KEV findings past due"] == f"{card['kev_past_due'].value:,.0f}"


def test_time_to_remediate_is_median_and_p90_of_days_first_seen_to_fixed(frozen, leaders, findings):
    from accord.vulns.models import Finding

    fixed = list(Finding.objects.filter(state="fixed"))
    assert len(fixed) == 3 and len({f.decision for f in fixed}) == 1
    key = f"remediation_{fixed[0].decision.replace('*', '_star')}"
    metric = _card(leaders["ciso"])[key]
    # 20, 60 and 120 days: the median is 60; the p90 lies 80% of the way from 60 to 120: 108
    assert metric.value == pytest.approx(60.0)
    assert metric.display == "60.0 days" and metric.detail == "p90 108.0 days; 3 findings fixed"
    assert metric.drill_url == f"/vulns/?state=fixed&decision={fixed[0].decision.replace('*', '%2A')}"
    others = [k for k in _card(leaders["ciso"]) if k.startswith("remediation_") and k != key]
    assert len(others) == 3 and all(_card(leaders["ciso"])[k].value is None for k in others)


def test_remediation_counts_only_the_last_90_days(frozen, leaders, findings):
    frozen.set(frozen() + timedelta(days=91))
    assert all(m.value is None for k, m in _card(leaders["ciso"]).items() if k.startswith("remediation_"))


def test_review_attainment_and_p90_time_to_decision(frozen, leaders, review_example):
    card = _card(leaders["ciso"])
    assert card["review_sla_attainment"].value == pytest.approx(50.0)
    assert card["review_sla_attainment"].status == "red"  # below 75
    assert card["review_sla_attainment"].detail == "1 of 2 within their SLA"
    assert card["review_p90_hours"].value == pytest.approx(44.8)
    assert card["review_p90_hours"].display == "44.8 business hours"


def test_response_times_are_medians_over_real_incidents_of_the_year(frozen, leaders):
    """Detected 2 h and 6 h after they began, contained 4 h and 10 h after detection, resolved 30 h and
    50 h after: medians 4, 7 and 40 hours. An exercise is never counted."""
    from accord.incidents import services as incidents

    now = frozen()
    for began_hours, contain, resolve, exercise in ((2, 4, 30, False), (6, 10, 50, False), (1, 1, 1, True)):
        detected = now - timedelta(days=10)
        incident = incidents.open_incident(actor=leaders["ciso"], title="Outage", severity=3, detected_at=detected,
                                           reported_at=detected, began_at=detected - timedelta(hours=began_hours),
                                           exercise=exercise)
        incidents.update_incident(actor=leaders["ciso"], incident=incident,
                                  contained_at=detected + timedelta(hours=contain),
                                  resolved_at=detected + timedelta(hours=resolve))
    card = _card(leaders["ciso"])
    assert card["time_to_detect"].value == pytest.approx(4.0)
    assert card["time_to_contain"].value == pytest.approx(7.0)
    assert card["time_to_resolve"].value == pytest.approx(40.0)
    assert card["time_to_resolve"].detail == "p90 48.0 hours; 2 incidents"


@pytest.fixture
def funded(frozen, leaders, risks):
    """A funded selection of two mandatory initiatives: 100k + 20k a year over 3 years (160k) and 50k
    one-off: 210k of a 300k budget."""
    from accord.portfolio import services as portfolio

    ciso = leaders["ciso"]
    budget = portfolio.create_budget_scenario(actor=ciso, name="FY27", budget=300_000, horizon_years=3,
                                              discount_rate=0.08)
    first = portfolio.create_initiative(actor=ciso, slug="edr", title="EDR", one_off_cost=100_000,
                                        annual_cost=20_000, mandatory=True)
    second = portfolio.create_initiative(actor=ciso, slug="mfa", title="MFA", one_off_cost=50_000, mandatory=True)
    selection = portfolio.save_selection(actor=ciso, budget_scenario=budget)
    selection = portfolio.approve_selection(actor=leaders["cio"], selection=selection)
    assert selection.status == "approved"
    return {"selection": selection, "edr": first, "mfa": second}


def test_spend_against_budget_and_initiatives_on_plan(frozen, leaders, funded):
    from accord.portfolio import services as portfolio

    card = _card(leaders["ciso"])
    assert card["spend_against_budget"].value == pytest.approx(210_000)
    assert card["spend_against_budget"].display == "USD 210k of USD 300k"
    assert card["spend_against_budget"].detail.startswith("70.0% of the FY")
    assert card["initiatives_on_plan"].value == pytest.approx(100.0)
    portfolio.update_initiative(actor=leaders["ciso"], initiative=funded["mfa"], status="rejected")
    card = _card(leaders["ciso"])
    assert card["initiatives_on_plan"].value == pytest.approx(50.0)
    assert card["initiatives_on_plan"].drill_url == f"/portfolio/selections/{funded['selection'].pk}/"


def test_acceptances_expiring_counts_granted_ones_within_30_days(frozen, leaders, findings):
    from accord.acceptances import services as acceptances
    from accord.vulns.models import Finding

    finding = Finding.objects.filter(state="open", kev=True).get()
    row = acceptances.request_acceptance(actor=leaders["ciso"], subject_kind="finding", finding=finding.pk,
                                         expires_on=frozen().date() + timedelta(days=20),
                                         justification="Vendor patch due next month.")
    assert _card(leaders["ciso"])["acceptances_expiring"].value == 0.0  # not granted yet
    acceptances.approve_acceptance(actor=leaders["cio"], acceptance=row)
    metric = _card(leaders["ciso"])["acceptances_expiring"]
    assert metric.value == 1.0 and metric.status == "amber" and metric.drill_url == "/steering/acceptances/?state=expiring"


def test_a_viewer_sees_only_the_metrics_of_areas_they_may_read(frozen, leaders):
    board = {m.key for m in scorecard(leaders["board"]).metrics}
    assert "expected_loss" in board and "initiatives_on_plan" in board
    assert not any(k.startswith("remediation_") or k.startswith("time_to_") for k in board)
