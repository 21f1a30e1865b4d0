"""Remediation SLAs: due dates per SSVC decision, capped by KEV due dates, and SLA status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

from accord.engine.vulns.errors import InvalidInput
from accord.engine.vulns.ssvc import Decision

DEFAULT_DAYS: Mapping[Decision, int] = MappingProxyType(
    {Decision.ACT: 7, Decision.ATTEND: 30, Decision.TRACK_STAR: 90, Decision.TRACK: 180}
)


class SlaStatus(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Calendar days to remediate per decision, and how early "due soon" starts.

    A more urgent decision may not get more days than a less urgent one.
    """

    days: Mapping[Decision, int] = field(default_factory=lambda: dict(DEFAULT_DAYS))
    due_soon_days: int = 7

    def __post_init__(self) -> None:
        missing = [decision.value for decision in Decision if decision not in self.days]
        if missing:
            raise InvalidInput("days", f"missing a number of days for {', '.join(missing)}")
        for decision in Decision:
            value = self.days[decision]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidInput(
                    f"days.{decision.value}", f"must be a whole number of days >= 0, found {value!r}"
                )
        ordered = sorted(Decision, key=lambda decision: decision.rank, reverse=True)  # act first
        for urgent, relaxed in pairwise(ordered):
            if self.days[urgent] > self.days[relaxed]:
                raise InvalidInput(
                    f"days.{urgent.value}",
                    f"{self.days[urgent]} days is more than {relaxed.value}'s {self.days[relaxed]}: "
                    "a more urgent decision cannot get longer",
                )
        if (
            isinstance(self.due_soon_days, bool)
            or not isinstance(self.due_soon_days, int)
            or self.due_soon_days < 0
        ):
            raise InvalidInput(
                "due_soon_days", f"must be a whole number of days >= 0, found {self.due_soon_days!r}"
            )


@dataclass(frozen=True, slots=True)
class DueDate:
    due: date
    reason: str
    capped_by_kev: bool


def due_date(
    decision: Decision | str,
    opened_on: date,
    *,
    kev_due: date | None = None,
    policy: SlaPolicy | None = None,
) -> DueDate:
    """When a finding opened on `opened_on` with `decision` must be fixed.

    The policy's days count from `opened_on` (first seen, or the day the decision last became
    more urgent, as the caller chooses); a KEV due date earlier than that wins.
    """
    policy = policy or SlaPolicy()
    try:
        decision = Decision(decision)
    except ValueError:
        raise InvalidInput(
            "decision", f"{decision!r} is not one of {', '.join(d.value for d in Decision)}"
        ) from None
    days = policy.days[decision]
    by_policy = opened_on + timedelta(days=days)
    if kev_due is not None and kev_due < by_policy:
        return DueDate(
            kev_due,
            f"KEV due date {kev_due.isoformat()} is earlier than {decision.value}'s {days} days",
            True,
        )
    return DueDate(by_policy, f"{decision.value}: {days} days from {opened_on.isoformat()}", False)


def sla_status(due: date, today: date, *, policy: SlaPolicy | None = None) -> SlaStatus:
    """Where an open finding stands: breached after the due date, due soon within the window."""
    policy = policy or SlaPolicy()
    if today > due:
        return SlaStatus.BREACHED
    if (due - today).days <= policy.due_soon_days:
        return SlaStatus.DUE_SOON
    return SlaStatus.ON_TRACK


def met_sla(due: date, resolved_on: date) -> bool:
    """Whether a finding resolved on `resolved_on` met its due date (fixing on the day counts)."""
    return resolved_on <= due
