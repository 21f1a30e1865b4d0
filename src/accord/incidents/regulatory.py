"""An incident's regulatory clocks, from its flags and moments, computed by the clock engine.

Which regimes apply: the organisation's settings say which bind it at all (IncidentSettings.regimes),
the incident's flags say which this incident triggers (personal data: GDPR; an essential or important
entity's significant incident: NIS2; material to investors: SEC, from the materiality determination;
a financial entity's major incident: DORA, from its classification). The engine (regimes as data
files, each deadline with its legal basis) turns the moments into deadlines; a deadline whose
starting moment is not known yet is left out, and marking a report as sent (a "regulator notified"
timeline event) gives the moment the later deadlines count from.

The engine is imported when clocks are computed, not when Django starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from accord.incidents.models import REGIME_FLAGS, EventKind, Incident, TimelineEvent

# The engine's arguments that a report, once sent, provides: NIS2's final report counts from the
# incident notification, DORA's intermediate report from the initial notification and its final
# report from the last intermediate report. (regime, deadline key) -> engine argument.
REPORT_STARTS: dict[tuple[str, str], str] = {
    ("nis2", "incident_notification"): "notified",
    ("dora", "initial_notification"): "initial_notified",
    ("dora", "intermediate_report"): "last_intermediate",
}
# The argument of the engine each later moment feeds, in the order the reports are due.
LATER_MOMENTS = ("notified", "initial_notified", "last_intermediate")


@dataclass(frozen=True)
class RegulatoryClock:
    """One deadline of one regime for one incident, with its legal basis and whether it was met."""

    regime: str
    regime_name: str
    key: str
    label: str
    due: datetime
    starts_from: str
    basis: str
    note: str
    met_at: datetime | None = None
    within: str = ""  # "72 hours", "4 business days (US)"
    capped_by: str = ""  # the "no later than" limit that set the due moment, in words

    @property
    def counted_from(self) -> str:
        """"72 hours after the organisation became aware of the incident or breach"."""
        from accord.engine.clocks import MOMENT_MEANINGS

        start = MOMENT_MEANINGS.get(self.starts_from, self.starts_from)
        if self.capped_by:
            return f"{self.capped_by.replace('after aware', 'after awareness')} (the earlier limit)"
        return f"{self.within} after {start}" if self.within else f"from: {start}"

    @property
    def short(self) -> str:
        """"NIS2": the regime as briefings name it."""
        return self.regime.upper()

    @property
    def ident(self) -> str:
        return f"{self.regime}:{self.key}"

    def left(self, now: datetime) -> timedelta:
        return self.due - now

    def state(self, now: datetime) -> str:
        """met (a report was sent), late (met after the due moment), overdue, or running."""
        if self.met_at is not None:
            return "late" if self.met_at > self.due else "met"
        return "overdue" if now >= self.due else "running"

    def left_text(self, now: datetime) -> str:
        state = self.state(now)
        if state == "met":
            return "met"
        if state == "late":
            return f"met {duration_text(self.met_at - self.due)} late"  # type: ignore[operator]
        left = self.left(now)
        return f"overdue by {duration_text(-left)}" if left <= timedelta(0) else f"{duration_text(left)} left"


def duration_text(delta: timedelta) -> str:
    """"3 d 4 h", "5 h 12 min", "40 min" (rounded down to the minute)."""
    total = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(total, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


@cache
def _regimes() -> dict[str, Any]:
    from accord.engine.clocks import load_regimes

    return dict(load_regimes())


def regime_name(key: str) -> str:
    regime = _regimes().get(key)
    for attribute in ("name", "label", "title"):
        value = getattr(regime, attribute, None)
        if isinstance(value, str) and value:
            return value
    return key.upper()


def known_regimes() -> list[str]:
    return sorted(set(_regimes()) & set(REGIME_FLAGS))


def _deadlines(regime_key: str, **moments: Any) -> list[Any]:
    """The regime's deadlines from the moments given; none when no rule can be computed yet."""
    from accord.engine.clocks import MissingMoments, regime_deadlines

    try:
        return list(regime_deadlines(_regimes()[regime_key], **moments))
    except MissingMoments:
        return []


