"""Steering committee API: members, meetings and minutes, the agenda (build, add an item, announce),
decisions on the log with follow-up actions, the committee's settings, and the steering pack (its
document, a job that prints it, the PDF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, changes_of, file_download, paginate
from accord.core.permissions import Actor
from accord.org import selectors as org_selectors
from accord.steering import selectors, services
from accord.steering.schemas import (
    AgendaQuery,
    AnnounceOut,
    BuildOut,
    CloseIn,
    CommitteeDecisionOut,
    DecideIn,
    DecisionQuery,
    FollowUpIn,
    FollowUpOut,
    FollowUpQuery,
    ItemIn,
    ItemOut,
    MeetingIn,
    MeetingOut,
    MeetingQuery,
    MemberIn,
    MemberOut,
    MemberQuery,
    MinutesIn,
    PackDocumentOut,
    PackJobOut,
    PackOut,
    SettingsOut,
    SettingsPatch,
)

router = Router(tags=["steering"])
READ, WRITE, DECIDE = Capability("steering.read"), Capability("steering.write"), Capability("steering.decide")


# Members ---------------------------------------------------------------------------------------------

@router.get("/members", response={200: Page[MemberOut], **REFUSALS}, auth=READ)
def list_members(request: HttpRequest, query: Query[MemberQuery]) -> Any:
    qs = selectors.members_visible_to(acting_user(request), active_only=not query.include_former)
    return paginate(qs, page=query.page, page_size=query.page_size)


@router.post("/members", response={201: MemberOut, **REFUSALS}, auth=WRITE)
def add_member(request: HttpRequest, payload: MemberIn) -> Any:
    actor = acting_user(request)
    service = (org_selectors.service_by_id(actor, payload.business_service_id)
               if payload.business_service_id is not None else None)
    return Status(201, services.add_member(actor=actor, user=selectors.assignable_user("username", payload.username),
                                           seat=payload.seat, business_service=service))


@router.post("/members/{member_id}/leave", response={200: MemberOut, **REFUSALS}, auth=WRITE)
def remove_member(request: HttpRequest, member_id: DbId) -> Any:
    actor = acting_user(request)
    return services.remove_member(actor=actor, member=selectors.member_by_id(actor, member_id))


# Meetings ----------------------------------------------------------------------------------------------

@router.get("/meetings", response={200: Page[MeetingOut], **REFUSALS}, auth=READ)
def list_meetings(request: HttpRequest, query: Query[MeetingQuery]) -> Any:
    qs = selectors.meetings_visible_to(acting_user(request), status=query.status)
    return paginate(qs, page=query.page, page_size=query.page_size)


@router.post("/meetings", response={201: MeetingOut, **REFUSALS}, auth=WRITE)
def schedule_meeting(request: HttpRequest, payload: MeetingIn) -> Any:
    return Status(201, services.schedule_meeting(actor=acting_user(request), **payload.dict()))


def _next(actor: Actor) -> Any:
    from accord.core.errors import NotFound

    meeting = selectors.next_meeting(actor)
    if meeting is None:
        raise NotFound("meeting", "next")
    return meeting


@router.get("/meetings/next", response={200: MeetingOut, **REFUSALS}, auth=READ)
def get_next_meeting(request: HttpRequest) -> Any:
    """The earliest meeting still scheduled (404 when none is)."""
    return _next(acting_user(request))


@router.get("/meetings/{meeting_id}", response={200: MeetingOut, **REFUSALS}, auth=READ)
def get_meeting(request: HttpRequest, meeting_id: DbId) -> Any:
    return selectors.meeting_by_id(acting_user(request), meeting_id)


@router.post("/meetings/{meeting_id}/minutes", response={200: MeetingOut, **REFUSALS}, auth=WRITE)
def record_minutes(request: HttpRequest, meeting_id: DbId, payload: MinutesIn) -> Any:
    actor = acting_user(request)
    attendees = [selectors.assignable_user(f"attendees[{k}]", name) for k, name in enumerate(payload.attendees)]
    return services.record_minutes(actor=actor, meeting=selectors.meeting_by_id(actor, meeting_id),
                                   minutes=payload.minutes, attendees=attendees)


# The agenda --------------------------------------------------------------------------------------------

@router.get("/meetings/{meeting_id}/agenda", response={200: list[ItemOut], **REFUSALS}, auth=READ)
def agenda(request: HttpRequest, meeting_id: DbId, query: Query[AgendaQuery]) -> Any:
    """Every item of the meeting's agenda (open, decided, resolved), grouped by source."""
    actor = acting_user(request)
    items = list(selectors.items_of(actor, selectors.meeting_by_id(actor, meeting_id), status=query.status))
    return [item for group in selectors.grouped(items) for item in group.items]


