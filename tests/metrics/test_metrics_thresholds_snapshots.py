"""KRI thresholds set jointly through the approvals primitive (a changed proposal voids the sign-off);
monthly snapshots: once a month by the schedule, replaced by hand, red KRIs announced once; trends and
past days read from the snapshots."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.models import AuditEvent
from accord.governance.models import SignOff
from accord.metrics import selectors, services
from accord.metrics.models import Snapshot, ThresholdSet
from accord.metrics.registry import HIGHER_IS_WORSE, LOWER_IS_WORSE, Thresholds
from accord.notifications.models import Notification


def test_thresholds_colour_by_direction():
    worse_up = Thresholds(HIGHER_IS_WORSE, amber=1, red=10)
    assert [worse_up.status(v) for v in (0, 1, 9.9, 10, None)] == ["green", "amber", "amber", "red", ""]
    worse_down = Thresholds(LOWER_IS_WORSE, amber=90, red=80)
    assert [worse_down.status(v) for v in (95, 90, 89.9, 80, 79.9)] == ["green", "green", "amber", "amber", "red"]
    assert worse_down.in_words("%") == "red below 80%, amber below 90%"
    assert worse_up.in_words("findings") == "red at 10 findings or more, amber at 1 finding or more"


def test_defaults_apply_until_the_other_leader_agrees(frozen, leaders):
    ciso, cio = leaders["ciso"], leaders["cio"]
    assert not any(m.thresholds_agreed for m in selectors.scorecard(ciso).metrics)
    proposal = services.propose_thresholds(actor=ciso, thresholds={"kev_past_due": {"amber": 0.5, "red": 3}},
                                           reason="No KEV past due is acceptable.")
    assert proposal.status == "proposed" and proposal.signoff.kind == "kri_thresholds"
    assert proposal.thresholds["kev_past_due"] == {"direction": HIGHER_IS_WORSE, "amber": 0.5, "red": 3.0}
    assert proposal.thresholds["sla_compliance"] == {"direction": LOWER_IS_WORSE, "amber": 90.0, "red": 80.0}
    assert selectors.thresholds_in_force()[0]["kev_past_due"].red == 10  # still the default
    with pytest.raises(ValidationFailed) as exc:  # the proposer cannot agree their own proposal
        services.agree_thresholds(actor=ciso, threshold_set=proposal)
    assert exc.value.problems[0].field == "user"
    with pytest.raises(NotAllowed):
        services.agree_thresholds(actor=leaders["analyst"], threshold_set=proposal)
    agreed = services.agree_thresholds(actor=cio, threshold_set=proposal)
    assert agreed.status == "active" and agreed.agreed_by == cio
    assert selectors.thresholds_in_force()[0]["kev_past_due"] == Thresholds(HIGHER_IS_WORSE, 0.5, 3.0)
    metric = selectors.metric_by_key(ciso, "kev_past_due")
    assert metric.thresholds_agreed and metric.thresholds == "red at 3 findings or more, amber at 0.5 findings or more"
    assert AuditEvent.objects.filter(action="kri_thresholds.agreed", object_id=str(agreed.pk)).exists()


def test_a_changed_proposal_voids_the_pending_sign_off(frozen, leaders):
    first = services.propose_thresholds(actor=leaders["ciso"], thresholds={"kev_past_due": {"amber": 1, "red": 5}})
    second = services.propose_thresholds(actor=leaders["cio"], thresholds={"kev_past_due": {"amber": 1, "red": 8}})
    first.refresh_from_db()
    assert first.status == "voided" and SignOff.objects.get(pk=first.signoff_id).status == "voided"
    with pytest.raises(ValidationFailed):
        services.agree_thresholds(actor=leaders["cio"], threshold_set=first)
    services.agree_thresholds(actor=leaders["ciso"], threshold_set=second)
    assert selectors.thresholds_in_force()[0]["kev_past_due"].red == 8
    third = services.propose_thresholds(actor=leaders["ciso"], thresholds={"kev_past_due": {"amber": 2, "red": 4}})
    services.agree_thresholds(actor=leaders["cio"], threshold_set=third)
    second.refresh_from_db()
    assert second.status == "superseded"


def test_withdraw_or_decline(frozen, leaders):
    row = services.propose_thresholds(actor=leaders["ciso"], thresholds={"kev_past_due": {"amber": 1, "red": 5}})
    declined = services.withdraw_thresholds(actor=leaders["cio"], threshold_set=row)
    assert declined.status == "withdrawn" and SignOff.objects.get(pk=row.signoff_id).status == "withdrawn"


@pytest.mark.parametrize("given, field", [
    ({}, "thresholds"),
    ({"expected_loss": {"amber": 1, "red": 2}}, "thresholds.expected_loss"),  # a KPI has no thresholds
    ({"nope": {"amber": 1, "red": 2}}, "thresholds.nope"),
    ({"kev_past_due": {"amber": "many", "red": 2}}, "thresholds.kev_past_due.amber"),
    ({"kev_past_due": {"amber": 5, "red": 2}}, "thresholds.kev_past_due.red"),
    ({"sla_compliance": {"amber": 80, "red": 90}}, "thresholds.sla_compliance.red"),
    ({"sla_compliance": {"direction": "sideways", "amber": 80, "red": 70}}, "thresholds.sla_compliance.direction"),
    ({"kev_past_due": {"amber": float("nan"), "red": 2}}, "thresholds.kev_past_due.amber"),
])
def test_bad_thresholds_are_refused_naming_the_field_and_change_nothing(frozen, leaders, given, field):
    with pytest.raises(ValidationFailed) as exc:
        services.propose_thresholds(actor=leaders["ciso"], thresholds=given)
    assert exc.value.problems[0].field == field
    assert not ThresholdSet.objects.exists() and not SignOff.objects.exists()


def test_only_a_leader_proposes(frozen, leaders):
    with pytest.raises(NotAllowed):
        services.propose_thresholds(actor=leaders["analyst"], thresholds={"kev_past_due": {"amber": 1, "red": 5}})
    with pytest.raises(NotAllowed):
        services.propose_thresholds(actor=leaders["steering"], thresholds={"kev_past_due": {"amber": 1, "red": 5}})


def test_the_schedule_takes_one_snapshot_a_month(frozen, leaders, findings):
    from accord.jobs.tick import run_tick

    done = run_tick(frozen().date())
    assert done["metrics.snapshot"] == "snapshot of 2026-12 taken"
    snapshot = Snapshot.objects.get()
    assert snapshot.month == date(2026, 12, 1) and snapshot.source == "schedule"
    assert snapshot.values["sla_compliance"] == {"value": 50.0, "status": "red"}
    assert snapshot.values["expected_loss"] == {"value": None, "status": ""}
    frozen.set(frozen() + timedelta(days=1))
    assert run_tick(frozen().date())["metrics.snapshot"] == "2026-12 has its snapshot already"
    assert Snapshot.objects.count() == 1
    frozen.set(frozen() + timedelta(days=31))
    assert run_tick(frozen().date())["metrics.snapshot"] == "snapshot of 2027-01 taken"
    assert Snapshot.objects.count() == 2


def test_a_snapshot_by_hand_replaces_the_month_and_the_audit_keeps_the_old(frozen, leaders, findings):
    first = services.take_snapshot(actor=leaders["ciso"])
    frozen.set(frozen() + timedelta(days=3))
    second = services.take_snapshot(actor=leaders["cio"])
    assert Snapshot.objects.count() == 1 and second.as_of == date(2026, 12, 4) and second.taken_by == leaders["cio"]
    replaced = AuditEvent.objects.filter(action="metrics.snapshot_taken").order_by("seq").last()
    assert replaced.before["as_of"] == "2026-12-01" and replaced.before["values"] == audit_values(first.values)
    with pytest.raises(NotAllowed):
        services.take_snapshot(actor=leaders["analyst"])


def audit_values(values):
    return {k: dict(v) for k, v in values.items()}


def test_a_kri_turning_red_is_announced_to_the_leaders_once(frozen, leaders, findings):
    services.take_snapshot(actor=leaders["ciso"])  # SLA compliance 50%: red
    notices = Notification.objects.filter(event="kri.red")
    assert {n.user.username for n in notices} == {"ciso", "cio"}
    assert {n.title for n in notices} == {"KRI red: Open findings within SLA"}
    assert notices.first().url == "/scorecard/metrics/sla_compliance/"
    services.take_snapshot(actor=leaders["ciso"])  # still red: not again
    frozen.set(frozen() + timedelta(days=31))
    services.take_monthly_snapshot(actor=leaders["ciso"])  # next month, still red: not again
    assert Notification.objects.filter(event="kri.red").count() == 2


def test_history_goes_into_the_trend_and_a_past_day_reads_its_snapshot(frozen, leaders, findings):
    ciso = leaders["ciso"]
    services.record_history(actor=ciso, as_of=date(2026, 10, 31), values={"sla_compliance": 70.0, "kev_past_due": 4})
    services.record_history(actor=ciso, as_of=date(2026, 11, 30), values={"sla_compliance": 60.0, "kev_past_due": 2})
    services.take_snapshot(actor=ciso)
    metric = selectors.metric_by_key(ciso, "sla_compliance")
    assert metric.trend == ((date(2026, 10, 1), 70.0), (date(2026, 11, 1), 60.0), (date(2026, 12, 1), 50.0))
    past = selectors.scorecard(ciso, as_of=date(2026, 11, 15)).by_key()
    assert past["sla_compliance"].value == 70.0 and past["sla_compliance"].source == "snapshot of 2026-10"
    assert past["sla_compliance"].status == "red" and past["sla_compliance"].display == "70.0%"
    assert past["kev_past_due"].display == "4 findings"
    assert past["expected_loss"].value is None and past["expected_loss"].display == "no data"
    assert selectors.scorecard(ciso, as_of=date(2026, 9, 1)).by_key()["sla_compliance"].source == "no snapshot"


@pytest.mark.parametrize("as_of, values, field", [
    (date(2026, 12, 1), {"kev_past_due": 1}, "as_of"),  # the current month: take a snapshot instead
    (date(2026, 11, 3), {"nope": 1}, "values.nope"),
    (date(2026, 11, 3), {"kev_past_due": float("inf")}, "values.kev_past_due"),
])
def test_bad_history_is_refused(frozen, leaders, as_of, values, field):
    with pytest.raises(ValidationFailed) as exc:
        services.record_history(actor=leaders["ciso"], as_of=as_of, values=values)
    assert exc.value.problems[0].field == field and not Snapshot.objects.exists()


def test_a_month_with_a_snapshot_keeps_it(frozen, leaders):
    services.record_history(actor=leaders["ciso"], as_of=date(2026, 11, 3), values={"kev_past_due": 1})
    with pytest.raises(ValidationFailed) as exc:
        services.record_history(actor=leaders["ciso"], as_of=date(2026, 11, 20), values={"kev_past_due": 2})
    assert exc.value.problems[0].field == "as_of" and Snapshot.objects.get().value_of("kev_past_due") == 1.0


def test_another_app_registers_a_kri_and_the_scorecard_takes_it_up(frozen, leaders):
    from accord.metrics import registry

    def read(viewer, ctx):
        return registry.Reading(4.0, "4 vendors", "assessments past their review date", "/vendors/?overdue=yes")

    registry.register(registry.MetricDefinition(
        "vendors_overdue", "Vendor reviews overdue", registry.KRI, "vendors", "Vendors past their review date.",
        "/vendors/", read, "vendor.read", Thresholds(HIGHER_IS_WORSE, 1, 3), group="Vendors", order=95))
    try:
        metric = selectors.scorecard(leaders["ciso"]).by_key()["vendors_overdue"]
        assert (metric.value, metric.status, metric.drill_url) == (4.0, "red", "/vendors/?overdue=yes")
        assert services.take_snapshot(actor=leaders["ciso"]).values["vendors_overdue"] == {"value": 4.0,
                                                                                          "status": "red"}
        proposal = services.propose_thresholds(actor=leaders["ciso"],
                                               thresholds={"vendors_overdue": {"amber": 2, "red": 6}})
        services.agree_thresholds(actor=leaders["cio"], threshold_set=proposal)
        assert selectors.metric_by_key(leaders["ciso"], "vendors_overdue").status == "amber"
        assert "vendors_overdue" not in {m.key for m in selectors.scorecard(leaders["board"]).metrics}
    finally:
        registry.METRICS.pop("vendors_overdue")


def test_a_kri_needs_default_thresholds():
    from accord.metrics import registry

    with pytest.raises(ValueError):
        registry.register(registry.MetricDefinition("x", "X", registry.KRI, "things", "f", "/", lambda v, c: None,
                                                    "risk.read"))
    assert "x" not in registry.METRICS


def test_history_says_where_it_came_from(frozen, leaders):
    with pytest.raises(ValidationFailed) as exc:
        services.record_history(actor=leaders["ciso"], as_of=date(2026, 11, 3), values={}, source="schedule")
    assert exc.value.problems[0].field == "source" and not Snapshot.objects.exists()