def report_choices(regime_key: str, *, at: datetime) -> list[tuple[str, str]]:
    """Every report a regime asks for (key, label), in order: what "regulator notified" may name."""
    moments = {"aware": at, "classified": at, "determined": at, **dict.fromkeys(LATER_MOMENTS, at)}
    return [(d.key, d.label) for d in sorted(_deadlines(regime_key, **moments), key=lambda d: d.due)]


def applicable_regimes(incident: Incident, enabled: Iterable[str]) -> list[str]:
    """The regimes the organisation is bound by whose flag the incident carries."""
    bound = set(enabled)
    return [key for key, flag in sorted(REGIME_FLAGS.items()) if key in bound and getattr(incident, flag)]


def reports_sent(events: Iterable[TimelineEvent]) -> dict[tuple[str, str], datetime]:
    """(regime, deadline key) -> when the first such report was sent, from the timeline."""
    sent: dict[tuple[str, str], datetime] = {}
    for event in events:
        if event.kind != EventKind.REGULATOR:
            continue
        key = (str(event.data.get("regime", "")), str(event.data.get("deadline", "")))
        if key not in sent or event.at < sent[key]:
            sent[key] = event.at
    return sent


def engine_moments(incident: Incident, regime_key: str, sent: dict[tuple[str, str], datetime]) -> dict[str, Any]:
    """The engine's arguments for one regime: awareness, classification or determination, and the
    moments the reports already sent provide (the latest intermediate report for DORA)."""
    moments: dict[str, Any] = {"aware": incident.aware}
    if regime_key == "dora" and incident.dora_classified_at is not None:
        moments["classified"] = incident.dora_classified_at
    if regime_key == "sec" and incident.materiality_determined_at is not None:
        moments["determined"] = incident.materiality_determined_at
    for (regime, deadline), at in sent.items():
        argument = REPORT_STARTS.get((regime, deadline))
        if regime != regime_key or argument is None:
            continue
        if argument == "last_intermediate":
            moments[argument] = max(at, moments.get(argument, at))
        else:
            moments[argument] = min(at, moments.get(argument, at))
    return moments


def clocks_of(incident: Incident, *, enabled: Iterable[str], events: Sequence[TimelineEvent]) -> list[RegulatoryClock]:
    """Every deadline of every regime that applies to the incident, soonest first."""
    sent = reports_sent(events)
    clocks: list[RegulatoryClock] = []
    for regime_key in applicable_regimes(incident, enabled):
        if regime_key not in _regimes():
            continue
        name = regime_name(regime_key)
        for deadline in _deadlines(regime_key, **engine_moments(incident, regime_key, sent)):
            clocks.append(RegulatoryClock(
                regime=regime_key, regime_name=name, key=deadline.key, label=deadline.label, due=deadline.due,
                starts_from=str(deadline.starts_from), basis=deadline.basis, note=deadline.note or "",
                met_at=sent.get((regime_key, deadline.key)), within=getattr(deadline, "within", ""),
                capped_by=getattr(deadline, "capped_by", "")))
    return sorted(clocks, key=lambda c: (c.due, c.regime, c.key))


def clocks_not_started(incident: Incident, enabled: Iterable[str]) -> list[str]:
    """Why a flagged regime shows no clock yet (its starting moment is missing)."""
    bound = set(enabled)
    notes = []
    if incident.material and "sec" in bound and incident.materiality_determined_at is None:
        notes.append("SEC: give the time materiality was determined; the Form 8-K clock counts from it.")
    if incident.dora_major and "dora" in bound and incident.dora_classified_at is None:
        notes.append("DORA: give the time the incident was classified as major; the initial notification "
                     "counts from it.")
    for regime, flag in sorted(REGIME_FLAGS.items()):
        if getattr(incident, flag) and regime not in bound:
            notes.append(f"{regime.upper()}: flagged, but the incident settings say it does not bind the organisation.")
    return notes
