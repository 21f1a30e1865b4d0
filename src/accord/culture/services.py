"""Every write of the culture app: a mandatory actor, one transaction, an audit row.

Stakeholder notes and contact summaries are sensitive (docs/culture.md): the audit rows of those writes
say that the text changed, never what it says, because auditors read the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from accord.core import audit, clock
from accord.core.crud import create_row, update_row, validate
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import Actor, require
from accord.culture import selectors
from accord.culture.models import (
    Campaign,
    Champion,
    ChampionActivity,
    Contact,
    PhishingResult,
    ProgrammeTeam,
    Stakeholder,
)
from accord.culture.phishing import read_results
from accord.org.models import Person, Team

WRITE = "culture.write"
STAKEHOLDER_WRITE = "stakeholder.write"
SENSITIVE = ("notes",)


def _not_in_future(field: str, day: date | None) -> None:
    if day is not None and day > clock.today():
        raise ValidationFailed.field(field, f"{day} is in the future")


# The programme and its champions --------------------------------------------------------------------

@transaction.atomic
def add_programme_team(*, actor: Actor, team: Team) -> ProgrammeTeam:
    """Put an IT team in the champions programme, so coverage counts it."""
    require(actor, WRITE)
    row, created = ProgrammeTeam.objects.get_or_create(team=team)
    if created:
        audit.record(actor, "culture.team_added", row, after={"team_id": team.pk})
    return row


@transaction.atomic
def remove_programme_team(*, actor: Actor, team: Team) -> None:
    require(actor, WRITE)
    row = ProgrammeTeam.objects.filter(team=team).first()
    if row is None:
        raise ValidationFailed.field("team", f"{team} is not in the champions programme")
    audit.record(actor, "culture.team_removed", row, before={"team_id": team.pk})
    row.delete()


def appoint_champion(*, actor: Actor, person: Person, appointed_on: date, team: Team | None = None,
                     focus: str = "") -> Champion:
    """Appoint a champion for a team (the person's own team unless another is named)."""
    require(actor, WRITE)
    chosen = team or person.team
    if chosen is None:
        raise ValidationFailed.field("team", f"{person} has no team in the directory; name the team they champion")
    _not_in_future("appointed_on", appointed_on)
    return create_row(actor=actor, model=Champion, capability=WRITE,
                      fields={"person": person, "team": chosen, "appointed_on": appointed_on, "focus": focus})


def step_down_champion(*, actor: Actor, champion: Champion, on: date) -> Champion:
    """The champion stops on `on`: from that day they no longer cover their team."""
    if champion.stepped_down_on is not None:
        raise ValidationFailed.field("stepped_down_on", f"{champion} already stepped down on {champion.stepped_down_on}")
    _not_in_future("stepped_down_on", on)
    return update_row(actor=actor, instance=champion, capability=WRITE, changes={"stepped_down_on": on})


def log_champion_activity(*, actor: Actor, champion: Champion, kind: str, title: str, on: date,
                          hours: Decimal | float = 0) -> ChampionActivity:
    """Record a training the champion received or something they did for security in their team."""
    _not_in_future("on", on)
    return create_row(actor=actor, model=ChampionActivity, capability=WRITE,
                      fields={"champion": champion, "kind": kind, "title": title.strip(), "on": on,
                              "hours": Decimal(str(hours))})


# Campaigns ---------------------------------------------------------------------------------------------

def create_campaign(*, actor: Actor, **fields: Any) -> Campaign:
    return create_row(actor=actor, model=Campaign, capability=WRITE, fields=fields)


def update_campaign(*, actor: Actor, campaign: Campaign, **changes: Any) -> Campaign:
    return update_row(actor=actor, instance=campaign, capability=WRITE, changes=changes)


@dataclass(frozen=True)
class PhishingImport:
    campaign: Campaign
    layout: str
    recipients: int
    replaced: int  # results of an earlier import of this campaign that the file replaced


@transaction.atomic
def import_phishing_results(*, actor: Actor, campaign: Campaign, raw: bytes, filename: str) -> PhishingImport:
    """Replace the campaign's phishing results with the file's: all rows or none. A later, fuller export
    of the same exercise is imported again over the first."""
    require(actor, WRITE)
    layout, recipients = read_results(raw, filename)
    replaced, _ = PhishingResult.objects.filter(campaign=campaign).delete()
    PhishingResult.objects.bulk_create(
        PhishingResult(campaign=campaign, email=r.email, delivered=r.delivered, opened=r.opened, clicked=r.clicked,
                       submitted_data=r.submitted_data, reported=r.reported, sent_at=r.sent_at)
        for r in recipients)
    before = {"phishing_source": campaign.phishing_source, "phishing_format": campaign.phishing_format}
    campaign.phishing_source, campaign.phishing_format = filename[:200], layout
    campaign.save(update_fields=["phishing_source", "phishing_format", "updated_at"])
    rates = selectors.campaign_by_id(actor, campaign.pk).phishing
    audit.record(actor, "campaign.phishing_imported", campaign, before={**before, "recipients": replaced},
                 after={"phishing_source": campaign.phishing_source, "phishing_format": layout,
                        "recipients": len(recipients),
                        "delivered": rates.delivered if rates else 0,
                        "clicked": rates.clicked if rates else 0,
                        "reported": rates.reported if rates else 0})
    return PhishingImport(campaign, layout, len(recipients), replaced)


# Stakeholders ------------------------------------------------------------------------------------------

def _stakeholder_snapshot(stakeholder: Stakeholder) -> dict[str, Any]:
    data = audit.snapshot(stakeholder, exclude=SENSITIVE)
    data["notes_length"] = len(stakeholder.notes or "")  # says the notes changed without saying what they say
    return data


def _save_stakeholder(stakeholder: Stakeholder) -> None:
    validate(stakeholder)
    try:
        with transaction.atomic():
            stakeholder.save()
    except IntegrityError:
        raise ValidationFailed.field("name", "a stakeholder with this name and role exists already") from None


_STAKEHOLDER_FIELDS = frozenset({"name", "role", "person", "priorities", "influence", "preferred_channel", "owner",
                                 "keeper", "cadence_days", "last_contact_on", "notes"})


def _assign(stakeholder: Stakeholder, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in _STAKEHOLDER_FIELDS:
            raise ValidationFailed.field(name, "unknown field")
        setattr(stakeholder, name, value.strip() if isinstance(value, str) else value)
    _not_in_future("last_contact_on", stakeholder.last_contact_on)


@transaction.atomic
def create_stakeholder(*, actor: Actor, **fields: Any) -> Stakeholder:
    require(actor, STAKEHOLDER_WRITE)
    stakeholder = Stakeholder()
    _assign(stakeholder, fields)
    _save_stakeholder(stakeholder)
    audit.record(actor, "stakeholder.created", stakeholder, after=_stakeholder_snapshot(stakeholder))
    return stakeholder


@transaction.atomic
def update_stakeholder(*, actor: Actor, stakeholder: Stakeholder, **changes: Any) -> Stakeholder:
    require(actor, STAKEHOLDER_WRITE)
    before = _stakeholder_snapshot(stakeholder)
    _assign(stakeholder, changes)
    _save_stakeholder(stakeholder)
    audit.record_change(actor, "stakeholder.updated", stakeholder, before, _stakeholder_snapshot(stakeholder))
    return stakeholder


@transaction.atomic
def log_contact(*, actor: Actor, stakeholder: Stakeholder, on: date, channel: str, summary: str = "") -> Contact:
    """Record a conversation; the stakeholder's last contact moves to its day when that is later. The
    leaders (stakeholder.write) log contacts with anyone; a keeper with the stakeholders they keep."""
    if not selectors.can_log_contact(actor, stakeholder):
        raise NotAllowed(STAKEHOLDER_WRITE)
    _not_in_future("on", on)
    contact = Contact(stakeholder=stakeholder, on=on, channel=channel, summary=summary.strip(), logged_by_id=actor.pk)
    validate(contact)
    contact.save()
    before = stakeholder.last_contact_on
    if before is None or on > before:
        stakeholder.last_contact_on = on
        stakeholder.save(update_fields=["last_contact_on", "updated_at"])
    audit.record(actor, "stakeholder.contact_logged", stakeholder, before={"last_contact_on": before},
                 after={"contact_id": contact.pk, "on": on, "channel": channel,
                        "summary_length": len(contact.summary), "last_contact_on": stakeholder.last_contact_on})
    return contact
