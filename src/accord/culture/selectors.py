"""Permission-scoped reads of the culture app: champion coverage, campaign rates, the stakeholder map.

Each figure is computed here once; the pages, the API, the CLI and the scorecard all show it from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from accord.core import clock
from accord.core.errors import NotFound
from accord.core.permissions import HasCapabilities, can, require
from accord.culture.models import (
    Campaign,
    Champion,
    ChampionActivity,
    Contact,
    ProgrammeTeam,
    RelationshipOwner,
    Stakeholder,
)

READ = "culture.read"
NOTES = "stakeholder.notes"


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


# Champions ----------------------------------------------------------------------------------------

def champions_visible_to(viewer: HasCapabilities, *, team: int | None = None,
                         active_on: date | None = None) -> QuerySet[Champion]:
    require(viewer, READ)
    qs = Champion.objects.select_related("person", "team").annotate(activity_count=Count("activities"))
    if team:
        qs = qs.filter(team_id=team)
    if active_on is not None:
        qs = qs.filter(appointed_on__lte=active_on).filter(Q(stepped_down_on__isnull=True)
                                                          | Q(stepped_down_on__gt=active_on))
    return qs


def champion_by_id(viewer: HasCapabilities, champion_id: int) -> Champion:
    champion = champions_visible_to(viewer).filter(pk=champion_id).first()
    if champion is None:
        raise NotFound("champion", champion_id)
    return champion


def activities_of(viewer: HasCapabilities, champion: Champion) -> QuerySet[ChampionActivity]:
    require(viewer, READ)
    return champion.activities.all()


def programme_team_ids() -> set[int]:
    return set(ProgrammeTeam.objects.values_list("team_id", flat=True))


@dataclass(frozen=True)
class TeamCoverage:
    team_id: int
    team: str
    champions: tuple[str, ...]  # the names of its active champions

    @property
    def covered(self) -> bool:
        return bool(self.champions)


@dataclass(frozen=True)
class Coverage:
    """Champion coverage on a day: programme teams with an active champion / programme teams."""

    as_of: date
    teams: tuple[TeamCoverage, ...]

    @property
    def total(self) -> int:
        return len(self.teams)

    @property
    def covered(self) -> int:
        return sum(1 for t in self.teams if t.covered)

    @property
    def percent(self) -> float | None:
        return _percent(self.covered, self.total)

    @property
    def uncovered(self) -> tuple[TeamCoverage, ...]:
        return tuple(t for t in self.teams if not t.covered)


def coverage(viewer: HasCapabilities, *, on: date | None = None) -> Coverage:
    """Each team of the programme with its champions active on the day (today by default)."""
    require(viewer, READ)
    day = on or clock.today()
    teams = ProgrammeTeam.objects.select_related("team").order_by("team__name")
    active: dict[int, list[str]] = {}
    for champion in champions_visible_to(viewer, active_on=day).order_by("person__name"):
        active.setdefault(champion.team_id, []).append(champion.person.name)
    return Coverage(as_of=day, teams=tuple(TeamCoverage(p.team_id, p.team.name, tuple(active.get(p.team_id, [])))
                                           for p in teams))


# Campaigns ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PhishingRates:
    """A campaign's phishing exercise: rates are of the recipients the email reached (delivered)."""

    delivered: int
    opened: int
    clicked: int
    submitted_data: int
    reported: int

    @property
    def click_rate(self) -> float | None:
        return _percent(self.clicked, self.delivered)

    @property
    def report_rate(self) -> float | None:
        return _percent(self.reported, self.delivered)

    @property
    def submit_rate(self) -> float | None:
        return _percent(self.submitted_data, self.delivered)


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    phishing: PhishingRates | None  # None: no results imported

    @property
    def completion_rate(self) -> float | None:
        c = self.campaign
        return None if c.training_completed is None else _percent(c.training_completed, c.audience_size)


def campaigns_visible_to(viewer: HasCapabilities) -> QuerySet[Campaign]:
    require(viewer, READ)
    delivered = Q(phishing_results__delivered=True)
    return Campaign.objects.annotate(
        n_results=Count("phishing_results"),
        n_delivered=Count("phishing_results", filter=delivered),
        n_opened=Count("phishing_results", filter=delivered & Q(phishing_results__opened=True)),
        n_clicked=Count("phishing_results", filter=delivered & Q(phishing_results__clicked=True)),
        n_submitted=Count("phishing_results", filter=delivered & Q(phishing_results__submitted_data=True)),
        n_reported=Count("phishing_results", filter=delivered & Q(phishing_results__reported=True)),
    )


def row_of(campaign: Campaign) -> CampaignRow:
    """A campaign read through `campaigns_visible_to` (its counts annotated) with its rates."""
    c: Campaign = campaign
    rates = None
    if getattr(c, "n_results", 0):
        rates = PhishingRates(delivered=c.n_delivered, opened=c.n_opened,  # type: ignore[attr-defined]
                              clicked=c.n_clicked, submitted_data=c.n_submitted,  # type: ignore[attr-defined]
                              reported=c.n_reported)  # type: ignore[attr-defined]
    return CampaignRow(c, rates)


