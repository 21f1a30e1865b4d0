"""The joint review of the CIO-CISO partnership, one calendar quarter at a time (issue 13, item 4).

Every figure is read from its owning app's selectors, for the days of the quarter in the
organisation's calendar:

- conflicts: matters the steering committee's agenda took up in the quarter
  (`accord.steering.selectors.escalations_between`), and joint sign-offs rejected in the quarter,
  with the days until the matter was resolved (the committee's resolution; for a rejection, the
  next sign-off of the same kind on the same subject granted);
- review SLA attainment of the reviews requested in the quarter (`accord.reviews.selectors.metrics`);
- days from a patch plan's proposal to its second signature, for the plans signed in the quarter;
- remediation and review SLA policy and portfolio selection proposals made in the quarter, by how
  they ended (agreed, withdrawn, rejected, voided, still open);
- decisions recorded on the log in the quarter against matters deferred: those the committee took
  up in the quarter that were still unresolved at its end;
- incidents whose executive update cadence slipped: an update written after the time the previous
  one promised, in the quarter (exercises never counted).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from accord.core import clock
from accord.core.errors import ValidationFailed
from accord.core.permissions import can

QUARTER = re.compile(r"(\d{4})Q([1-4])")
PROPOSAL_KINDS = (("sla_policy", "Remediation SLA policy"), ("review_sla", "Review SLA"),
                  ("portfolio_selection", "Portfolio selection"))
OUTCOMES = (("granted", "agreed"), ("withdrawn", "withdrawn"), ("rejected", "rejected"), ("voided", "voided"),
            ("expired", "expired"), ("open", "still open"))


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = self.following()
        return following.start - timedelta(days=1)

    def following(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def preceding(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def previous(self, count: int) -> list[Quarter]:
        """`count` quarters ending with this one, oldest first."""
        found = [self]
        while len(found) < count:
            found.append(found[-1].preceding())
        return found[::-1]

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def window(self) -> tuple[datetime, datetime]:
        """The quarter's first and last moment in the organisation's calendar."""
        start = clock.end_of_day(self.start - timedelta(days=1))
        return start, clock.end_of_day(self.end)


def parse_quarter(text: str) -> Quarter:
    match = QUARTER.fullmatch((text or "").strip().upper())
    if match is None:
        raise ValidationFailed.field("quarter", f"{text!r} is not a quarter such as 2026Q4")
    return Quarter(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class Conflict:
    title: str
    source: str  # "committee" or "rejected sign-off"
    raised_on: date
    resolved_on: date | None
    url: str

    @property
    def days(self) -> int | None:
        return None if self.resolved_on is None else (self.resolved_on - self.raised_on).days


@dataclass(frozen=True)
class Slip:
    incident_id: int
    reference: str
    title: str
    late_updates: int
    worst_minutes: float
    url: str


@dataclass
class Review:
    quarter: Quarter
    as_of: date  # the quarter's last day, or today while it runs
    conflicts: list[Conflict] = field(default_factory=list)
    review_attainment: float | None = None
    reviews_counted: int = 0
    signature_days: list[float] = field(default_factory=list)
    proposals: dict[str, Counter[str]] = field(default_factory=dict)
    decisions_taken: int | None = None
    deferred: int = 0
    slips: list[Slip] = field(default_factory=list)
    incidents_seen: int | None = None

    def listed(self, limit: int) -> list[Conflict]:
        """The conflicts a page lists: the resolved ones, longest to resolve first, then the open ones,
        oldest first."""
        resolved = sorted(self.resolved, key=lambda c: (-(c.days or 0), c.raised_on, c.title))
        still_open = [c for c in self.conflicts if c.resolved_on is None]
        return (resolved + still_open)[:limit]

    @property
    def resolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.resolved_on is not None]

    @property
    def median_days_to_resolve(self) -> float | None:
        from accord.reviews.selectors import percentile

        return percentile([float(c.days) for c in self.resolved if c.days is not None], 50)

    def by_source(self) -> list[tuple[str, int, int, float | None]]:
        """(how it came, conflicts, resolved, median days to resolve) per source, most first."""
        from accord.reviews.selectors import percentile

        groups: dict[str, list[Conflict]] = {}
        for conflict in self.conflicts:
            groups.setdefault(conflict.source, []).append(conflict)
        rows = [(source, len(items), sum(1 for c in items if c.resolved_on is not None),
                 percentile([float(c.days) for c in items if c.days is not None], 50))
                for source, items in groups.items()]
        return sorted(rows, key=lambda row: (-row[1], row[0]))

    @property
    def median_signature_days(self) -> float | None:
        from accord.reviews.selectors import percentile

        return percentile(self.signature_days, 50)

    def proposal_text(self, kind_label: str) -> str:
        counts = self.proposals.get(kind_label) or Counter()
        if not sum(counts.values()):
            return "none"
        return ", ".join(f"{counts[status]} {word}" for status, word in OUTCOMES if counts[status])

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The review's figures as (label, figure with its unit): the page, the pack and the CLI."""
        median = self.median_days_to_resolve
        conflicts = (f"{len(self.conflicts)} ({len(self.resolved)} resolved"
                     + (f", median {median:.1f} days to resolve)" if median is not None else ")"))
        signature = self.median_signature_days
        rows: list[tuple[str, str]] = [
            ("Conflicts escalated", conflicts),
            ("Review SLA attainment", "no data" if self.review_attainment is None
             else f"{self.review_attainment:.1f}% of {self.reviews_counted} reviews"),
            ("Patch plan proposal to both signatures", "no data" if signature is None
             else f"median {signature:.1f} days ({len(self.signature_days)} plans)"),
        ]
        rows += [(f"{label} proposals", self.proposal_text(label)) for _, label in PROPOSAL_KINDS]
        rows.append(("Decisions taken / deferred", "no data" if self.decisions_taken is None else
                     f"{self.decisions_taken} taken, {self.deferred} deferred"))
        rows.append(("Incidents where the executive cadence slipped", "no data" if self.incidents_seen is None
                     else f"{len(self.slips)} of {_plural(self.incidents_seen, 'incident')}"))
        return tuple(rows)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _day(moment: datetime) -> date:
    return clock.day_of(moment)


