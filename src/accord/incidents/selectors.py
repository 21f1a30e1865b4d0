"""Permission-scoped reads of the incident room: incidents, their timeline and updates, the update
cadence, regulatory clocks (per incident, and every open incident's for the CISO and CIO desk), the
executive briefing, and response times for the scorecard (exercises never counted)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accord.core.errors import NotFound
from accord.core.permissions import HasCapabilities, require
from accord.incidents import cadence, regulatory
from accord.incidents.models import (
    Action,
    ActionStatus,
    EventKind,
    ExecutiveUpdate,
    Incident,
    IncidentSettings,
    Phase,
    PostIncidentReview,
    TimelineEvent,
)
from accord.incidents.regulatory import RegulatoryClock

READ = "incident.read"
SCENARIOS_FILE = Path(__file__).resolve().parent / "data" / "scenarios.json"


# Incidents -----------------------------------------------------------------------------------------

def incidents_visible_to(viewer: HasCapabilities, *, is_open: bool | None = None,
                         exercise: bool | None = None) -> QuerySet[Incident]:
    require(viewer, READ)
    qs = Incident.objects.select_related("commander").prefetch_related("services")
    if is_open is not None:
        qs = qs.exclude(phase=Phase.CLOSED) if is_open else qs.filter(phase=Phase.CLOSED)
    if exercise is not None:
        qs = qs.filter(exercise=exercise)
    return qs.order_by("-reported_at", "-id")


def incident_by_id(viewer: HasCapabilities, incident_id: int) -> Incident:
    incident = incidents_visible_to(viewer).prefetch_related("assets").filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("incident", incident_id)
    return incident


def timeline_of(viewer: HasCapabilities, incident: Incident) -> QuerySet[TimelineEvent]:
    require(viewer, READ)
    return TimelineEvent.objects.filter(incident=incident).select_related("author").order_by("at", "id")


def updates_of(viewer: HasCapabilities, incident: Incident) -> QuerySet[ExecutiveUpdate]:
    require(viewer, READ)
    return (ExecutiveUpdate.objects.filter(incident=incident).select_related("author")
            .prefetch_related("facts", "judgements", Prefetch("actions", queryset=Action.objects.select_related("owner")))
            .order_by("-number"))


def latest_update(viewer: HasCapabilities, incident: Incident) -> ExecutiveUpdate | None:
    return updates_of(viewer, incident).first()


def update_by_number(viewer: HasCapabilities, incident: Incident, number: int) -> ExecutiveUpdate:
    update = updates_of(viewer, incident).filter(number=number).first()
    if update is None:
        raise NotFound("update", f"INC-{incident.pk} #{number}")
    return update


def actions_of(viewer: HasCapabilities, incident: Incident) -> QuerySet[Action]:
    require(viewer, READ)
    return Action.objects.filter(incident=incident).select_related("owner", "lesson", "update", "closed_by")


def action_by_id(viewer: HasCapabilities, action_id: int) -> Action:
    require(viewer, READ)
    action = Action.objects.select_related("incident", "owner").filter(pk=action_id).first()
    if action is None:
        raise NotFound("action", action_id)
    return action


def review_of(viewer: HasCapabilities, incident: Incident) -> PostIncidentReview | None:
    require(viewer, READ)
    return PostIncidentReview.objects.filter(incident=incident).prefetch_related("lessons").first()


def incident_settings(viewer: HasCapabilities) -> IncidentSettings:
    require(viewer, READ)
    return IncidentSettings.current()


# The update cadence --------------------------------------------------------------------------------

@dataclass(frozen=True)
class UpdateStatus:
    due: datetime | None
    overdue: bool
    latest: ExecutiveUpdate | None


def update_status(incident: Incident, *, settings: IncidentSettings | None = None,
                  latest: ExecutiveUpdate | None = None, now: datetime | None = None) -> UpdateStatus:
    """When the next executive update is due and whether it is late (no viewer: services call it)."""
    settings = settings or IncidentSettings.current()
    if latest is None:
        latest = ExecutiveUpdate.objects.filter(incident=incident).order_by("-number").first()
    due = cadence.update_due(incident, latest, settings)
    now = now or timezone.now()
    return UpdateStatus(due=due, overdue=due is not None and due <= now, latest=latest)


def update_status_of(viewer: HasCapabilities, incident: Incident, now: datetime | None = None) -> UpdateStatus:
    require(viewer, READ)
    return update_status(incident, now=now)


# Regulatory clocks ---------------------------------------------------------------------------------

def clocks_of(incident: Incident, *, settings: IncidentSettings | None = None) -> list[RegulatoryClock]:
    """The incident's regulatory deadlines (no viewer: services call it)."""
    settings = settings or IncidentSettings.current()
    events = list(TimelineEvent.objects.filter(incident=incident, kind=EventKind.REGULATOR))
    return regulatory.clocks_of(incident, enabled=settings.regimes, events=events)


