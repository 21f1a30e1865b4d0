"""The timeline is append-only typed events; opening and phase changes write it and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.incidents import services
from accord.incidents.models import EventKind, ExecutiveUpdate, Fact, Judgement, Phase, TimelineEvent


def test_opening_writes_the_timeline_and_the_audit_trail(incident):
    events = list(incident.timeline.all())
    assert [e.kind for e in events] == [EventKind.OPENED]
    assert events[0].at == incident.reported_at
    assert AuditEvent.objects.filter(action="incident.opened", object_id=str(incident.pk)).count() == 1
    assert str(incident).startswith(f"INC-{incident.pk}: ")


def test_timeline_rows_are_never_changed_or_deleted(incident, people):
    note = services.add_note(actor=people["analyst"], incident=incident, text="Backups found on a NAS share.")
    note.text = "rewritten"
    with pytest.raises(PermissionError):
        note.save()
    with pytest.raises(PermissionError):
        note.delete()
    with pytest.raises(PermissionError):
        TimelineEvent.objects.filter(pk=note.pk).update(text="rewritten")
    with pytest.raises(PermissionError):
        TimelineEvent.objects.filter(pk=note.pk).delete()
    assert TimelineEvent.objects.get(pk=note.pk).text == "Backups found on a NAS share."


def test_updates_facts_and_judgements_are_append_only_too(update):
    for row in (update, update.facts.first(), update.judgements.first()):
        with pytest.raises(PermissionError):
            row.save()
        with pytest.raises(PermissionError):
            row.delete()
    for model in (ExecutiveUpdate, Fact, Judgement):
        with pytest.raises(PermissionError):
            model.objects.all().update(pk=1)
    # the incident cannot be deleted under its timeline either
    with pytest.raises(IntegrityError), transaction.atomic():
        type(update.incident).objects.filter(pk=update.incident_id).delete()


def test_phase_changes_are_events_and_set_contained_and_resolved(incident, people, now):
    analyst = people["analyst"]
    services.change_phase(actor=analyst, incident=incident, phase=Phase.CONTAIN, at=now - timedelta(minutes=50))
    assert incident.__class__.objects.get(pk=incident.pk).contained_at is None
    services.change_phase(actor=analyst, incident=incident, phase=Phase.ERADICATE, at=now - timedelta(minutes=30))
    services.change_phase(actor=analyst, incident=incident, phase=Phase.CLOSED, note="all clear")
    incident.refresh_from_db()
    assert incident.contained_at == now - timedelta(minutes=30)
    assert incident.resolved_at is not None and incident.phase == Phase.CLOSED
    phases = [e.data["to"] for e in incident.timeline.filter(kind=EventKind.PHASE)]
    assert phases == ["contain", "eradicate", "closed"]
    assert incident.timeline.filter(kind=EventKind.PHASE).last().text.endswith("all clear")


def test_refusals_change_nothing(incident, people, now):
    analyst = people["analyst"]
    before = TimelineEvent.objects.count()
    with pytest.raises(ValidationFailed, match="already"):
        services.change_phase(actor=analyst, incident=incident, phase=Phase.DETECT)
    with pytest.raises(ValidationFailed) as refused:
        services.add_note(actor=analyst, incident=incident, text="later", at=now + timedelta(hours=2))
    assert refused.value.problems[0].field == "at"
    with pytest.raises(ValidationFailed) as refused:
        services.update_incident(actor=analyst, incident=incident, resolved_at=now - timedelta(hours=3),
                                 contained_at=now - timedelta(hours=1))
    assert {p.field for p in refused.value.problems} == {"resolved_at"}
    assert TimelineEvent.objects.count() == before


def test_severity_change_and_detail_changes_are_on_the_timeline(incident, people):
    services.update_incident(actor=people["analyst"], incident=incident, severity=2, title="Ransomware on ERP and WMS",
                             dora_major=False)
    incident.refresh_from_db()
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.SEVERITY, EventKind.CHANGE]
    assert incident.timeline.get(kind=EventKind.SEVERITY).text == "Severity 1 \u2192 2"
    assert "title" in incident.timeline.get(kind=EventKind.CHANGE).text
    with pytest.raises(ValidationFailed, match="cannot be changed"):
        services.update_incident(actor=people["analyst"], incident=incident, exercise=True)
