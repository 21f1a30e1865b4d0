"""Expiry and reminders (30 and 7 days before, once each; the tick run twice does nothing more), what
comes back on the committee's agenda, the treatment "accept" refused without a record, and the
migration of scenarios accepted before acceptances existed."""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps

from accord.acceptances import selectors, services
from accord.acceptances.models import AcceptanceStatus, RiskAcceptance
from accord.core.errors import ValidationFailed
from accord.governance.models import SignOffStatus
from accord.notifications.models import Event, Notification
from accord.risks.models import RiskScenario


def _granted(world, in_days, days, **subject):
    row = services.request_acceptance(actor=world.cfo, expires_on=in_days(days), justification="Budgeted.",
                                      **subject)
    services.approve_acceptance(actor=world.ciso, acceptance=row)
    row.refresh_from_db()
    assert row.status == AcceptanceStatus.GRANTED
    return row


def _tick(today):
    from accord.jobs.queue import load_tasks
    from accord.jobs.tick import run_tick

    load_tasks()
    return run_tick(today)["acceptances.review"]


def _messages():
    return list(Notification.objects.filter(event=Event.ACCEPTANCE_STALE, user__username="cfo")
                .order_by("id").values_list("title", flat=True))


def test_reminders_thirty_and_seven_days_before_once_each(world, in_days):
    row = _granted(world, in_days, 40, subject_kind="scenario", scenario="lost-laptop")
    assert "0 reminded" in _tick(in_days(0))
    assert "1 reminded" in _tick(in_days(10))  # 30 days left
    assert "0 reminded" in _tick(in_days(10)) and "0 reminded" in _tick(in_days(20))
    assert "1 reminded" in _tick(in_days(33))  # 7 days left
    assert "0 reminded" in _tick(in_days(34))
    assert _messages() == ["Risk acceptance expires in 30 days: risk scenario Lost laptop",
                           "Risk acceptance expires in 7 days: risk scenario Lost laptop"]
    assert RiskAcceptance.objects.get(pk=row.pk).reminded_days == [30, 7]
    assert selectors.count_expiring(in_days(0)) == 0 and selectors.count_expiring(in_days(10)) == 1
    assert selectors.count_expiring(in_days(0), days=40) == 1 and selectors.count_expiring(in_days(41)) == 0


def test_granted_a_week_before_expiry_gets_one_reminder(world, in_days):
    _granted(world, in_days, 5, subject_kind="scenario", scenario="lost-laptop")
    services.review_acceptances(actor=world.ciso, today=in_days(0))
    services.review_acceptances(actor=world.ciso, today=in_days(1))
    assert _messages() == ["Risk acceptance expires in 5 days: risk scenario Lost laptop"]


def test_expiry_ends_it_and_puts_it_back_on_the_agenda(world, in_days):
    from accord.vulns.models import Finding

    scenario = _granted(world, in_days, 20, subject_kind="scenario", scenario="lost-laptop")
    finding = world.findings["2002@erp-db-01"]
    accepted = _granted(world, in_days, 20, subject_kind="finding", finding=finding.pk)
    assert Finding.objects.get(pk=finding.pk).accepted_until == in_days(20)
    assert {i.kind for i in selectors.for_committee(in_days(0))} == {"renew"}  # expiring within 30 days
    assert "0 expired" in _tick(in_days(20))  # in force through its last day
    assert "2 expired" in _tick(in_days(21))
    assert "0 expired" in _tick(in_days(21))
    for row in (scenario, accepted):
        assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.EXPIRED
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "mitigate"
    assert Finding.objects.get(pk=finding.pk).accepted_until is None
    assert "Risk acceptance expired: risk scenario Lost laptop" in _messages()
    items = [i for i in selectors.for_committee(in_days(21)) if i.subject_id in {str(scenario.pk), str(accepted.pk)}]
    assert [i.kind for i in items] == ["renew", "renew"] and "expired on" in items[0].reason
    renewal = services.renew_acceptance(actor=world.cfo, acceptance=scenario, expires_on=in_days(120))
    kinds = {i.subject_id: i.kind for i in selectors.for_committee(in_days(21))}
    assert str(scenario.pk) not in kinds and kinds[str(renewal.pk)] == "approve"