def regulatory_clocks(viewer: HasCapabilities, incident: Incident) -> list[RegulatoryClock]:
    require(viewer, READ)
    return clocks_of(incident)


def clocks_not_started(viewer: HasCapabilities, incident: Incident) -> list[str]:
    require(viewer, READ)
    return regulatory.clocks_not_started(incident, IncidentSettings.current().regimes)


@dataclass(frozen=True)
class RunningClock:
    """One upcoming regulatory deadline of an open incident, for the CISO and CIO desk."""

    incident_id: int
    reference: str
    title: str
    severity: int
    exercise: bool
    url: str
    clock: RegulatoryClock
    state: str  # running or overdue
    left: str  # "5 h 12 min left", "overdue by 40 min"

    @property
    def label(self) -> str:
        return f"{self.clock.regime_name}: {self.clock.label}"


def running_clocks(viewer: HasCapabilities, *, include_exercises: bool = False,
                   now: datetime | None = None) -> list[RunningClock]:
    """Every open incident's regulatory deadlines not met yet, soonest first (overdue ones first of
    all), each with its legal basis (`clock.basis`) and the time left. Exercises are left out unless
    asked for (then `exercise` is True on their rows, to label them)."""
    now = now or timezone.now()
    settings = IncidentSettings.current()
    rows: list[RunningClock] = []
    for incident in incidents_visible_to(viewer, is_open=True, exercise=None if include_exercises else False):
        for clock in clocks_of(incident, settings=settings):
            if clock.met_at is not None:
                continue
            rows.append(RunningClock(
                incident_id=incident.pk, reference=incident.reference, title=incident.title,
                severity=incident.severity, exercise=incident.exercise, url=f"/incidents/{incident.pk}/#clocks",
                clock=clock, state=clock.state(now), left=clock.left_text(now)))
    return sorted(rows, key=lambda r: (r.clock.due, r.incident_id))


# The incidents home --------------------------------------------------------------------------------

@dataclass
class IncidentRow:
    incident: Incident
    status: UpdateStatus
    next_clock: RegulatoryClock | None
    next_clock_left: str = ""
    due_left: str = ""  # "3 h 10 min left", "overdue by 5 min"


def incident_rows(viewer: HasCapabilities, *, is_open: bool, exercise: bool | None = None,
                  now: datetime | None = None, limit: int = 100) -> list[IncidentRow]:
    now = now or timezone.now()
    settings = IncidentSettings.current()
    rows = []
    for incident in incidents_visible_to(viewer, is_open=is_open, exercise=exercise)[:limit]:
        status = update_status(incident, settings=settings, now=now)
        pending = [c for c in clocks_of(incident, settings=settings) if c.met_at is None] if is_open else []
        first = pending[0] if pending else None
        due_left = ""
        if status.due is not None:
            left = status.due - now
            due_left = (f"overdue by {regulatory.duration_text(-left)}" if status.overdue
                        else f"{regulatory.duration_text(left)} left")
        rows.append(IncidentRow(incident, status, first, first.left_text(now) if first else "", due_left))
    return rows


# Response times (the scorecard) --------------------------------------------------------------------

MEASURES: tuple[tuple[str, str, str, str], ...] = (
    ("detect", "Time to detect", "began_at", "detected_at"),
    ("acknowledge", "Time to acknowledge", "detected_at", "reported_at"),
    ("contain", "Time to contain", "detected_at", "contained_at"),
    ("resolve", "Time to resolve", "detected_at", "resolved_at"),
)
MEASURE_HELP = {
    "detect": "from when it began to its detection",
    "acknowledge": "from detection to the response team's acknowledgement (reported)",
    "contain": "from detection to containment",
    "resolve": "from detection to resolution",
}


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class ResponseMeasure:
    key: str
    label: str
    help: str
    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class ResponseTimes:
    measures: list[ResponseMeasure]
    incidents: int  # real incidents considered
    exercises_excluded: int
    since: datetime | None = None

    def by_key(self) -> dict[str, ResponseMeasure]:
        return {m.key: m for m in self.measures}


