"""Incidents API: incidents (open, read, change, phase), the timeline (notes), executive updates,
regulatory clocks and reports sent to regulators, decisions, actions, the executive briefing (JSON,
plain text and PDF), the post-incident review, tabletop exercises, response times and settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, changes_of, file_download, paginate
from accord.core.errors import NotFound, Problem, ValidationFailed
from accord.core.permissions import Actor
from accord.incidents import briefing as briefings
from accord.incidents import selectors, services
from accord.incidents.documents import clock_document, incident_document
from accord.incidents.schemas import (
    ActionOut,
    BriefingOut,
    ClockOut,
    ClocksQuery,
    CloseActionIn,
    DecisionIn,
    EventOut,
    ExerciseIn,
    IncidentDetailOut,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    IncidentQuery,
    LessonIn,
    LessonOut,
    NewActionIn,
    NoteIn,
    PhaseIn,
    RegulatorIn,
    ResponseTimesOut,
    ReviewIn,
    ReviewOut,
    RunningClockOut,
    ScenarioOut,
    SettingsOut,
    SettingsPatch,
    UpdateIn,
    UpdateOut,
)

router = Router(tags=["incidents"])
READ, WRITE = Capability("incident.read"), Capability("incident.write")


def _by_ids(actor: Actor, field: str, ids: list[int] | None, loader: Any) -> list[Any] | None:
    if ids is None:
        return None
    found = {row.pk: row for row in loader(actor).filter(pk__in=set(ids))}
    unknown = sorted(set(ids) - set(found))
    if unknown:
        raise ValidationFailed(Problem(field=field, message=f"unknown ids: {', '.join(map(str, unknown[:20]))}"))
    return [found[i] for i in dict.fromkeys(ids)]


def _person(actor: Actor, field: str, person_id: int | None) -> Any:
    from accord.org.selectors import person_by_id

    if person_id is None:
        return None
    try:
        return person_by_id(actor, person_id)
    except NotFound:
        raise ValidationFailed.field(field, f"no person {person_id}") from None


def _references(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the body turned into rows: services, assets, the commander."""
    from accord.org.selectors import assets_visible_to, services_visible_to

    if "service_ids" in data:
        data["services"] = _by_ids(actor, "service_ids", data.pop("service_ids"), services_visible_to)
    if "asset_ids" in data:
        data["assets"] = _by_ids(actor, "asset_ids", data.pop("asset_ids"), assets_visible_to)
    if "commander_id" in data:
        data["commander"] = _person(actor, "commander_id", data.pop("commander_id"))
    return data


def _actions(actor: Actor, items: list[NewActionIn]) -> list[dict[str, Any]]:
    return [{"text": a.text, "owner": _person(actor, f"actions[{k}].owner_id", a.owner_id), "due": a.due}
            for k, a in enumerate(items)]


# Collections first (their paths are not incident ids) ------------------------------------------

@router.get("/", response={200: Page[IncidentOut], **REFUSALS}, auth=READ)
def list_incidents(request: HttpRequest, query: Query[IncidentQuery]) -> Any:
    incidents = selectors.incidents_visible_to(acting_user(request), is_open=query.open, exercise=query.exercise)
    return paginate(incidents.prefetch_related("assets"), page=query.page, page_size=query.page_size)


@router.post("/", response={201: IncidentDetailOut, **REFUSALS}, auth=WRITE)
def open_incident(request: HttpRequest, payload: IncidentIn) -> Any:
    actor = acting_user(request)
    incident = services.open_incident(actor=actor, **_references(actor, payload.dict()))
    return Status(201, incident_document(actor, incident))


@router.get("/clocks", response={200: list[RunningClockOut], **REFUSALS}, auth=READ)
def running_clocks(request: HttpRequest, query: Query[ClocksQuery]) -> Any:
    """Every open incident's regulatory deadlines not met yet, soonest first (the CISO and CIO desk)."""
    now = timezone.now()
    rows = selectors.running_clocks(acting_user(request), include_exercises=query.include_exercises, now=now)
    return [{**clock_document(r.clock, now), "incident_id": r.incident_id, "reference": r.reference, "title": r.title,
             "severity": r.severity, "exercise": r.exercise, "url": r.url} for r in rows]


@router.get("/response-times", response={200: ResponseTimesOut, **REFUSALS}, auth=READ)
def response_times(request: HttpRequest) -> Any:
    """Median and p90 hours to detect, acknowledge, contain and resolve; exercises never count."""
    return selectors.response_times(acting_user(request))


@router.get("/scenarios", response={200: list[ScenarioOut], **REFUSALS}, auth=READ)
def list_scenarios(request: HttpRequest) -> Any:
    return selectors.scenarios(acting_user(request))


