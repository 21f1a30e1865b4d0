"""Regulatory clocks: a regime is a list of deadline rules, each counted in calendar time from a
moment of the incident (aware, classified, ...), with its legal basis. Regimes are data files
(see `regime_file`); this module turns a regime and the moments known so far into deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accord.engine.clocks.business_time import aware_utc
from accord.engine.clocks.errors import MissingMoments
from accord.engine.clocks.offsets import Offset

# The moments a deadline can count from, in the order an incident usually reaches them.
MOMENTS = ("aware", "classified", "determined", "notified", "initial_notified", "last_intermediate")
MOMENT_MEANINGS = {
    "aware": "the organisation became aware of the incident or breach",
    "classified": "the incident was classified (e.g. as major under DORA)",
    "determined": "the incident was determined to be material (SEC)",
    "notified": "the incident notification was submitted (NIS2 Art. 23(4)(b))",
    "initial_notified": "the initial notification was submitted (DORA)",
    "last_intermediate": "the latest intermediate report was submitted (DORA)",
}


@dataclass(frozen=True)
class Cap:
    """"No later than" `offset` after `starts_from`: the earlier of this and the rule's own deadline.

    A cap binds only while the rule's own starting moment comes before it: a moment after the cap
    gets the full offset (DORA: an incident classified as major after the first 24 hours still gets
    4 hours, Delegated Regulation (EU) 2025/301, Art. 5(2)).
    """

    starts_from: str
    offset: Offset


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    label: str
    starts_from: str
    offset: Offset
    basis: str
    note: str = ""
    no_later_than: Cap | None = None

    @property
    def moments_needed(self) -> tuple[str, ...]:
        if self.no_later_than is None:
            return (self.starts_from,)
        return tuple(dict.fromkeys((self.starts_from, self.no_later_than.starts_from)))


@dataclass(frozen=True)
class Regime:
    key: str
    name: str
    jurisdiction: str
    applies_when: str
    deadlines: tuple[DeadlineRule, ...]


@dataclass(frozen=True)
class Deadline:
    key: str
    label: str
    due: datetime
    starts_from: str
    basis: str
    note: str = ""
    within: str = ""  # the offset in words, e.g. "72 hours" or "4 business days (US)"
    capped_by: str = ""  # the cap that set `due`, in words, when it did (e.g. "24 hours after aware")


def regime_deadlines(
    regime: Regime,
    *,
    aware: datetime,
    classified: datetime | None = None,
    determined: datetime | None = None,
    notified: datetime | None = None,
    initial_notified: datetime | None = None,
    last_intermediate: datetime | None = None,
) -> list[Deadline]:
    """Every deadline of `regime` whose moments are known, earliest first (file order on a tie).

    A rule whose starting moment (or whose cap's) is not given is left out: ask again once it is
    known. Raises `MissingMoments` (a ValueError naming the moments) when no rule can be computed.
    """
    given = {"aware": aware, "classified": classified, "determined": determined, "notified": notified,
             "initial_notified": initial_notified, "last_intermediate": last_intermediate}
    moments = {name: aware_utc(value, name) for name, value in given.items() if value is not None}
    found: list[Deadline] = []
    missing: list[tuple[str, str]] = []
    for rule in regime.deadlines:
        absent = [moment for moment in rule.moments_needed if moment not in moments]
        if absent:
            missing.extend((moment, rule.key) for moment in absent)
            continue
        found.append(_deadline(rule, moments))
    if not found:
        raise MissingMoments(regime.key, missing)
    return sorted(found, key=lambda deadline: deadline.due)


def _deadline(rule: DeadlineRule, moments: dict[str, datetime]) -> Deadline:
    start = moments[rule.starts_from]
    due, capped_by = rule.offset.after(start), ""
    cap = rule.no_later_than
    if cap is not None:
        cap_due = cap.offset.after(moments[cap.starts_from])
        if start < cap_due < due:
            due, capped_by = cap_due, f"{cap.offset.in_words()} after {cap.starts_from}"
    return Deadline(key=rule.key, label=rule.label, due=due, starts_from=rule.starts_from, basis=rule.basis,
                    note=rule.note, within=rule.offset.in_words(), capped_by=capped_by)