def response_times(viewer: HasCapabilities, *, since: datetime | None = None) -> ResponseTimes:
    """Median and 90th percentile of the time to detect, acknowledge, contain and resolve, in hours,
    over real incidents (never exercises) reported since `since` (all when None). Each measure counts
    the incidents that have both of its moments."""
    require(viewer, READ)
    qs = Incident.objects.all()
    if since is not None:
        qs = qs.filter(reported_at__gte=since)
    exercises = qs.filter(exercise=True).count()
    rows = list(qs.filter(exercise=False).values(*{f for _, _, a, b in MEASURES for f in (a, b)}))
    measures = []
    for key, label, start, end in MEASURES:
        hours = [(r[end] - r[start]).total_seconds() / 3600 for r in rows if r[start] is not None and r[end] is not None]
        measures.append(ResponseMeasure(key, label, MEASURE_HELP[key], len(hours), percentile(hours, 50),
                                        percentile(hours, 90)))
    return ResponseTimes(measures=measures, incidents=len(rows), exercises_excluded=exercises, since=since)


def exercise_count(viewer: HasCapabilities) -> int:
    require(viewer, READ)
    return Incident.objects.filter(exercise=True).count()


# Tabletop scenarios --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    summary: str
    severity: int
    phase: str
    services: str
    flags: dict[str, bool]
    injects: list[str]
    update: dict[str, Any] = field(default_factory=dict)


@cache
def _scenarios() -> tuple[Scenario, ...]:
    data = json.loads(SCENARIOS_FILE.read_text(encoding="utf-8"))
    return tuple(Scenario(key=key, title=s["title"], summary=s["summary"], severity=int(s["severity"]),
                          phase=s["phase"], services=s.get("services", ""), flags=dict(s.get("flags", {})),
                          injects=list(s.get("injects", [])), update=dict(s["update"]))
                 for key, s in data.items())


def scenarios(viewer: HasCapabilities) -> tuple[Scenario, ...]:
    require(viewer, READ)
    return _scenarios()


def scenario_by_key(key: str) -> Scenario:
    found = next((s for s in _scenarios() if s.key == key), None)
    if found is None:
        raise NotFound("scenario", key)
    return found


# The executive briefing ----------------------------------------------------------------------------

def briefing(viewer: HasCapabilities, incident: Incident, *, now: datetime | None = None) -> Any:
    """The executive briefing from the latest update (accord.incidents.briefing.Briefing)."""
    from accord.incidents.briefing import build_briefing

    require(viewer, READ)
    now = now or timezone.now()
    settings = IncidentSettings.current()
    latest = latest_update(viewer, incident)
    actions = [a for a in actions_of(viewer, incident) if a.status == ActionStatus.OPEN]
    return build_briefing(incident, latest, status=update_status(incident, settings=settings, latest=latest, now=now),
                          clocks=clocks_of(incident, settings=settings),
                          not_started=regulatory.clocks_not_started(incident, settings.regimes),
                          actions=actions, now=now, currency=organisation_currency())


def organisation_currency() -> str:
    from accord.risks.selectors import organisation_currency as currency

    return currency()


def affected_cost_per_hour(incident: Incident) -> tuple[float, list[dict[str, Any]]]:
    """The affected services' downtime cost per hour, summed, with each service's own figure."""
    parts: list[dict[str, Any]] = [{"service": s.name, "per_hour": float(s.downtime_cost_per_hour)}
                                   for s in incident.services.all()]
    return float(sum(p["per_hour"] for p in parts)), parts


def commander_for(viewer: HasCapabilities) -> Any:
    """The viewer's own entry in the people directory (who commands what they open), or None."""
    from accord.core.permissions import can
    from accord.org.selectors import people_visible_to

    if not can(viewer, "org.read"):
        return None
    pk = getattr(viewer, "pk", None)
    return people_visible_to(viewer).filter(user_id=pk).first() if pk is not None else None


def default_next_update(incident: Incident, settings: IncidentSettings, now: datetime) -> datetime:
    return cadence.default_next(incident, settings, now)


def enabled_regimes() -> list[str]:
    """The regimes that bind the organisation (not confidential: every incident page shows them)."""
    return list(IncidentSettings.current().regimes)