@router.post("/exercises", response={201: IncidentDetailOut, **REFUSALS}, auth=WRITE)
def start_exercise(request: HttpRequest, payload: ExerciseIn) -> Any:
    actor = acting_user(request)
    try:
        selectors.scenario_by_key(payload.scenario)
    except NotFound:
        keys = ", ".join(s.key for s in selectors.scenarios(actor))
        raise ValidationFailed.field("scenario", f"one of {keys}") from None
    incident = services.start_exercise(actor=actor, scenario=payload.scenario,
                                       commander=_person(actor, "commander_id", payload.commander_id))
    return Status(201, incident_document(actor, incident))


@router.get("/settings", response={200: SettingsOut, **REFUSALS}, auth=READ)
def get_settings(request: HttpRequest) -> Any:
    return selectors.incident_settings(acting_user(request))


@router.patch("/settings", response={200: SettingsOut, **REFUSALS}, auth=WRITE)
def update_settings(request: HttpRequest, payload: SettingsPatch) -> Any:
    return services.update_settings(actor=acting_user(request), **changes_of(payload))


@router.post("/actions/{action_id}/close", response={200: ActionOut, **REFUSALS}, auth=WRITE)
def close_action(request: HttpRequest, action_id: DbId, payload: CloseActionIn) -> Any:
    actor = acting_user(request)
    return services.close_action(actor=actor, action=selectors.action_by_id(actor, action_id),
                                 status=payload.status, note=payload.note)


# One incident ----------------------------------------------------------------------------------

@router.get("/{incident_id}", response={200: IncidentDetailOut, **REFUSALS}, auth=READ)
def get_incident(request: HttpRequest, incident_id: DbId) -> Any:
    actor = acting_user(request)
    return incident_document(actor, selectors.incident_by_id(actor, incident_id))


@router.patch("/{incident_id}", response={200: IncidentDetailOut, **REFUSALS}, auth=WRITE)
def update_incident(request: HttpRequest, incident_id: DbId, payload: IncidentPatch) -> Any:
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)
    incident = services.update_incident(actor=actor, incident=incident, **_references(actor, changes_of(payload)))
    return incident_document(actor, selectors.incident_by_id(actor, incident.pk))


@router.post("/{incident_id}/phase", response={200: IncidentDetailOut, **REFUSALS}, auth=WRITE)
def change_phase(request: HttpRequest, incident_id: DbId, payload: PhaseIn) -> Any:
    actor = acting_user(request)
    incident = services.change_phase(actor=actor, incident=selectors.incident_by_id(actor, incident_id),
                                     phase=payload.phase, at=payload.at, note=payload.note)
    return incident_document(actor, incident)


@router.get("/{incident_id}/timeline", response={200: list[EventOut], **REFUSALS}, auth=READ)
def timeline(request: HttpRequest, incident_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.timeline_of(actor, selectors.incident_by_id(actor, incident_id)).select_related("update")


@router.post("/{incident_id}/notes", response={201: EventOut, **REFUSALS}, auth=WRITE)
def add_note(request: HttpRequest, incident_id: DbId, payload: NoteIn) -> Any:
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)
    return Status(201, services.add_note(actor=actor, incident=incident, text=payload.text, at=payload.at))


@router.get("/{incident_id}/updates", response={200: list[UpdateOut], **REFUSALS}, auth=READ)
def list_updates(request: HttpRequest, incident_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.updates_of(actor, selectors.incident_by_id(actor, incident_id))


@router.post("/{incident_id}/updates", response={201: UpdateOut, **REFUSALS}, auth=WRITE)
def write_update(request: HttpRequest, incident_id: DbId, payload: UpdateIn) -> Any:
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)

    def pair(value: Any) -> tuple[float, float] | None:
        return None if value is None else (value.low, value.high)

    update = services.write_update(
        actor=actor, incident=incident, bottom_line=payload.bottom_line, facts=payload.facts,
        judgements=[j.dict() for j in payload.judgements], unknowns=payload.unknowns,
        decisions_needed=payload.decisions_needed, records=pair(payload.records),
        downtime_hours=pair(payload.downtime_hours), other_cost=pair(payload.other_cost),
        cost_note=payload.cost_note, actions=_actions(actor, payload.actions), next_update_at=payload.next_update_at)
    return Status(201, selectors.update_by_number(actor, incident, update.number))


@router.get("/{incident_id}/clocks", response={200: list[ClockOut], **REFUSALS}, auth=READ)
def incident_clocks(request: HttpRequest, incident_id: DbId) -> Any:
    actor = acting_user(request)
    now = timezone.now()
    return [clock_document(c, now) for c in selectors.regulatory_clocks(actor, selectors.incident_by_id(actor, incident_id))]


