"""Reviews API: the roadmap (projects, CSV import and export), reviews with their SLA clocks and
workflow steps, conditions, the queues, escalations, metrics, the SLA policy and calendar, and the
pipeline gate (`POST /gate`, multipart: `project` and a SARIF `file`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, Text, file_download, paginate
from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor
from accord.org import selectors as org_selectors
from accord.reviews import selectors, services
from accord.reviews.clocks import hours_per_day, zone_name
from accord.reviews.models import Review
from accord.reviews.schemas import (
    AnswerIn,
    CalendarOut,
    CalendarPatch,
    CloseConditionIn,
    ConditionIn,
    ConditionOut,
    DecideIn,
    EscalationOut,
    GateOut,
    ImportReportOut,
    MetricsOut,
    MetricsQuery,
    NoteIn,
    PolicyOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ProjectQuery,
    QuestionIn,
    RequestIn,
    ReviewDetailOut,
    ReviewOut,
    ReviewQuery,
    SlaOut,
    SlaProposalIn,
    TierIn,
    TriageIn,
)
from accord.reviews.tiers import RULES, tier_table

router = Router(tags=["reviews"])
READ, REQUEST, WRITE = Capability("review.read"), Capability("review.request"), Capability("review.write")
POLICY = Capability("sla.policy")


def _review(row: selectors.ReviewRow, *, detail: bool = False, viewer: Actor | None = None) -> dict[str, Any]:
    out = selectors.review_document(row)
    if detail and viewer is not None:
        out["timeline"] = selectors.timeline_of(viewer, row.review)
        out["conditions"] = list(selectors.conditions_of(viewer, row.review))
    return out


def _one(viewer: Actor, review: Review) -> dict[str, Any]:
    review = selectors.review_by_id(viewer, review.pk)
    return _review(selectors.rows_of([review])[0], detail=True, viewer=viewer)


# Projects ---------------------------------------------------------------------------------------------

def _project_fields(actor: Actor, payload: dict[str, Any]) -> dict[str, Any]:
    """Ids of people and services become rows the viewer may see (an unknown id answers 404)."""
    fields = dict(payload)
    for key, lookup in (("owner_id", org_selectors.person_by_id), ("sponsor_id", org_selectors.person_by_id),
                        ("business_service_id", org_selectors.service_by_id)):
        if key in fields:
            value = fields.pop(key)
            fields[key.removesuffix("_id")] = lookup(actor, value) if value is not None else None
    if fields.get("slug") is None:
        fields.pop("slug", None)
    return fields


@router.get("/projects", response={200: Page[ProjectOut], **REFUSALS}, auth=READ)
def list_projects(request: HttpRequest, query: Query[ProjectQuery]) -> Any:
    filters = selectors.ProjectFilter(q=query.q, status=query.status, classification=query.classification,
                                      mine=query.mine)
    return paginate(selectors.projects_visible_to(acting_user(request), filters), page=query.page,
                    page_size=query.page_size)


@router.post("/projects", response={201: ProjectOut, **REFUSALS}, auth=REQUEST)
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    actor = acting_user(request)
    return Status(201, services.create_project(actor=actor, **_project_fields(actor, payload.dict())))


@router.post("/projects/import", response={200: ImportReportOut, **REFUSALS}, auth=REQUEST)
def import_projects(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """A CSV of projects (see docs/reviews.md): all rows or none; each problem names its line and column."""
    return services.import_projects_csv(actor=acting_user(request), file=file, filename=file.name or "projects.csv")


@router.get("/projects/export", response=REFUSALS, auth=READ,
            openapi_extra=file_download("text/csv", description="The IT projects as CSV"))
def export_projects(request: HttpRequest) -> Any:
    """The roadmap as CSV (the import's columns)."""
    text = services.export_projects_csv(actor=acting_user(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="it-projects.csv"'
    return response


@router.get("/projects/{key}", response={200: ProjectOut, **REFUSALS}, auth=READ)
def get_project(request: HttpRequest, key: Text) -> Any:
    return selectors.project_by_key(acting_user(request), key)


@router.patch("/projects/{key}", response={200: ProjectOut, **REFUSALS}, auth=REQUEST)
def update_project(request: HttpRequest, key: Text, payload: ProjectPatch) -> Any:
    actor = acting_user(request)
    project = selectors.project_by_key(actor, key)
    changes = _project_fields(actor, payload.dict(exclude_unset=True))
    return services.update_project(actor=actor, project=project, **changes)


# The tier table, the SLA policy and the calendar ---------------------------------------------------------

def _calendar(row: Any) -> dict[str, Any]:
    return {"zone": zone_name(), "country": row.country, "subdivision": row.subdivision, "day_start": row.day_start,
            "day_end": row.day_end, "workdays": row.weekdays(), "hours_per_day": hours_per_day(row)}


@router.get("/sla", response={200: SlaOut, **REFUSALS}, auth=READ)
def sla(request: HttpRequest) -> Any:
    """The SLA per tier in force (business days and hours), a pending proposal, the tier table and the
    working calendar clocks count in."""
    state = selectors.sla_policy_state(acting_user(request))
    return {"days": state.days, "hours": state.hours, "hours_per_day": state.hours_per_day, "active": state.active,
            "pending": state.pending, "rules": [{"text": r.text, "tier": r.tier} for r in RULES],
            "table": tier_table(), "calendar": _calendar(state.settings)}


@router.post("/sla/proposals", response={201: PolicyOut, **REFUSALS}, auth=POLICY)
def propose_sla(request: HttpRequest, payload: SlaProposalIn) -> Any:
    """The CISO or the CIO proposes business days per tier; in force when the other one confirms."""
    return Status(201, services.propose_review_sla(actor=acting_user(request), **payload.dict()))


@router.post("/sla/proposals/{policy_id}/confirm", response={200: PolicyOut, **REFUSALS}, auth=POLICY)
def confirm_sla(request: HttpRequest, policy_id: DbId) -> Any:
    actor = acting_user(request)
    return services.confirm_review_sla(actor=actor, policy=selectors.sla_policy_by_id(actor, policy_id))


@router.post("/sla/proposals/{policy_id}/withdraw", response={200: PolicyOut, **REFUSALS}, auth=POLICY)
def withdraw_sla(request: HttpRequest, policy_id: DbId) -> Any:
    actor = acting_user(request)
    return services.withdraw_review_sla(actor=actor, policy=selectors.sla_policy_by_id(actor, policy_id))


@router.patch("/calendar", response={200: CalendarOut, **REFUSALS}, auth=POLICY)
def update_calendar(request: HttpRequest, payload: CalendarPatch) -> Any:
    """The working calendar of review clocks: public holidays of a country (and subdivision), hours, weekdays."""
    row = services.update_calendar(actor=acting_user(request), **payload.dict(exclude_unset=True))
    return _calendar(row)


# Reviews ----------------------------------------------------------------------------------------------

@router.get("/queue", response={200: list[ReviewOut], **REFUSALS}, auth=READ)
def my_queue(request: HttpRequest) -> Any:
    """What the caller must act on (as a reviewer, or as a requester asked a question), most urgent first."""
    return [_review(row) for row in selectors.queue_for(acting_user(request))]


@router.get("/mine", response={200: list[ReviewOut], **REFUSALS}, auth=READ)
def mine(request: HttpRequest) -> Any:
    """The reviews of the projects the caller owns or sponsors, or asked for, with their clocks."""
    return [_review(row) for row in selectors.reviews_of_owner(acting_user(request))]


@router.get("/escalations", response={200: list[EscalationOut], **REFUSALS}, auth=READ)
def escalations(request: HttpRequest) -> Any:
    """The steering committee's queue: open reviews past their SLA, and standing rejections."""
    return [{"kind": e.kind, "review_id": e.review.pk, "project": e.project.slug, "project_name": e.project.name,
             "reason": e.reason, "since": e.since, "url": e.url} for e in selectors.escalations(acting_user(request))]


@router.get("/metrics", response={200: MetricsOut, **REFUSALS}, auth=READ)
def metrics(request: HttpRequest, query: Query[MetricsQuery]) -> Any:
    m = selectors.metrics(acting_user(request), since=query.since)
    return {**m.__dict__, "attainment": m.attainment, "rework_rate": m.rework_rate,
            "tiers": [{**t.__dict__, "attainment": t.attainment, "median_hours": t.median_hours} for t in m.tiers]}


@router.post("/gate", response={200: GateOut, **REFUSALS}, auth=READ)
def gate(request: HttpRequest, file: File[UploadedFile], project: Form[str]) -> Any:
    """The pipeline gate: pass or fail a SARIF 2.1.0 file under the project's policy, with reasons.
    Needs review.request or review.write (the service checks; any reader gets past the door)."""
    actor = acting_user(request)
    return services.run_gate(actor=actor, project=selectors.project_by_key(actor, project), file=file,
                             filename=file.name or "scan.sarif")


@router.get("/gate/runs", response={200: list[GateOut], **REFUSALS}, auth=READ)
def gate_runs(request: HttpRequest, project: Text) -> Any:
    actor = acting_user(request)
    return list(selectors.gate_runs_of(actor, selectors.project_by_key(actor, project))[:100])


@router.get("/conditions/mine", response={200: list[ConditionOut], **REFUSALS}, auth=READ)
def my_conditions(request: HttpRequest) -> Any:
    """Open conditions whose owner is the caller's entry in the directory."""
    return list(selectors.open_conditions_of_owner(acting_user(request)))


@router.post("/conditions/{condition_id}/close", response={200: ConditionOut, **REFUSALS}, auth=READ)
def close_condition(request: HttpRequest, condition_id: DbId, payload: CloseConditionIn) -> Any:
    """Met (a reviewer, or the condition's owner) or waived (a reviewer, saying why)."""
    actor = acting_user(request)
    return services.close_condition(actor=actor, condition=selectors.condition_by_id(actor, condition_id),
                                    status=payload.status, note=payload.note)


@router.get("/", response={200: Page[ReviewOut], **REFUSALS}, auth=READ)
def list_reviews(request: HttpRequest, query: Query[ReviewQuery]) -> Any:
    actor = acting_user(request)
    project = selectors.project_by_key(actor, query.project) if query.project else None
    reviews = selectors.reviews_visible_to(actor, state=query.state, project=project, open_only=query.open)
    page = paginate(reviews, page=query.page, page_size=query.page_size)
    page["items"] = [_review(row) for row in selectors.rows_of(page["items"])]
    return page


@router.post("/", response={201: ReviewDetailOut, **REFUSALS}, auth=REQUEST)
def request_review(request: HttpRequest, payload: RequestIn) -> Any:
    """Ask for a security review of a project; the tier follows the tier table unless another is
    chosen with a reason. Its SLA clock starts now."""
    actor = acting_user(request)
    review = services.request_review(actor=actor, project=selectors.project_by_key(actor, payload.project),
                                     scope=payload.scope, tier=payload.tier, tier_reason=payload.tier_reason)
    return Status(201, _one(actor, review))


@router.get("/{review_id}", response={200: ReviewDetailOut, **REFUSALS}, auth=READ)
def get_review(request: HttpRequest, review_id: DbId) -> Any:
    actor = acting_user(request)
    return _one(actor, selectors.review_by_id(actor, review_id))


def _reviewer(username: str | None) -> Any:
    if not username:
        return None
    found = next((u for u in selectors.reviewers() if u.username == username), None)
    if found is None:
        raise ValidationFailed.field("reviewer", f"{username!r} is not an active user who runs reviews")
    return found


@router.post("/{review_id}/triage", response={200: ReviewDetailOut, **REFUSALS}, auth=WRITE)
def triage(request: HttpRequest, review_id: DbId, payload: TriageIn) -> Any:
    actor = acting_user(request)
    review = services.triage_review(actor=actor, review=selectors.review_by_id(actor, review_id), tier=payload.tier,
                                    tier_reason=payload.tier_reason, reviewer=_reviewer(payload.reviewer),
                                    note=payload.note)
    return _one(actor, review)


@router.post("/{review_id}/start", response={200: ReviewDetailOut, **REFUSALS}, auth=WRITE)
def start(request: HttpRequest, review_id: DbId, payload: NoteIn) -> Any:
    actor = acting_user(request)
    return _one(actor, services.start_review(actor=actor, review=selectors.review_by_id(actor, review_id),
                                             note=payload.note))


@router.post("/{review_id}/ask", response={200: ReviewDetailOut, **REFUSALS}, auth=WRITE)
def ask(request: HttpRequest, review_id: DbId, payload: QuestionIn) -> Any:
    """Put the review on hold for the requester (its clock pauses)."""
    actor = acting_user(request)
    return _one(actor, services.ask_requester(actor=actor, review=selectors.review_by_id(actor, review_id),
                                              question=payload.question))


@router.post("/{review_id}/answer", response={200: ReviewDetailOut, **REFUSALS}, auth=REQUEST)
def answer(request: HttpRequest, review_id: DbId, payload: AnswerIn) -> Any:
    """The requester (or the project's owner or sponsor) answers; the clock runs again."""
    actor = acting_user(request)
    return _one(actor, services.answer_requester(actor=actor, review=selectors.review_by_id(actor, review_id),
                                                 answer=payload.answer))


@router.post("/{review_id}/tier", response={200: ReviewDetailOut, **REFUSALS}, auth=WRITE)
def change_tier(request: HttpRequest, review_id: DbId, payload: TierIn) -> Any:
    actor = acting_user(request)
    return _one(actor, services.change_tier(actor=actor, review=selectors.review_by_id(actor, review_id),
                                            tier=payload.tier, reason=payload.reason))


def _conditions(actor: Actor, items: list[ConditionIn]) -> list[services.NewCondition]:
    return [services.NewCondition(c.text, org_selectors.person_by_id(actor, c.owner_id), c.due_on) for c in items]


@router.post("/{review_id}/decide", response={200: ReviewDetailOut, **REFUSALS}, auth=WRITE)
def decide(request: HttpRequest, review_id: DbId, payload: DecideIn) -> Any:
    """Approve, approve with conditions (each with an owner and a due day) or reject (saying why)."""
    actor = acting_user(request)
    review = services.decide_review(actor=actor, review=selectors.review_by_id(actor, review_id),
                                    outcome=payload.outcome, note=payload.note,
                                    conditions=_conditions(actor, payload.conditions))
    return _one(actor, review)


@router.post("/{review_id}/conditions", response={201: ConditionOut, **REFUSALS}, auth=WRITE)
def add_condition(request: HttpRequest, review_id: DbId, payload: ConditionIn) -> Any:
    actor = acting_user(request)
    condition = services.add_condition(actor=actor, review=selectors.review_by_id(actor, review_id),
                                       text=payload.text, owner=org_selectors.person_by_id(actor, payload.owner_id),
                                       due_on=payload.due_on)
    return Status(201, condition)

