"""Remediation SLAs: due dates per SSVC decision, the KEV clock, CISA's BOD 22-01 dates when bound, SLA status.

A finding's due date is the earliest of the rules that apply to it, and says which one set it:

- **decision**: the decision's days from when its clock started (first seen or reopened, or the day
  the decision last became more urgent);
- **kev**: for a finding with a CVE in the CISA KEV catalogue, the policy's KEV days from the later
  of first seen (or reopened) and the day the CVE entered the catalogue;
- **bod_22_01**: CISA's own due date from the catalogue, only for an organisation bound by BOD 22-01
  (US federal civilian agencies); for everyone else it is a reference, shown and never binding;
- **kept**: after an escalation, the due date given before it, when that is sooner (a more urgent
  decision never gives more time than was left).
"""

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
DEFAULT_KEV_DAYS = 14


class SlaStatus(StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    BREACHED = "breached"


class DueRule(StrEnum):
    """Which rule set a due date (see the module docstring)."""

    DECISION = "decision"
    KEV = "kev"
    BOD_22_01 = "bod_22_01"
    KEPT = "kept"


_RULE_NAMES = {DueRule.DECISION: "decision", DueRule.KEV: "KEV", DueRule.BOD_22_01: "BOD 22-01",
               DueRule.KEPT: "before escalating"}


def _whole_days(path: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(path, f"must be a whole number of days >= 0, found {value!r}")


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """Calendar days to remediate per decision and for KEV-listed findings, and how early "due soon" starts.

    A more urgent decision may not get more days than a less urgent one. `bound_by_bod_22_01`
    makes CISA's KEV due dates binding (for US federal civilian agencies); off, they are a reference.
    """

    days: Mapping[Decision, int] = field(default_factory=lambda: dict(DEFAULT_DAYS))
    due_soon_days: int = 7
    kev_days: int = DEFAULT_KEV_DAYS
    bound_by_bod_22_01: bool = False

    def __post_init__(self) -> None:
        missing = [decision.value for decision in Decision if decision not in self.days]
        if missing:
            raise InvalidInput("days", f"missing a number of days for {', '.join(missing)}")
        for decision in Decision:
            _whole_days(f"days.{decision.value}", self.days[decision])
        ordered = sorted(Decision, key=lambda decision: decision.rank, reverse=True)  # act first
        for urgent, relaxed in pairwise(ordered):
            if self.days[urgent] > self.days[relaxed]:
                raise InvalidInput(
                    f"days.{urgent.value}",
                    f"{self.days[urgent]} days is more than {relaxed.value}'s {self.days[relaxed]}: "
                    "a more urgent decision cannot get longer",
                )
        _whole_days("due_soon_days", self.due_soon_days)
        _whole_days("kev_days", self.kev_days)
        if not isinstance(self.bound_by_bod_22_01, bool):
            raise InvalidInput("bound_by_bod_22_01", f"must be true or false, found {self.bound_by_bod_22_01!r}")


@dataclass(frozen=True, slots=True)
class DueDate:
    due: date
    rule: DueRule
    reason: str


def _decision(value: Decision | str) -> Decision:
    try:
        return Decision(value)
    except ValueError:
        raise InvalidInput(
            "decision", f"{value!r} is not one of {', '.join(d.value for d in Decision)}"
        ) from None


def _candidates(
    decision: Decision,
    clock_start: date,
    first_seen: date,
    kev_added: date | None,
    kev_due: date | None,
    not_after: date | None,
    policy: SlaPolicy,
) -> list[DueDate]:
    """Every rule that applies, in the order that wins a tie."""
    days = policy.days[decision]
    found = [DueDate(clock_start + timedelta(days=days), DueRule.DECISION,
                     f"{decision.value}: {days} days from {clock_start.isoformat()}")]
    if kev_added is not None:
        if first_seen >= kev_added:
            start, since = first_seen, f"first seen {first_seen.isoformat()} (in KEV since {kev_added.isoformat()})"
        else:
            start, since = kev_added, f"the KEV listing {kev_added.isoformat()} (first seen {first_seen.isoformat()})"
        found.append(DueDate(start + timedelta(days=policy.kev_days), DueRule.KEV,
                             f"KEV: {policy.kev_days} days from {since}"))
    if kev_due is not None and policy.bound_by_bod_22_01:
        found.append(DueDate(kev_due, DueRule.BOD_22_01,
                             f"CISA's KEV due date {kev_due.isoformat()} (bound by BOD 22-01)"))
    if not_after is not None:
        found.append(DueDate(not_after, DueRule.KEPT,
                             f"kept {not_after.isoformat()}, the due date before the decision became "
                             f"{decision.value} (an escalation never gives more time)"))
    return found


def due_date(
    decision: Decision | str,
    clock_start: date,
    *,
    first_seen: date | None = None,
    kev_added: date | None = None,
    kev_due: date | None = None,
    not_after: date | None = None,
    policy: SlaPolicy | None = None,
) -> DueDate:
    """When a finding must be fixed, and which rule said so (the earliest rule wins).

    `clock_start` is when the decision's clock started: first seen (or reopened), or the day the
    decision last became more urgent. `first_seen` is the day the finding was first seen or last
    reopened (default `clock_start`). `kev_added` is the day its CVE entered the KEV catalogue
    (None: not listed); `kev_due` CISA's due date for it, binding only under BOD 22-01.
    `not_after` is the due date a finding had before its decision escalated.
    """
    policy = policy or SlaPolicy()
    found = _candidates(_decision(decision), clock_start, first_seen or clock_start, kev_added, kev_due,
                        not_after, policy)
    chosen = min(found, key=lambda candidate: candidate.due)  # the first of equal dates
    others = [f"{_RULE_NAMES[c.rule]} {c.due.isoformat()}" for c in found if c is not chosen]
    if others:
        return DueDate(chosen.due, chosen.rule, f"{chosen.reason}; other rules: {', '.join(others)}")
    return chosen


def rule_in_words(policy: SlaPolicy) -> str:
    """The due-date rule of `policy`, as a CISO would read it on the policy page."""
    days = ", ".join(f"{d.value} {policy.days[d]}" for d in sorted(Decision, key=lambda d: d.rank, reverse=True))
    bod = ("CISA's own KEV due dates bind as well: the organisation is bound by BOD 22-01."
           if policy.bound_by_bod_22_01 else
           "CISA's own KEV due dates (for US federal civilian agencies under BOD 22-01) are shown as a reference "
           "and do not bind.")
    return (f"Due = first seen (or reopened, or the day the decision last became more urgent) + the decision's "
            f"days ({days} days). A finding with a CVE in the KEV catalogue is due at the latest {policy.kev_days} "
            f"days after the later of first seen and the day the CVE entered the catalogue. {bod} The earliest "
            "of these dates wins, and an escalation never gives more time than was left.")


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