def test_a_request_nobody_answered_expires_with_its_sign_off(world, in_days):
    row = services.request_acceptance(actor=world.cfo, subject_kind="scenario", scenario="lost-laptop",
                                      expires_on=in_days(3), justification="short")
    assert [i.kind for i in selectors.for_committee(in_days(0))] == ["approve"]
    services.review_acceptances(actor=world.ciso, today=in_days(4))
    row.refresh_from_db()
    assert row.status == AcceptanceStatus.EXPIRED and row.signoff.status == SignOffStatus.WITHDRAWN
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "mitigate"


def test_treatment_accept_is_refused_without_an_acceptance(world, in_days):
    from accord.risks import services as risks

    with pytest.raises(ValidationFailed) as refused:
        risks.update_scenario(actor=world.ciso, scenario=world.small, treatment="accept")
    assert refused.value.problems[0].field == "treatment"
    assert "/steering/acceptances/new/" in refused.value.problems[0].message
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "mitigate"
    with pytest.raises(ValidationFailed):
        risks.create_scenario(actor=world.ciso, slug="x", name="X", inputs=dict(world.small_inputs),
                              treatment="accept")
    _granted(world, in_days, 60, subject_kind="scenario", scenario="lost-laptop")
    small = RiskScenario.objects.get(pk=world.small.pk)
    risks.update_scenario(actor=world.ciso, scenario=small, description="still accepted")  # keeps it
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "accept"


def test_the_api_refuses_treatment_accept_naming_the_field(world, api_as):
    answer = api_as(world.ciso).patch("/risks/scenarios/lost-laptop", {"treatment": "accept"})
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["field"] == "treatment"


def _migrate():
    from importlib import import_module

    module = import_module("accord.acceptances.migrations.0002_bare_accept_treatments")
    module.migrate_bare_accept(django_apps, None)


def test_the_migration_puts_bare_accept_treatments_on_the_agenda(world, in_days):
    RiskScenario.objects.filter(pk=world.large.pk).update(treatment="accept")  # as the register allowed before
    _migrate()
    _migrate()  # run twice: one request per scenario
    row = RiskAcceptance.objects.get(scenario=world.large)
    assert row.migrated and row.status == AcceptanceStatus.REQUESTED and row.signoff is None
    assert row.requested_by.username == "accord-system" and row.expires_on == in_days(90)
    assert [i.kind for i in selectors.for_committee(in_days(0))] == ["approve"]
    assert services.review_acceptances(actor=world.ciso, today=in_days(0))["adopted"] == 1
    row.refresh_from_db()
    assert row.signoff is not None and row.frozen["annual_loss"] == pytest.approx(world.large.latest_run.mean)
    assert row.dual_approval  # above the threshold: both leaders
    services.approve_acceptance(actor=world.ciso, acceptance=row)
    services.approve_acceptance(actor=world.cio, acceptance=row)
    assert RiskAcceptance.objects.get(pk=row.pk).status == AcceptanceStatus.GRANTED
    assert RiskScenario.objects.get(pk=world.large.pk).treatment == "accept"


def test_a_withdrawn_migrated_request_ends_the_bare_treatment(world, in_days):
    RiskScenario.objects.filter(pk=world.small.pk).update(treatment="accept")
    _migrate()
    row = RiskAcceptance.objects.get(scenario=world.small)
    services.withdraw_acceptance(actor=world.cio, acceptance=row, reason="we mitigate it")
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "mitigate"


def test_a_rejected_or_expired_migrated_request_ends_the_bare_treatment(world, in_days):
    RiskScenario.objects.filter(pk__in=[world.small.pk, world.large.pk]).update(treatment="accept")
    _migrate()
    services.review_acceptances(actor=world.ciso, today=in_days(0))
    small = RiskAcceptance.objects.get(scenario=world.small)
    services.reject_acceptance(actor=world.cio, acceptance=small, comment="Encrypt the laptops.")
    assert RiskScenario.objects.get(pk=world.small.pk).treatment == "mitigate"
    assert RiskScenario.objects.get(pk=world.large.pk).treatment == "accept"
    services.review_acceptances(actor=world.ciso, today=in_days(91))
    assert RiskAcceptance.objects.get(scenario=world.large).status == AcceptanceStatus.EXPIRED
    assert RiskScenario.objects.get(pk=world.large.pk).treatment == "mitigate"
