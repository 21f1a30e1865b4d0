"""Culture API: champion coverage and the programme's teams, champions and their activities, awareness
campaigns with the phishing-results import (`POST /campaigns/{id}/phishing`, multipart `file`), and the
stakeholder map with contacts. Stakeholder notes come back as null unless the caller may read them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status, UploadedFile

from accord.accounts import selectors as account_selectors
from accord.core import clock
from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, changes_of, paginate
from accord.core.csv_files import read_upload
from accord.core.permissions import Actor
from accord.culture import selectors, services
from accord.culture.documents import (
    campaign_document,
    champion_document,
    contact_document,
    coverage_document,
    phishing_document,
    stakeholder_document,
)
from accord.culture.schemas import (
    ActivityIn,
    ActivityOut,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    ChampionIn,
    ChampionOut,
    ChampionQuery,
    ContactIn,
    ContactOut,
    CoverageOut,
    PhishingImportOut,
    ProgrammeTeamIn,
    StakeholderIn,
    StakeholderOut,
    StakeholderPatch,
    StakeholderQuery,
    StepDownIn,
)
from accord.org import selectors as org_selectors

router = Router(tags=["culture"])
READ, WRITE = Capability("culture.read"), Capability("culture.write")
STAKEHOLDER_WRITE = Capability("stakeholder.write")


# Champions ------------------------------------------------------------------------------------------

@router.get("/coverage", response={200: CoverageOut, **REFUSALS}, auth=READ)
def get_coverage(request: HttpRequest) -> Any:
    return coverage_document(selectors.coverage(acting_user(request)))


@router.post("/programme-teams", response={200: CoverageOut, **REFUSALS}, auth=WRITE)
def add_programme_team(request: HttpRequest, payload: ProgrammeTeamIn) -> Any:
    actor = acting_user(request)
    services.add_programme_team(actor=actor, team=org_selectors.team_by_id(actor, payload.team_id))
    return coverage_document(selectors.coverage(actor))


@router.delete("/programme-teams/{team_id}", response={200: CoverageOut, **REFUSALS}, auth=WRITE)
def remove_programme_team(request: HttpRequest, team_id: DbId) -> Any:
    actor = acting_user(request)
    services.remove_programme_team(actor=actor, team=org_selectors.team_by_id(actor, team_id))
    return coverage_document(selectors.coverage(actor))


@router.get("/champions", response={200: Page[ChampionOut], **REFUSALS}, auth=READ)
def list_champions(request: HttpRequest, query: Query[ChampionQuery]) -> Any:
    actor = acting_user(request)
    qs = selectors.champions_visible_to(actor, team=query.team)
    if query.active is not None:
        active_ids = selectors.champions_visible_to(actor, active_on=clock.today()).values("pk")
        qs = qs.filter(pk__in=active_ids) if query.active else qs.exclude(pk__in=active_ids)
    page = paginate(qs, page=query.page, page_size=query.page_size)
    return {**page, "items": [champion_document(c) for c in page["items"]]}


@router.get("/champions/{champion_id}", response={200: ChampionOut, **REFUSALS}, auth=READ)
def get_champion(request: HttpRequest, champion_id: DbId) -> Any:
    return champion_document(selectors.champion_by_id(acting_user(request), champion_id))


@router.post("/champions", response={201: ChampionOut, **REFUSALS}, auth=WRITE)
def appoint_champion(request: HttpRequest, payload: ChampionIn) -> Any:
    actor = acting_user(request)
    team = org_selectors.team_by_id(actor, payload.team_id) if payload.team_id else None
    champion = services.appoint_champion(actor=actor, person=org_selectors.person_by_id(actor, payload.person_id),
                                         team=team, appointed_on=payload.appointed_on, focus=payload.focus)
    return Status(201, champion_document(selectors.champion_by_id(actor, champion.pk)))


@router.post("/champions/{champion_id}/step-down", response={200: ChampionOut, **REFUSALS}, auth=WRITE)
def step_down(request: HttpRequest, champion_id: DbId, payload: StepDownIn) -> Any:
    actor = acting_user(request)
    champion = services.step_down_champion(actor=actor, champion=selectors.champion_by_id(actor, champion_id),
                                           on=payload.on)
    return champion_document(selectors.champion_by_id(actor, champion.pk))


@router.get("/champions/{champion_id}/activities", response={200: list[ActivityOut], **REFUSALS}, auth=READ)
def list_activities(request: HttpRequest, champion_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.activities_of(actor, selectors.champion_by_id(actor, champion_id))


@router.post("/champions/{champion_id}/activities", response={201: ActivityOut, **REFUSALS}, auth=WRITE)
def log_activity(request: HttpRequest, champion_id: DbId, payload: ActivityIn) -> Any:
    actor = acting_user(request)
    return Status(201, services.log_champion_activity(
        actor=actor, champion=selectors.champion_by_id(actor, champion_id), **payload.dict()))


# Campaigns ------------------------------------------------------------------------------------------

@router.get("/campaigns", response={200: list[CampaignOut], **REFUSALS}, auth=READ)
def list_campaigns(request: HttpRequest) -> Any:
    return [campaign_document(r) for r in selectors.campaign_rows(acting_user(request))]


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **REFUSALS}, auth=READ)
def get_campaign(request: HttpRequest, campaign_id: DbId) -> Any:
    return campaign_document(selectors.campaign_by_id(acting_user(request), campaign_id))


@router.post("/campaigns", response={201: CampaignOut, **REFUSALS}, auth=WRITE)
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Any:
    actor = acting_user(request)
    campaign = services.create_campaign(actor=actor, **payload.dict())
    return Status(201, campaign_document(selectors.campaign_by_id(actor, campaign.pk)))


@router.patch("/campaigns/{campaign_id}", response={200: CampaignOut, **REFUSALS}, auth=WRITE)
def update_campaign(request: HttpRequest, campaign_id: DbId, payload: CampaignPatch) -> Any:
    actor = acting_user(request)
    row = selectors.campaign_by_id(actor, campaign_id)
    services.update_campaign(actor=actor, campaign=row.campaign, **changes_of(payload))
    return campaign_document(selectors.campaign_by_id(actor, campaign_id))


@router.post("/campaigns/{campaign_id}/phishing", response={200: PhishingImportOut, **REFUSALS}, auth=WRITE)
def import_phishing(request: HttpRequest, campaign_id: DbId, file: File[UploadedFile]) -> Any:
    actor = acting_user(request)
    row = selectors.campaign_by_id(actor, campaign_id)
    filename = file.name or "results.csv"
    report = services.import_phishing_results(actor=actor, campaign=row.campaign, raw=read_upload(file, filename),
                                              filename=filename)
    return {"campaign_id": campaign_id, "layout": report.layout, "recipients": report.recipients,
            "replaced": report.replaced,
            "phishing": phishing_document(selectors.campaign_by_id(actor, campaign_id).phishing)}


# Stakeholders ---------------------------------------------------------------------------------------

def _stakeholder_fields(actor: Actor, payload: dict[str, Any]) -> dict[str, Any]:
    """Ids and usernames become the rows they name (an unknown one answers 404)."""
    fields = dict(payload)
    if "person_id" in fields:
        person_id = fields.pop("person_id")
        fields["person"] = org_selectors.person_by_id(actor, person_id) if person_id else None
    if "keeper" in fields:
        keeper = fields["keeper"]
        fields["keeper"] = account_selectors.user_by_username(actor, keeper) if keeper else None
    return fields


@router.get("/stakeholders", response={200: list[StakeholderOut], **REFUSALS}, auth=READ)
def list_stakeholders(request: HttpRequest, query: Query[StakeholderQuery]) -> Any:
    rows = selectors.stakeholder_rows(acting_user(request), overdue_only=query.overdue, owner=query.owner)
    return [stakeholder_document(r) for r in rows]


@router.get("/stakeholders/overdue/mine", response={200: list[StakeholderOut], **REFUSALS}, auth=READ)
def my_overdue_contacts(request: HttpRequest) -> Any:
    """The overdue contacts of the caller's own relationships (the home page's list)."""
    return [stakeholder_document(r) for r in selectors.overdue_contacts(acting_user(request))]


@router.get("/stakeholders/{stakeholder_id}", response={200: StakeholderOut, **REFUSALS}, auth=READ)
def get_stakeholder(request: HttpRequest, stakeholder_id: DbId) -> Any:
    return stakeholder_document(selectors.stakeholder_by_id(acting_user(request), stakeholder_id))


@router.post("/stakeholders", response={201: StakeholderOut, **REFUSALS}, auth=STAKEHOLDER_WRITE)
def create_stakeholder(request: HttpRequest, payload: StakeholderIn) -> Any:
    actor = acting_user(request)
    stakeholder = services.create_stakeholder(actor=actor, **_stakeholder_fields(actor, payload.dict()))
    return Status(201, stakeholder_document(selectors.stakeholder_by_id(actor, stakeholder.pk)))


@router.patch("/stakeholders/{stakeholder_id}", response={200: StakeholderOut, **REFUSALS}, auth=STAKEHOLDER_WRITE)
def update_stakeholder(request: HttpRequest, stakeholder_id: DbId, payload: StakeholderPatch) -> Any:
    actor = acting_user(request)
    row = selectors.stakeholder_by_id(actor, stakeholder_id)
    services.update_stakeholder(actor=actor, stakeholder=row.stakeholder,
                                **_stakeholder_fields(actor, changes_of(payload)))
    return stakeholder_document(selectors.stakeholder_by_id(actor, stakeholder_id))


@router.get("/stakeholders/{stakeholder_id}/contacts", response={200: list[ContactOut], **REFUSALS}, auth=READ)
def list_contacts(request: HttpRequest, stakeholder_id: DbId) -> Any:
    actor = acting_user(request)
    row = selectors.stakeholder_by_id(actor, stakeholder_id)
    return [contact_document(c, row.notes_visible) for c in selectors.contacts_of(actor, row.stakeholder)]


@router.post("/stakeholders/{stakeholder_id}/contacts", response={201: StakeholderOut, **REFUSALS}, auth=READ)
def log_contact(request: HttpRequest, stakeholder_id: DbId, payload: ContactIn) -> Any:
    """Log a conversation (stakeholder.write, or the relationship's keeper); answers the stakeholder as now."""
    actor = acting_user(request)
    row = selectors.stakeholder_by_id(actor, stakeholder_id)
    services.log_contact(actor=actor, stakeholder=row.stakeholder, **payload.dict())
    return Status(201, stakeholder_document(selectors.stakeholder_by_id(actor, stakeholder_id)))
