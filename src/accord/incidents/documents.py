"""An incident and its clocks as JSON-able documents, the same for the API and the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from accord.core.permissions import Actor
from accord.incidents import selectors
from accord.incidents.regulatory import RegulatoryClock
from accord.incidents.schemas import IncidentOut


def clock_document(clock: RegulatoryClock, now: datetime) -> dict[str, Any]:
    return {"regime": clock.regime, "regime_name": clock.regime_name, "key": clock.key, "label": clock.label,
            "due": clock.due, "starts_from": clock.starts_from, "counted_from": clock.counted_from,
            "basis": clock.basis, "note": clock.note, "met_at": clock.met_at, "state": clock.state(now),
            "left": clock.left_text(now), "seconds_left": int(clock.left(now).total_seconds())}


def incident_document(actor: Actor, incident: Any) -> dict[str, Any]:
    """The incident with its update cadence and regulatory clocks (IncidentDetailOut)."""
    now = timezone.now()
    status = selectors.update_status_of(actor, incident, now=now)
    data = IncidentOut.from_orm(incident).model_dump()
    data.update(next_update_due=status.due, update_overdue=status.overdue,
                updates=selectors.updates_of(actor, incident).count(),
                clocks=[clock_document(c, now) for c in selectors.regulatory_clocks(actor, incident)],
                clocks_not_started=selectors.clocks_not_started(actor, incident))
    return data