def campaign_rows(viewer: HasCapabilities) -> list[CampaignRow]:
    """Every campaign, newest first, with its completion and phishing rates."""
    return [row_of(c) for c in campaigns_visible_to(viewer).order_by("-starts_on", "name")]


def campaign_by_id(viewer: HasCapabilities, campaign_id: int) -> CampaignRow:
    campaign = campaigns_visible_to(viewer).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound("campaign", campaign_id)
    return row_of(campaign)


def phishing_trend(viewer: HasCapabilities) -> list[CampaignRow]:
    """The campaigns whose phishing exercise reached someone, oldest first: rates over time."""
    return [r for r in reversed(campaign_rows(viewer)) if r.phishing is not None and r.phishing.delivered]


def latest_phishing(viewer: HasCapabilities) -> CampaignRow | None:
    """The most recent phishing exercise (by campaign start) that reached someone."""
    trend = phishing_trend(viewer)
    return trend[-1] if trend else None


# Stakeholders -------------------------------------------------------------------------------------

def _role_names(viewer: HasCapabilities) -> frozenset[str]:
    return getattr(viewer, "role_names", frozenset())


def keeps(viewer: HasCapabilities, stakeholder: Stakeholder) -> bool:
    return stakeholder.keeper_id is not None and stakeholder.keeper_id == getattr(viewer, "pk", None)


def can_read_notes(viewer: HasCapabilities, stakeholder: Stakeholder) -> bool:
    """Notes and contact summaries: the leaders (capability stakeholder.notes) and the relationship's keeper."""
    return can(viewer, NOTES) or keeps(viewer, stakeholder)


def can_log_contact(viewer: HasCapabilities, stakeholder: Stakeholder) -> bool:
    return can(viewer, "stakeholder.write") or keeps(viewer, stakeholder)


@dataclass(frozen=True)
class StakeholderRow:
    stakeholder: Stakeholder
    as_of: date
    notes_visible: bool

    @property
    def due_on(self) -> date | None:
        return self.stakeholder.next_contact_due

    @property
    def overdue(self) -> bool:
        return self.stakeholder.overdue_on(self.as_of)

    @property
    def days_overdue(self) -> int | None:
        """Days past the due day; None when never contacted (overdue without a due day) or not overdue."""
        due = self.due_on
        return (self.as_of - due).days if due is not None and due < self.as_of else None

    @property
    def notes(self) -> str | None:
        return self.stakeholder.notes if self.notes_visible else None


def stakeholders_visible_to(viewer: HasCapabilities) -> QuerySet[Stakeholder]:
    require(viewer, READ)
    return Stakeholder.objects.select_related("keeper", "person")


def stakeholder_rows(viewer: HasCapabilities, *, overdue_only: bool = False, owner: str = "") -> list[StakeholderRow]:
    """The stakeholder map as of today: overdue first (longest overdue first), then by next due day."""
    today = clock.today()
    qs = stakeholders_visible_to(viewer)
    if owner:
        qs = qs.filter(owner__in=(owner, RelationshipOwner.BOTH))
    rows = [StakeholderRow(s, today, can_read_notes(viewer, s)) for s in qs]
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    return sorted(rows, key=lambda r: (not r.overdue, r.due_on or date.min, r.stakeholder.name))


def stakeholder_by_id(viewer: HasCapabilities, stakeholder_id: int) -> StakeholderRow:
    stakeholder = stakeholders_visible_to(viewer).filter(pk=stakeholder_id).first()
    if stakeholder is None:
        raise NotFound("stakeholder", stakeholder_id)
    return StakeholderRow(stakeholder, clock.today(), can_read_notes(viewer, stakeholder))


def contacts_of(viewer: HasCapabilities, stakeholder: Stakeholder) -> QuerySet[Contact]:
    require(viewer, READ)
    return stakeholder.contacts.select_related("logged_by")


def overdue_contacts(viewer: HasCapabilities) -> list[StakeholderRow]:
    """For the home page: the overdue stakeholders whose relationship is the viewer's: the CISO's (and
    both leaders') for a CISO, the CIO's (and both) for a CIO, and those the viewer keeps."""
    if not can(viewer, READ):
        return []
    roles = _role_names(viewer)
    owners = {o for role, o in (("ciso", RelationshipOwner.CISO), ("cio", RelationshipOwner.CIO)) if role in roles}
    mine = Q(keeper_id=getattr(viewer, "pk", None))
    if owners:
        mine |= Q(owner__in=[*owners, RelationshipOwner.BOTH])
    today = clock.today()
    rows = [StakeholderRow(s, today, can_read_notes(viewer, s)) for s in stakeholders_visible_to(viewer).filter(mine)]
    return sorted((r for r in rows if r.overdue), key=lambda r: (r.due_on or date.min, r.stakeholder.name))


def overdue_count(viewer: HasCapabilities) -> tuple[int, int]:
    """(overdue stakeholders, stakeholders) across the whole map, as of today."""
    rows = stakeholder_rows(viewer)
    return sum(1 for r in rows if r.overdue), len(rows)