def _committee(quarter: Quarter) -> list[Conflict]:
    """What the steering committee's agenda took up in the quarter, and when each was resolved."""
    from accord.steering.selectors import escalations_between

    return [Conflict(row.title, f"committee: {row.source.replace('_', ' ')}", row.raised_on, row.resolved_on, row.url)
            for row in escalations_between(quarter.start, quarter.end)]


def _rejections(viewer: Any, quarter: Quarter) -> list[Conflict]:
    """Joint sign-offs rejected in the quarter; resolved when a later one on the same subject is granted."""
    from accord.governance.selectors import signoffs_visible_to

    start, end = quarter.window()
    rejected = signoffs_visible_to(viewer, status="rejected").filter(closed_at__gt=start, closed_at__lte=end)
    found = []
    for signoff in rejected:
        if signoff.closed_at is None:
            continue
        later = (signoffs_visible_to(viewer, status="granted", kind=signoff.kind)
                 .filter(subject_type=signoff.subject_type, subject_id=signoff.subject_id,
                         requested_at__gte=signoff.requested_at).exclude(pk=signoff.pk)
                 .order_by("closed_at").first())
        resolved = _day(later.closed_at) if later is not None and later.closed_at is not None else None
        found.append(Conflict(f"{signoff.kind_label}: {signoff.subject_label}", "rejected sign-off",
                              _day(signoff.closed_at), resolved, signoff.subject_url or f"/approvals/{signoff.pk}/"))
    return found


def _signature_days(viewer: Any, quarter: Quarter) -> list[float]:
    from accord.governance.selectors import signoffs_visible_to

    start, end = quarter.window()
    granted = signoffs_visible_to(viewer, status="granted", kind="patch_plan").filter(
        closed_at__gt=start, closed_at__lte=end)
    return [(s.closed_at - s.requested_at).total_seconds() / 86400 for s in granted if s.closed_at is not None]


def _proposals(viewer: Any, quarter: Quarter) -> dict[str, Counter[str]]:
    from accord.governance.selectors import signoffs_visible_to

    start, end = quarter.window()
    found: dict[str, Counter[str]] = {}
    for kind, label in PROPOSAL_KINDS:
        rows = signoffs_visible_to(viewer, kind=kind).filter(requested_at__gt=start, requested_at__lte=end)
        found[label] = Counter(rows.values_list("status", flat=True))
    return found


def _slips(viewer: Any, quarter: Quarter) -> tuple[list[Slip], int]:
    """Real incidents with an executive update in the quarter, and those whose cadence slipped."""
    from accord.incidents import selectors as incidents

    start, end = quarter.window()
    slips, seen = [], 0
    for incident in incidents.incidents_visible_to(viewer, exercise=False):
        updates = sorted(incidents.updates_of(viewer, incident), key=lambda u: u.number)
        in_quarter = [u for u in updates if start < u.created_at <= end]
        if not in_quarter:
            continue
        seen += 1
        late = [(u.created_at - before.next_update_at).total_seconds() / 60
                for before, u in pairwise(updates)
                if start < u.created_at <= end and before.next_update_at is not None
                and u.created_at > before.next_update_at]
        if late:
            slips.append(Slip(incident.pk, incident.reference, incident.title, len(late), max(late),
                              f"/incidents/{incident.pk}/"))
    return slips, seen


def review_of(viewer: Any, quarter: Quarter) -> Review:
    """The quarter's figures, each from what the viewer may read ("no data" for what they may not)."""
    from accord.reviews import selectors as reviews

    review = Review(quarter, as_of=min(quarter.end, clock.today()))
    committee = _committee(quarter) if can(viewer, "steering.read") else []
    review.conflicts = committee + _rejections(viewer, quarter)
    review.conflicts.sort(key=lambda c: (c.raised_on, c.title))
    if can(viewer, "review.read"):
        figures = reviews.metrics(viewer, since=quarter.start, until=quarter.end)
        review.review_attainment = figures.attainment
        review.reviews_counted = sum(t.counted for t in figures.tiers)
    review.signature_days = _signature_days(viewer, quarter)
    review.proposals = _proposals(viewer, quarter)
    if can(viewer, "steering.read"):
        from accord.governance.selectors import decisions_visible_to

        start, end = quarter.window()
        review.decisions_taken = decisions_visible_to(viewer).filter(decided_at__gt=start, decided_at__lte=end).count()
        review.deferred = sum(1 for c in committee if c.resolved_on is None or c.resolved_on > quarter.end)
    if can(viewer, "incident.read"):
        review.slips, review.incidents_seen = _slips(viewer, quarter)
    return review