@router.post("/{incident_id}/regulator-notifications", response={201: EventOut, **REFUSALS}, auth=WRITE)
def regulator_notified(request: HttpRequest, incident_id: DbId, payload: RegulatorIn) -> Any:
    """A report was sent to a regulator: it meets that deadline and starts the later ones."""
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)
    return Status(201, services.mark_regulator_notified(actor=actor, incident=incident, **payload.dict()))


@router.post("/{incident_id}/decisions", response={201: EventOut, **REFUSALS}, auth=WRITE)
def record_decision(request: HttpRequest, incident_id: DbId, payload: DecisionIn) -> Any:
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)
    return Status(201, services.record_incident_decision(actor=actor, incident=incident, **payload.dict()))


@router.get("/{incident_id}/actions", response={200: list[ActionOut], **REFUSALS}, auth=READ)
def list_actions(request: HttpRequest, incident_id: DbId) -> Any:
    actor = acting_user(request)
    return selectors.actions_of(actor, selectors.incident_by_id(actor, incident_id))


@router.post("/{incident_id}/actions", response={201: ActionOut, **REFUSALS}, auth=WRITE)
def add_action(request: HttpRequest, incident_id: DbId, payload: NewActionIn) -> Any:
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)
    return Status(201, services.add_action(actor=actor, incident=incident, text=payload.text,
                                           owner=_person(actor, "owner_id", payload.owner_id), due=payload.due))


@router.get("/{incident_id}/briefing", response={200: BriefingOut, **REFUSALS}, auth=READ)
def get_briefing(request: HttpRequest, incident_id: DbId) -> Any:
    """The executive briefing from the latest update, with its plain-text form."""
    actor = acting_user(request)
    b = selectors.briefing(actor, selectors.incident_by_id(actor, incident_id))

    def impact(line: Any) -> dict[str, Any]:
        return {"label": line.label, "text": line.text, "low": line.low, "high": line.high, "how": line.how}

    return {
        "incident_id": b.incident.pk, "reference": b.incident.reference, "exercise": b.exercise,
        "marking": b.marking, "title": b.title, "as_of": b.as_of,
        "update_number": b.update.number if b.update else None, "bottom_line": b.bottom_line, "facts": b.facts,
        "judgements": [{"statement": j.statement, "likelihood": j.likelihood, "confidence": j.confidence,
                        "basis": j.basis} for j in b.judgements],
        "unknowns": b.unknowns, "cost": impact(b.cost) if b.cost else None,
        "cost_parts": [impact(p) for p in b.cost_parts], "impact": [impact(i) for i in b.impact],
        "currency": b.currency, "decisions": b.decisions, "next_update_at": b.next_update_at,
        "next_update_overdue": b.next_update_overdue, "deadlines": [clock_document(c, b.now) for c in b.deadlines],
        "deadlines_not_started": b.deadlines_not_started, "text": briefings.briefing_text(b),
    }


@router.get("/{incident_id}/briefing.pdf", response=REFUSALS, auth=READ,
            openapi_extra=file_download("application/pdf", description="The executive briefing as PDF"))
def briefing_pdf(request: HttpRequest, incident_id: DbId) -> Any:
    actor = acting_user(request)
    b = selectors.briefing(actor, selectors.incident_by_id(actor, incident_id))
    response = HttpResponse(briefings.briefing_pdf(b), content_type="application/pdf")
    prefix = "EXERCISE-" if b.exercise else ""
    response["Content-Disposition"] = f'attachment; filename="{prefix}{b.incident.reference}-briefing.pdf"'
    return response


@router.get("/{incident_id}/review", response={200: ReviewOut, **REFUSALS}, auth=READ)
def get_review(request: HttpRequest, incident_id: DbId) -> Any:
    actor = acting_user(request)
    review = selectors.review_of(actor, selectors.incident_by_id(actor, incident_id))
    if review is None:
        raise NotFound("post-incident review of incident", incident_id)
    return review


@router.put("/{incident_id}/review", response={200: ReviewOut, **REFUSALS}, auth=WRITE)
def save_review(request: HttpRequest, incident_id: DbId, payload: ReviewIn) -> Any:
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)
    services.save_review(actor=actor, incident=incident, **payload.dict())
    return selectors.review_of(actor, incident)


@router.post("/{incident_id}/review/lessons", response={201: LessonOut, **REFUSALS}, auth=WRITE)
def add_lesson(request: HttpRequest, incident_id: DbId, payload: LessonIn) -> Any:
    actor = acting_user(request)
    incident = selectors.incident_by_id(actor, incident_id)
    review = selectors.review_of(actor, incident)
    if review is None:
        raise ValidationFailed.field("review", "write the post-incident review first (PUT .../review)")
    return Status(201, services.add_lesson(actor=actor, review=review, text=payload.text,
                                           actions=_actions(actor, payload.actions)))