@router.post("/meetings/{meeting_id}/agenda/build", response={200: BuildOut, **REFUSALS}, auth=WRITE)
def build_agenda(request: HttpRequest, meeting_id: DbId) -> Any:
    """Build or rebuild the agenda from every source; no duplicates, resolved matters marked."""
    actor = acting_user(request)
    meeting = selectors.meeting_by_id(actor, meeting_id)
    report = services.build_agenda(actor=actor, meeting=meeting)
    return {**report.__dict__, "items": list(selectors.items_of(actor, meeting))}


@router.post("/meetings/{meeting_id}/agenda/items", response={201: ItemOut, **REFUSALS}, auth=WRITE)
def add_item(request: HttpRequest, meeting_id: DbId, payload: ItemIn) -> Any:
    actor = acting_user(request)
    data = payload.dict()
    figures = [(f["label"], f["value"]) for f in data.pop("figures")]
    return Status(201, services.add_item(actor=actor, meeting=selectors.meeting_by_id(actor, meeting_id),
                                         figures=figures, **data))


@router.post("/meetings/{meeting_id}/agenda/announce", response={200: AnnounceOut, **REFUSALS}, auth=WRITE)
def announce(request: HttpRequest, meeting_id: DbId) -> Any:
    actor = acting_user(request)
    return {"recipients": services.announce_agenda(actor=actor, meeting=selectors.meeting_by_id(actor, meeting_id))}


@router.get("/items/{item_id}", response={200: ItemOut, **REFUSALS}, auth=READ)
def get_item(request: HttpRequest, item_id: DbId) -> Any:
    return selectors.item_by_id(acting_user(request), item_id)


# Decisions and follow-up actions ---------------------------------------------------------------------------

@router.post("/items/{item_id}/decision", response={201: CommitteeDecisionOut, **REFUSALS}, auth=DECIDE)
def decide(request: HttpRequest, item_id: DbId, payload: DecideIn) -> Any:
    """Record the committee's decision on an item (append-only: a second one names `reverses_id`)."""
    actor = acting_user(request)
    drafts = [services.FollowUpDraft(f.title, selectors.assignable_user(f"follow_ups[{k}].owner", f.owner), f.due_on)
              for k, f in enumerate(payload.follow_ups)]
    row = services.decide(actor=actor, item=selectors.item_by_id(actor, item_id), question=payload.question,
                          outcome=payload.outcome, rationale=payload.rationale, options=payload.options,
                          refer_to_board=payload.refer_to_board, reverses_id=payload.reverses_id, follow_ups=drafts)
    return Status(201, selectors.decision_document(row))


@router.get("/decisions", response={200: Page[CommitteeDecisionOut], **REFUSALS}, auth=READ)
def list_decisions(request: HttpRequest, query: Query[DecisionQuery]) -> Any:
    actor = acting_user(request)
    meeting = selectors.meeting_by_id(actor, query.meeting) if query.meeting is not None else None
    rows = selectors.committee_decisions(actor, meeting=meeting)
    start = (query.page - 1) * query.page_size
    return {"count": len(rows), "page": query.page, "page_size": query.page_size,
            "items": [selectors.decision_document(r) for r in rows[start:start + query.page_size]]}


@router.get("/decisions/{decision_id}", response={200: CommitteeDecisionOut, **REFUSALS}, auth=READ)
def get_decision(request: HttpRequest, decision_id: DbId) -> Any:
    return selectors.decision_document(selectors.committee_decision_by_id(acting_user(request), decision_id))


