"""When the next executive update is due: the update cadence per severity (IncidentSettings).

The first executive note is due a set time after the current severity was declared (default: one
hour for a severity 1); after that, each update names the time of the next one, at most the
severity's interval later (default: four hours for a severity 1). A closed incident has no cadence.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from accord.incidents.models import ExecutiveUpdate, Incident, IncidentSettings, Phase


def first_note_due(incident: Incident, settings: IncidentSettings) -> datetime | None:
    first, _every = settings.cadence(incident.severity)
    return incident.severity_set_at + timedelta(minutes=first) if first else None


def update_due(incident: Incident, latest: ExecutiveUpdate | None, settings: IncidentSettings) -> datetime | None:
    """The moment the next executive update is due, or None (closed, or no cadence and none promised)."""
    if incident.phase == Phase.CLOSED:
        return None
    promised = latest.next_update_at if latest is not None else None
    if latest is None or latest.created_at < incident.severity_set_at:
        # No update since the current severity was declared: the first note of that severity is due,
        # unless an earlier update promised the next one sooner.
        first = first_note_due(incident, settings)
        candidates = [moment for moment in (first, promised) if moment is not None]
        return min(candidates) if candidates else None
    return promised


def latest_allowed_next(incident: Incident, settings: IncidentSettings, now: datetime) -> datetime | None:
    """The latest next-update time an update written now may promise (None: no cadence, any time)."""
    _first, every = settings.cadence(incident.severity)
    return now + timedelta(minutes=every) if every else None


def default_next(incident: Incident, settings: IncidentSettings, now: datetime) -> datetime:
    """The next update time an update form offers: the cadence's interval, else one day."""
    _first, every = settings.cadence(incident.severity)
    return now + timedelta(minutes=every or 1440)
