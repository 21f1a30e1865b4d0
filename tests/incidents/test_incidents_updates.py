"""Structured updates: facts apart from judgements, every judgement with an ICD 203 term and a
confidence, impact as 90% intervals, the downtime cost from the services' cost per hour."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accord.core.errors import ValidationFailed
from accord.incidents import services
from accord.incidents.models import (
    LIKELIHOOD_RANGES,
    ExecutiveUpdate,
    Judgement,
    Likelihood,
    likelihood_with_range,
)


def test_the_icd_203_scale_is_the_directive_s():
    assert {likelihood_with_range(t) for t in Likelihood} == {
        "almost no chance (1\u20135%)", "very unlikely (5\u201320%)", "unlikely (20\u201345%)",
        "roughly even chance (45\u201355%)", "likely (55\u201380%)", "very likely (80\u201395%)",
        "almost certain (95\u201399%)"}
    ranges = [LIKELIHOOD_RANGES[t] for t in Likelihood]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))  # adjacent, no gap


def test_facts_and_judgements_are_kept_apart(update):
    assert [f.text for f in update.facts.all()] == ["Encryption started at 03:10 on erp-db-01.",
                                                    "The ERP segment is isolated."]
    judgement = update.judgements.get()
    assert (judgement.likelihood, judgement.confidence) == ("likely", "moderate")
    assert judgement.likelihood_text == "likely (55\u201380%)"
    assert update.unknowns == ["How the attackers got in.", "Whether the backups are clean."]
    assert update.number == 1 and update.actions.get().text == "Verify the latest clean backup"


@pytest.mark.parametrize(("missing", "field"), [("likelihood", "likelihood"), ("confidence", "confidence"),
                                                ("basis", "basis"), ("statement", "statement")])
def test_a_judgement_needs_its_term_confidence_and_basis(incident, people, judgement, missing, field):
    judgement[missing] = ""
    with pytest.raises(ValidationFailed) as refused:
        services.write_update(actor=people["analyst"], incident=incident, bottom_line="x",
                              judgements=[{"statement": "Other services are hit", "likelihood": "unlikely",
                                           "confidence": "low", "basis": "no alerts"}, judgement])
    assert [p.field for p in refused.value.problems] == [f"judgements[1].{field}"]
    assert not ExecutiveUpdate.objects.exists()


def test_an_unknown_term_is_refused_with_the_scale(incident, people, judgement):
    judgement["likelihood"] = "probable"
    with pytest.raises(ValidationFailed, match="roughly even chance"):
        services.write_update(actor=people["analyst"], incident=incident, bottom_line="x", judgements=[judgement])


def test_the_database_refuses_a_judgement_without_term_or_confidence(update):
    for bad in ({"likelihood": "", "confidence": "low"}, {"likelihood": "likely", "confidence": "sure"},
                {"likelihood": "likely", "confidence": "low", "basis": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Judgement.objects.create(update=update, position=9, statement="s", **{"basis": "b", **bad})


def test_impact_intervals_and_money(update, org_data):
    assert update.currency == "EUR" and update.cost_per_hour == Decimal("40000.00")
    assert update.cost_per_hour_by_service == [{"service": "ERP", "per_hour": 40000.0}]
    assert update.downtime_cost() == (960_000.0, 2_880_000.0)
    assert update.other_cost() == (150_000.0, 600_000.0)
    assert update.total_cost() == (1_110_000.0, 3_480_000.0)
    # the figures stay as they were written when the service's cost changes later
    org_data["erp"].downtime_cost_per_hour = 1
    org_data["erp"].save()
    assert ExecutiveUpdate.objects.get(pk=update.pk).downtime_cost() == (960_000.0, 2_880_000.0)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("downtime_hours", (72, 24), "high end"),
    ("records", (10, None), "both ends"),
    ("other_cost", (-1, 5), "zero or more"),
    ("records", (1.5, 3), "whole numbers"),
    ("other_cost", ("a lot", 5), "numbers"),
])
def test_bad_intervals_are_refused_by_field(incident, people, field, value, message):
    with pytest.raises(ValidationFailed, match=message) as refused:
        services.write_update(actor=people["analyst"], incident=incident, bottom_line="x", **{field: value})
    assert refused.value.problems[0].field == field
    assert not ExecutiveUpdate.objects.exists()


def test_the_database_refuses_an_inverted_interval(update):
    for low, high in (("records_low", "records_high"), ("downtime_hours_low", "downtime_hours_high"),
                      ("other_cost_low", "other_cost_high")):
        with pytest.raises(IntegrityError), transaction.atomic():
            ExecutiveUpdate.objects.create(
                incident=update.incident, number=9, bottom_line="x", currency="EUR", severity=1, phase="analyse",
                author=update.author, created_at=update.created_at, **{low: 10, high: 5})


def test_next_update_follows_the_cadence(incident, people, now):
    analyst = people["analyst"]
    first = services.write_update(actor=analyst, incident=incident, bottom_line="First note.")
    assert timedelta(hours=3, minutes=59) < first.next_update_at - now <= timedelta(hours=4, minutes=1)
    with pytest.raises(ValidationFailed, match="every 4 h 00 min") as refused:
        services.write_update(actor=analyst, incident=incident, bottom_line="Later.",
                              next_update_at=now + timedelta(hours=6))
    assert refused.value.problems[0].field == "next_update_at"
    with pytest.raises(ValidationFailed, match="future"):
        services.write_update(actor=analyst, incident=incident, bottom_line="Later.",
                              next_update_at=now - timedelta(minutes=1))
    second = services.write_update(actor=analyst, incident=incident, bottom_line="Second.",
                                   next_update_at=now + timedelta(hours=1))
    assert second.number == 2 and second.severity == 1 and second.phase == incident.phase


def test_readers_cannot_write_updates(incident, people):
    from accord.core.errors import NotAllowed

    for role in ("cio", "itops", "steering", "board"):
        with pytest.raises(NotAllowed):
            services.write_update(actor=people[role], incident=incident, bottom_line="x")