@router.post("/decisions/{decision_id}/follow-ups", response={201: FollowUpOut, **REFUSALS}, auth=DECIDE)
def add_follow_up(request: HttpRequest, decision_id: DbId, payload: FollowUpIn) -> Any:
    """An action any decision on the log calls for, with its owner and due date."""
    actor = acting_user(request)
    return Status(201, services.add_follow_up(actor=actor, decision_id=decision_id, title=payload.title,
                                              owner=selectors.assignable_user("owner", payload.owner),
                                              due_on=payload.due_on))


@router.get("/follow-ups", response={200: Page[FollowUpOut], **REFUSALS}, auth=READ)
def list_follow_ups(request: HttpRequest, query: Query[FollowUpQuery]) -> Any:
    from accord.core import clock

    actor = acting_user(request)
    qs = selectors.follow_ups_visible_to(actor, status=query.status, owner=actor if query.mine else None,
                                         overdue_on=clock.today() if query.overdue else None)
    return paginate(qs, page=query.page, page_size=query.page_size)


@router.post("/follow-ups/{follow_up_id}/close", response={200: FollowUpOut, **REFUSALS}, auth=READ)
def close_follow_up(request: HttpRequest, follow_up_id: DbId, payload: CloseIn) -> Any:
    """Mark an action done: its owner, or a holder of steering.decide."""
    actor = acting_user(request)
    return services.close_follow_up(actor=actor, follow_up=selectors.follow_up_by_id(actor, follow_up_id),
                                    note=payload.note)


# Settings ---------------------------------------------------------------------------------------------------

@router.get("/settings", response={200: SettingsOut, **REFUSALS}, auth=READ)
def get_settings(request: HttpRequest) -> Any:
    return selectors.committee_settings(acting_user(request))


@router.patch("/settings", response={200: SettingsOut, **REFUSALS}, auth=WRITE)
def patch_settings(request: HttpRequest, payload: SettingsPatch) -> Any:
    changes = {k: v for k, v in changes_of(payload).items() if v is not None}
    return services.update_settings(actor=acting_user(request), **changes)


# The steering pack ---------------------------------------------------------------------------------------------

@router.get("/meetings/{meeting_id}/pack", response={200: PackDocumentOut, **REFUSALS}, auth=READ)
def pack_document(request: HttpRequest, meeting_id: DbId) -> Any:
    """The figures the steering pack prints: the open agenda items grouped by source, the open
    follow-up actions, the partnership trend."""
    actor = acting_user(request)
    return selectors.pack_document(actor, selectors.meeting_by_id(actor, meeting_id))


@router.post("/meetings/{meeting_id}/pack", response={202: PackJobOut, **REFUSALS}, auth=WRITE)
def print_pack(request: HttpRequest, meeting_id: DbId) -> Any:
    """Print the steering pack as a job; the job's result names the PDF."""
    from accord.jobs.services import start_job

    actor = acting_user(request)
    meeting = selectors.meeting_by_id(actor, meeting_id)
    job = start_job(actor=actor, kind="steering.pack", title=f"Steering pack for {meeting.title}",
                    args={"meeting": meeting.pk})
    return Status(202, {"job_id": job.pk, "status": job.status, "url": f"/jobs/{job.pk}/"})


@router.get("/meetings/{meeting_id}/packs", response={200: list[PackOut], **REFUSALS}, auth=READ)
def list_packs(request: HttpRequest, meeting_id: DbId) -> Any:
    actor = acting_user(request)
    return list(selectors.packs_of(actor, selectors.meeting_by_id(actor, meeting_id)))


@router.get("/packs/{pack_id}/pdf", response=REFUSALS, auth=READ,
            openapi_extra=file_download("application/pdf", description="The steering pack as PDF"))
def pack_pdf(request: HttpRequest, pack_id: DbId) -> Any:
    pack = selectors.pack_by_id(acting_user(request), pack_id)
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="steering-pack-{pack.pk}.pdf"'
    return response
