"""Every write of the reviews area: the roadmap (projects, CSV import and export), the review
workflow (request, triage, start, ask the requester, answer, decide, change the tier), conditions,
the pipeline gate, the review SLA policy (one leader proposes, the other confirms, through
governance) and the working calendar.

Each service takes a mandatory actor, checks a capability, writes in one transaction with an audit
row, and tells the people concerned.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accord.core import audit, clock
from accord.core.crud import problems_from_django, validate
from accord.core.csv_files import ProblemList, read_rows, read_upload, safe_cell, unescape_cell
from accord.core.errors import NotAllowed, Problem, ValidationFailed
from accord.core.permissions import Actor, can, require
from accord.engine.clocks import ClockInputError
from accord.engine.vulns import ScanFileError, Severity, read_scan
from accord.governance import services as governance
from accord.governance.models import SignOffStatus
from accord.org import selectors as org_selectors
from accord.reviews import selectors
from accord.reviews.clocks import calendar_settings, hours_of, working_calendar
from accord.reviews.models import (
    Condition,
    ConditionStatus,
    DataClassification,
    Exposure,
    GateResult,
    GateRun,
    GateSeverity,
    ItProject,
    PolicyStatus,
    ProjectStatus,
    Review,
    ReviewSettings,
    ReviewSlaPolicy,
    ReviewState,
    Tier,
    Transition,
)
from accord.reviews.tiers import suggested_tier

REVIEW_SLA_KIND = "review_sla"
MAX_TEXT = 5000
REQUEST, WRITE = "review.request", "review.write"


def _text(field_name: str, value: str | None, *, required: bool = False, what: str = "say why") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationFailed.field(field_name, what)
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValidationFailed.field(field_name, f"at most {MAX_TEXT:,} characters, no NUL characters")
    return text


# Who hears about what ------------------------------------------------------------------------------

def _security_team() -> list[Any]:
    return selectors.reviewers()


def _project_people(review: Review) -> list[Any]:
    project = review.project
    people = [review.requested_by]
    for person in (project.owner, project.sponsor):
        if person is not None and person.user is not None:
            people.append(person.user)
    return people


def _tell(event: str, recipients: Iterable[Any], review: Review, title: str, body: str = "",
          actor: Actor | None = None) -> None:
    from accord.notifications.services import notify

    others = [u for u in recipients if u is not None and (actor is None or u.pk != actor.pk)]
    notify(event=event, recipients=others, title=title, body=body, url=f"/reviews/{review.pk}/",
           payload={"review": review.pk, "project": review.project.slug, "state": review.state, "tier": review.tier})


def _reviewers_of(review: Review) -> list[Any]:
    return [review.reviewer] if review.reviewer is not None else _security_team()


# Projects ---------------------------------------------------------------------------------------------

PROJECT_FIELDS = frozenset({
    "name", "slug", "description", "sponsor", "sponsor_id", "owner", "owner_id", "business_service",
    "business_service_id", "go_live", "data_classification", "exposure", "third_parties", "third_party_names",
    "status", "gate_fail_on", "gate_fail_on_new",
})


def _may_write_project(actor: Actor, project: ItProject) -> None:
    require(actor, REQUEST)
    if not selectors.may_edit_project(actor, project):
        raise ValidationFailed.field("owner", "you may only change projects you own or sponsor (the CIO changes any)")


def _unique_slug(name: str, exclude: int | None = None) -> str:
    base = slugify(name.replace(".", " ").replace("/", " "))[:70] or "project"
    slug, n = base, 2
    others = ItProject.objects.exclude(pk=exclude) if exclude is not None else ItProject.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply_fields(project: ItProject, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise ValidationFailed.field(name, "unknown field")
        if name in {"description", "third_party_names"} and value is None:
            value = ""
        setattr(project, name, value)
    if isinstance(project.slug, str):
        project.slug = project.slug.strip().lower()
    if not project.slug:
        project.slug = _unique_slug(project.name or "", project.pk)


def _save_project(project: ItProject) -> None:
    validate(project)
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:
        raise ValidationFailed.field("", f"conflicts with an existing project ({exc})") from None


@transaction.atomic
def create_project(*, actor: Actor, **fields: Any) -> ItProject:
    """Add a project to the roadmap. A project owner (not the CIO) must own or sponsor it."""
    project = ItProject()
    _apply_fields(project, fields)
    _may_write_project(actor, project)
    _save_project(project)
    audit.record(actor, "it_project.created", project, after=audit.snapshot(project))
    return project


@transaction.atomic
def update_project(*, actor: Actor, project: ItProject, **changes: Any) -> ItProject:
    """Change a project (its slug never changes: pipelines call the gate with it). The row is read again,
    so a refused change left on the caller's instance cannot slip into the next one."""
    project = ItProject.objects.select_for_update(of=("self",)).select_related("owner", "sponsor").get(pk=project.pk)
    _may_write_project(actor, project)
    before = audit.snapshot(project)
    if "slug" in changes and (changes["slug"] or "").strip().lower() != project.slug:
        raise ValidationFailed.field("slug", "a project's id cannot change: pipelines call the gate with it")
    _apply_fields(project, changes)
    _may_write_project(actor, project)  # a project owner cannot hand a project to someone else's name
    _save_project(project)
    audit.record_change(actor, "it_project.updated", project, before, audit.snapshot(project))
    return project


# CSV import and export ----------------------------------------------------------------------------

CSV_COLUMNS = ("name", "slug", "description", "sponsor", "owner", "business_service", "go_live",
               "data_classification", "exposure", "third_parties", "third_party_names", "status", "gate_fail_on",
               "gate_fail_on_new")
_TRUE, _FALSE = {"yes", "true", "1", "y"}, {"no", "false", "0", "n", ""}


@dataclass
class ProjectImportReport:
    filename: str
    sha256: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    names_created: list[str] = field(default_factory=list)


class _ProjectRows(ProblemList):
    """Turns one CSV row into project fields, collecting problems with their line and column."""

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        people = list(org_selectors.people_visible_to(actor))
        self.by_email = {p.email.lower(): p for p in people if p.email}
        self.by_name: dict[str, list[Any]] = {}
        for person in people:
            self.by_name.setdefault(person.name.strip().lower(), []).append(person)
        self.services = {s.name.lower(): s for s in org_selectors.services_visible_to(actor)}
        self.existing = {p.name.lower(): p for p in ItProject.objects.select_related("owner", "sponsor")}
        self.slugs = {p.slug: p.name.lower() for p in self.existing.values()}

    def _person(self, line: int, column: str, value: str) -> Any:
        key = value.strip().lower()
        if not key:
            return None
        found = self.by_email.get(key)
        if found is None:
            named = self.by_name.get(key, [])
            if len(named) > 1:
                self.add(line, column, f"{len(named)} people are named {value.strip()!r}: give the email address")
                return None
            found = named[0] if named else None
            if found is None:
                self.add(line, column, f"no one in the people directory has the email or name {value.strip()!r}")
        return found

    def _service(self, line: int, value: str) -> Any:
        if not value.strip():
            return None
        found = self.services.get(value.strip().lower())
        if found is None:
            self.add(line, "business_service", f"no business service named {value.strip()!r}")
        return found

    def _choice(self, line: int, column: str, value: str, choices: Any, default: str) -> str:
        value = value.strip().lower().replace(" ", "_")
        if not value:
            return default
        if value not in choices.values:
            self.add(line, column, f"{value!r} is not one of {', '.join(choices.values)}")
        return value

    def _yes_no(self, line: int, column: str, value: str) -> bool:
        value = value.strip().lower()
        if value not in _TRUE | _FALSE:
            self.add(line, column, f"{value!r} is not yes/no")
        return value in _TRUE

    def _date(self, line: int, column: str, value: str) -> date | None:
        value = value.strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.add(line, column, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def _slug(self, line: int, name: str, existing: ItProject | None, slug: str) -> None:
        if existing is not None:
            if slug != existing.slug:
                self.add(line, "slug", f"{existing.name!r} has the id {existing.slug!r}; a project's id cannot change")
            return
        try:
            validate_slug(slug)
        except DjangoValidationError:
            self.add(line, "slug", f"{slug!r} is not an id: letters, digits, - and _ only")
            return
        owner = self.slugs.get(slug)
        if owner is not None and owner != name.lower():
            self.add(line, "slug", f"{slug!r} is already the id of {owner!r}")
        self.slugs[slug] = name.lower()

    def row(self, line: int, cells: dict[str, str]) -> dict[str, Any] | None:
        before = len(self.problems)
        cell = {k: unescape_cell(v) for k, v in cells.items()}
        name = cell.get("name", "").strip()
        if not name:
            self.add(line, "name", "required")
        existing = self.existing.get(name.lower())
        slug = cell.get("slug", "").strip().lower()
        if slug:
            self._slug(line, name, existing, slug)
        parsers: dict[str, Any] = {
            "description": lambda v: v.strip(),
            "sponsor": lambda v: self._person(line, "sponsor", v),
            "owner": lambda v: self._person(line, "owner", v),
            "business_service": lambda v: self._service(line, v),
            "go_live": lambda v: self._date(line, "go_live", v),
            "data_classification": lambda v: self._choice(line, "data_classification", v, DataClassification,
                                                          DataClassification.INTERNAL),
            "exposure": lambda v: self._choice(line, "exposure", v, Exposure, Exposure.NONE),
            "third_parties": lambda v: self._yes_no(line, "third_parties", v),
            "third_party_names": lambda v: v.strip(),
            "status": lambda v: self._choice(line, "status", v, ProjectStatus, ProjectStatus.PLANNED),
            "gate_fail_on": lambda v: self._choice(line, "gate_fail_on", v, GateSeverity, GateSeverity.HIGH),
            "gate_fail_on_new": lambda v: self._yes_no(line, "gate_fail_on_new", v),
        }
        values: dict[str, Any] = {"name": name}
        values.update({column: parse(cell[column]) for column, parse in parsers.items() if column in cell})
        if slug and existing is None:
            values["slug"] = slug
        if existing is None and values.get("owner") is None and not cell.get("owner", "").strip():
            self.add(line, "owner", "required for a new project")
        if len(self.problems) > before:
            return None
        merged = {f: getattr(existing, f) for f in _MERGED} if existing is not None else {}
        merged.update(values)
        candidate = ItProject(**{k: v for k, v in merged.items() if k != "slug"}, slug=slug or "x")
        if (existing is not None and not selectors.may_edit_project(self.actor, existing)) or \
                not selectors.may_edit_project(self.actor, candidate):
            self.add(line, "owner", "you may only import projects you own or sponsor (the CIO imports any)")
        try:
            candidate.clean_fields(exclude=["owner", "sponsor", "business_service", "slug"])
            candidate.clean()
        except DjangoValidationError as exc:
            for problem in problems_from_django(exc):
                self.add(line, problem.field or "", problem.message)
        return {"line": line, "values": values, "existing": existing} if len(self.problems) == before else None


_MERGED = ("name", "description", "sponsor", "owner", "business_service", "go_live", "data_classification", "exposure",
           "third_parties", "third_party_names", "status", "gate_fail_on", "gate_fail_on_new")


def import_projects_csv(*, actor: Actor, file: IO[bytes], filename: str) -> ProjectImportReport:
    """Validate the whole file, then write it in one transaction; on any problem write nothing. A row
    whose name is a project's updates it in the columns the file has; the others add projects."""
    require(actor, REQUEST)
    raw = read_upload(file, filename)
    parser = _ProjectRows(actor)
    rows = read_rows(raw, filename, known=CSV_COLUMNS, required=("name",), key="name", parse=parser.row,
                     problems=parser)
    parser.refuse_if_any(filename)
    report = ProjectImportReport(filename=filename, sha256=hashlib.sha256(raw).hexdigest(), rows=len(rows))
    _apply_import(actor, rows, report)
    return report


@transaction.atomic
def _apply_import(actor: Actor, rows: list[dict[str, Any]], report: ProjectImportReport) -> None:
    for row in rows:
        existing: ItProject | None = row["existing"]
        project = existing if existing is not None else ItProject()
        before = audit.snapshot(project) if existing is not None else None
        _apply_fields(project, row["values"])
        try:
            _save_project(project)
        except ValidationFailed as exc:  # e.g. a duplicate slug made by two names slugifying alike
            raise ValidationFailed([Problem(field=p.field, line=row["line"], column=p.field or None, message=p.message)
                                    for p in exc.problems], source=report.filename) from None
        if before is None:
            audit.record(actor, "it_project.imported", project, after=audit.snapshot(project))
            report.created += 1
            report.names_created.append(project.name)
        elif audit.record_change(actor, "it_project.updated_by_import", project, before, audit.snapshot(project)):
            report.updated += 1
        else:
            report.unchanged += 1
    audit.record(actor, "it_project.import_finished", ("reviews.project_import", report.sha256[:16], report.filename),
                 after={"rows": report.rows, "created": report.created, "updated": report.updated,
                        "unchanged": report.unchanged, "sha256": report.sha256})


def _person_cell(person: Any) -> str:
    return "" if person is None else (person.email or person.name)


@transaction.atomic
def export_projects_csv(*, actor: Actor, filters: selectors.ProjectFilter | None = None) -> str:
    """The roadmap as CSV (the import's columns, so it imports back unchanged). Audited: it takes data out."""
    projects = list(selectors.projects_visible_to(actor, filters))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in projects:
        writer.writerow([safe_cell(v) for v in (
            p.name, p.slug, p.description, _person_cell(p.sponsor), _person_cell(p.owner),
            p.business_service.name if p.business_service else "", p.go_live.isoformat() if p.go_live else "",
            p.data_classification, p.exposure, "yes" if p.third_parties else "no", p.third_party_names, p.status,
            p.gate_fail_on, "yes" if p.gate_fail_on_new else "no")])
    audit.record(actor, "it_projects.exported", ("reviews.itproject", "", "IT projects export (csv)"),
                 after={"rows": len(projects), "filters": audit.to_primitive(filters.__dict__ if filters else {})})
    return out.getvalue()


def example_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["Customer portal v2", "portal-v2", "New self-service portal", "cio@example.com",
                     "owner@example.com", "Customer Portal", "2026-09-01", "confidential", "public", "yes",
                     "Acme Hosting; PayCo", "in_progress", "high", "yes"])
    return out.getvalue()


# The review workflow ------------------------------------------------------------------------------------

def _sla_of(tier: str) -> tuple[Decimal, float]:
    days, _ = selectors.sla_days_in_force()
    return days[tier], hours_of(days[tier], calendar_settings())


def _tier_choice(tier: str | None, suggested: str, reason: str) -> tuple[str, str]:
    chosen = (tier or suggested).strip().lower()
    if chosen not in Tier.values:
        raise ValidationFailed.field("tier", f"{chosen!r} is not one of {', '.join(Tier.values)}")
    reason = _text("tier_reason", reason)
    if chosen != suggested and not reason:
        raise ValidationFailed.field("tier_reason", f"the tier table gives {Tier(suggested).label.lower()}: "
                                                    f"say why this project needs {Tier(chosen).label.lower()}")
    return chosen, reason


def _lock(review: Review) -> Review:
    return Review.objects.select_for_update(of=("self",)).select_related("project", "requested_by").get(pk=review.pk)


def _refuse_unless(review: Review, states: Sequence[str], doing: str) -> None:
    if review.state not in states:
        allowed = " or ".join(ReviewState(s).label.lower() for s in states)
        raise ValidationFailed.field("state", f"review #{review.pk} is {review.get_state_display().lower()}: "
                                              f"only a review {allowed} can be {doing}")


def _step(actor: Actor, review: Review, to_state: str, note: str, action: str,
          **changes: Any) -> Transition:
    """Move the (locked) review to `to_state`: one transition row, the change, one audit row."""
    before = {"state": review.state, **{k: audit.to_primitive(getattr(review, k if k != "reviewer" else "reviewer_id"))
                                        for k in changes}}
    step = Transition.objects.create(review=review, from_state=review.state, to_state=to_state, actor_id=actor.pk,
                                     at=timezone.now(), note=note)
    review.state = to_state
    for key, value in changes.items():
        setattr(review, key, value)
    review.save()
    after = {"state": to_state, **{k: audit.to_primitive(getattr(review, k if k != "reviewer" else "reviewer_id"))
                                   for k in changes}, "note": note}
    audit.record(actor, action, review, before=before, after=after)
    return step


@transaction.atomic
def request_review(*, actor: Actor, project: ItProject, scope: str = "", tier: str | None = None,
                   tier_reason: str = "") -> Review:
    """A project owner (or the CIO) asks for a security review. The tier follows the tier table unless
    another is chosen with a reason; its SLA clock starts now."""
    require(actor, REQUEST)
    if not selectors.may_edit_project(actor, project):
        raise ValidationFailed.field("project", "you may ask for reviews of projects you own or sponsor "
                                                "(the CIO asks for any)")
    project = ItProject.objects.select_for_update().get(pk=project.pk)
    if project.status == ProjectStatus.CANCELLED:
        raise ValidationFailed.field("project", "the project is cancelled")
    if selectors.open_review_of(project) is not None:
        raise ValidationFailed.field("project", "the project already has an open review")
    suggestion = suggested_tier(project.data_classification, project.exposure, project.third_parties)
    chosen, reason = _tier_choice(tier, suggestion.tier, tier_reason)
    days, hours = _sla_of(chosen)
    now = timezone.now()
    review = Review.objects.create(project=project, tier=chosen, suggested_tier=suggestion.tier, tier_reason=reason,
                                   sla_days=days, sla_hours=hours, scope=_text("scope", scope), requested_by_id=actor.pk,
                                   requested_at=now)
    Transition.objects.create(review=review, from_state="", to_state=ReviewState.REQUESTED, actor_id=actor.pk, at=now,
                              note=review.scope)
    audit.record(actor, "review.requested", review, after={
        "project": project.slug, "tier": chosen, "suggested_tier": suggestion.tier, "rule": suggestion.rule,
        "tier_reason": reason, "sla_days": days, "sla_hours": hours})
    from accord.notifications.models import Event

    _tell(Event.REVIEW_REQUESTED, _security_team(), review,
          f"Security review requested: {project} ({Tier(chosen).label.lower()}, {hours:g} business hours)",
          review.scope, actor)
    return review


def _check_reviewer(reviewer: Any) -> None:
    if reviewer is not None and not can(reviewer, WRITE):
        raise ValidationFailed.field("reviewer", f"{reviewer} cannot run security reviews (needs review.write)")


def _retier(review: Review, tier: str | None, reason: str) -> dict[str, Any]:
    """The changes a new tier makes: the SLA of the new tier, from the policy in force now."""
    if tier is None or tier == review.tier:
        return {}
    chosen, why = _tier_choice(tier, review.suggested_tier, reason)
    if not why:
        why = _text("tier_reason", reason, required=True, what="say why the tier changes")
    days, hours = _sla_of(chosen)
    return {"tier": chosen, "tier_reason": why, "sla_days": days, "sla_hours": hours}


@transaction.atomic
def triage_review(*, actor: Actor, review: Review, tier: str | None = None, tier_reason: str = "",
                  reviewer: Any = None, note: str = "") -> Review:
    """The security side confirms (or changes, saying why) the tier and may name the reviewer."""
    require(actor, WRITE)
    review = _lock(review)
    _refuse_unless(review, [ReviewState.REQUESTED], "triaged")
    _check_reviewer(reviewer)
    changes = _retier(review, tier, tier_reason)
    if reviewer is not None:
        changes["reviewer"] = reviewer
    _step(actor, review, ReviewState.TRIAGED, _text("note", note), "review.triaged", **changes)
    from accord.notifications.models import Event

    _tell(Event.REVIEW_CHANGED, _project_people(review) + ([review.reviewer] if review.reviewer else []), review,
          f"Review of {review.project} triaged: {review.get_tier_display().lower()}, {review.sla_hours:g} business hours",
          review.tier_reason or note, actor)
    return review


@transaction.atomic
def change_tier(*, actor: Actor, review: Review, tier: str, reason: str) -> Review:
    """Change an open review's tier, saying why; its SLA becomes the new tier's (the clock keeps running
    from the request). Audited."""
    require(actor, WRITE)
    review = _lock(review)
    _refuse_unless(review, list(selectors.OPEN_STATES), "re-tiered")
    changes = _retier(review, tier, reason)
    if not changes:
        raise ValidationFailed.field("tier", f"the review is already {review.get_tier_display().lower()}")
    before = {k: audit.to_primitive(getattr(review, k)) for k in changes}
    for key, value in changes.items():
        setattr(review, key, value)
    review.save(update_fields=list(changes))
    audit.record(actor, "review.tier_changed", review, before=before, after=audit.to_primitive(changes))
    from accord.notifications.models import Event

    _tell(Event.REVIEW_CHANGED, _project_people(review), review,
          f"Review of {review.project} is now {review.get_tier_display().lower()} ({review.sla_hours:g} business hours)",
          review.tier_reason, actor)
    return review


@transaction.atomic
def start_review(*, actor: Actor, review: Review, note: str = "") -> Review:
    """A reviewer starts work on a triaged review (and becomes its reviewer when it has none)."""
    require(actor, WRITE)
    review = _lock(review)
    _refuse_unless(review, [ReviewState.TRIAGED], "started")
    changes = {"reviewer": actor} if review.reviewer_id is None else {}
    _step(actor, review, ReviewState.IN_REVIEW, _text("note", note), "review.started", **changes)
    from accord.notifications.models import Event

    _tell(Event.REVIEW_CHANGED, _project_people(review), review, f"Review of {review.project} started by {actor}",
          note, actor)
    return review


@transaction.atomic
def ask_requester(*, actor: Actor, review: Review, question: str) -> Review:
    """The reviewer needs something from the requester: the review waits on them, its clock paused."""
    require(actor, WRITE)
    review = _lock(review)
    _refuse_unless(review, [ReviewState.TRIAGED, ReviewState.IN_REVIEW], "put on hold for the requester")
    _step(actor, review, ReviewState.WAITING, _text("question", question, required=True, what="ask the question"),
          "review.waiting")
    from accord.notifications.models import Event

    _tell(Event.REVIEW_CHANGED, _project_people(review), review,
          f"Question on the review of {review.project}: the clock is paused until you answer", question, actor)
    return review


@transaction.atomic
def answer_requester(*, actor: Actor, review: Review, answer: str) -> Review:
    """The requester (or the project's owner or sponsor) answers: the review goes back to where it was
    and its clock runs again."""
    require(actor, REQUEST)
    review = _lock(review)
    _refuse_unless(review, [ReviewState.WAITING], "answered")
    if review.requested_by_id != actor.pk and not selectors.is_project_owner(actor, review.project):
        raise NotAllowed("review.request (as the requester, owner or sponsor of the project)")
    back = (review.transitions.filter(to_state=ReviewState.WAITING).order_by("-at", "-id")
            .values_list("from_state", flat=True).first()) or ReviewState.IN_REVIEW
    _step(actor, review, back, _text("answer", answer, required=True, what="write the answer"), "review.answered")
    from accord.notifications.models import Event

    _tell(Event.REVIEW_CHANGED, _reviewers_of(review), review, f"{actor} answered on the review of {review.project}",
          answer, actor)
    return review


@dataclass(frozen=True)
class NewCondition:
    text: str
    owner: Any  # org.Person
    due_on: date


DECISIONS = {"approved": ReviewState.APPROVED, "conditions": ReviewState.CONDITIONS,
             "rejected": ReviewState.REJECTED}


@transaction.atomic
def decide_review(*, actor: Actor, review: Review, outcome: str, note: str = "",
                  conditions: Sequence[NewCondition] = ()) -> Review:
    """Approve, approve with conditions (at least one, each with an owner and a due day) or reject
    (saying why). The requester cannot decide their own review. A rejection goes to the steering
    committee's queue (`selectors.escalations`)."""
    require(actor, WRITE)
    review = _lock(review)
    _refuse_unless(review, [ReviewState.TRIAGED, ReviewState.IN_REVIEW], "decided")
    state = DECISIONS.get(outcome)
    if state is None:
        raise ValidationFailed.field("outcome", f"{outcome!r} is not one of {', '.join(DECISIONS)}")
    if review.requested_by_id == actor.pk:
        raise ValidationFailed.field("outcome", "you asked for this review: someone else decides it")
    note = _text("note", note, required=state == ReviewState.REJECTED, what="say why it is rejected")
    already = list(review.conditions.filter(status=ConditionStatus.OPEN))
    if state == ReviewState.CONDITIONS and not conditions and not already:
        raise ValidationFailed.field("conditions", "approving with conditions needs at least one condition")
    if state != ReviewState.CONDITIONS and conditions:
        raise ValidationFailed.field("conditions", "conditions go with “approved with conditions”")
    if state == ReviewState.APPROVED and already:
        raise ValidationFailed.field("outcome", f"{len(already)} condition(s) are open: approve with conditions, "
                                                "or waive them first")
    now = timezone.now()
    _step(actor, review, state, note, "review.decided", decided_at=now, decided_by=actor, decision_note=note,
          reviewer=review.reviewer or actor)
    for item in conditions:
        _add_condition(actor, review, item)
    if state == ReviewState.REJECTED:  # nothing left to meet: the project asks again
        for condition in already:
            condition.status, condition.closed_by_id, condition.closed_at = ConditionStatus.WAIVED, actor.pk, now
            condition.close_note = "the review was rejected"
            condition.save(update_fields=["status", "closed_by", "closed_at", "close_note"])
            audit.record(actor, "review_condition.waived", condition, before={"status": "open"},
                         after={"status": "waived", "note": condition.close_note})
    from accord.notifications.models import Event

    verdict = review.get_state_display()
    _tell(Event.REVIEW_CHANGED, _project_people(review), review, f"Review of {review.project}: {verdict.lower()}",
          note, actor)
    return review


def _add_condition(actor: Actor, review: Review, item: NewCondition) -> Condition:
    text = _text("text", item.text, required=True, what="say what must be done")
    if item.owner is None:
        raise ValidationFailed.field("owner", "name who must meet it")
    if not isinstance(item.due_on, date):
        raise ValidationFailed.field("due_on", "give a due day")
    condition = Condition.objects.create(review=review, text=text, owner=item.owner, due_on=item.due_on,
                                         created_by_id=actor.pk, created_at=timezone.now())
    audit.record(actor, "review_condition.added", condition, after=audit.snapshot(condition))
    from accord.notifications.models import Event

    owner_user = getattr(item.owner, "user", None)
    _tell(Event.REVIEW_CHANGED, [owner_user], review,
          f"Condition on {review.project} for you, due {item.due_on.isoformat()}", text, actor)
    return condition


@transaction.atomic
def add_condition(*, actor: Actor, review: Review, text: str, owner: Any, due_on: date) -> Condition:
    """Add a condition to a review being decided or approved with conditions."""
    require(actor, WRITE)
    review = _lock(review)
    _refuse_unless(review, [ReviewState.TRIAGED, ReviewState.IN_REVIEW, ReviewState.CONDITIONS], "given conditions")
    return _add_condition(actor, review, NewCondition(text, owner, due_on))


@transaction.atomic
def close_condition(*, actor: Actor, condition: Condition, status: str, note: str = "") -> Condition:
    """Mark a condition met (a reviewer, or its owner with what was done) or waived (a reviewer, saying why)."""
    condition = Condition.objects.select_for_update(of=("self",)).select_related("review", "review__project",
                                                                                   "owner").get(pk=condition.pk)
    is_owner = condition.owner.user_id is not None and condition.owner.user_id == actor.pk
    if status not in (ConditionStatus.MET, ConditionStatus.WAIVED):
        raise ValidationFailed.field("status", "met or waived")
    if status == ConditionStatus.WAIVED or not is_owner:
        require(actor, WRITE)
    elif not can(actor, "review.read"):
        raise NotAllowed("review.read")
    if condition.status != ConditionStatus.OPEN:
        raise ValidationFailed.field("status", f"the condition is already {condition.get_status_display().lower()}")
    note = _text("note", note, required=True,
                 what="say why it is waived" if status == ConditionStatus.WAIVED else "say how it was met")
    condition.status, condition.closed_by_id, condition.closed_at, condition.close_note = (
        status, actor.pk, timezone.now(), note)
    condition.save(update_fields=["status", "closed_by", "closed_at", "close_note"])
    audit.record(actor, f"review_condition.{status}", condition, before={"status": "open"},
                 after={"status": status, "note": note})
    from accord.notifications.models import Event

    review = condition.review
    _tell(Event.REVIEW_CHANGED, _project_people(review) + _reviewers_of(review), review,
          f"Condition on {review.project} {status}: {condition.text[:80]}", note, actor)
    return condition


# The pipeline gate -------------------------------------------------------------------------------------

GATE_RANK = {GateSeverity.CRITICAL: 4, GateSeverity.HIGH: 3, GateSeverity.MEDIUM: 2, GateSeverity.LOW: 1}
SHOWN_RESULTS = 10


def _describe(finding: Any) -> str:
    where = finding.location or finding.application
    return f"{finding.rule_id} ({finding.severity.value}) at {where}" if where else f"{finding.rule_id}"


def _listed(findings: list[Any]) -> str:
    shown = "; ".join(_describe(f) for f in findings[:SHOWN_RESULTS])
    more = len(findings) - SHOWN_RESULTS
    return shown + (f"; and {more} more" if more > 0 else "")


@transaction.atomic
def run_gate(*, actor: Actor, project: ItProject, file: IO[bytes], filename: str) -> GateRun:
    """Pass or fail a SARIF 2.1.0 file under the project's policy:

    - the project has an approved review (its latest decided review approved it);
    - no unaccepted result at or above the project's `gate_fail_on` severity (an accepted SARIF
      suppression accepts a result);
    - with `gate_fail_on_new`, no result (low or above, unsuppressed) that the latest passing run since
      that approval did not have; the first run after an approval sets that baseline;
    - no condition of the approval open past its due day.

    Each run is kept (with the file's hash and the results' fingerprints) and audited.
    """
    if not (can(actor, REQUEST) or can(actor, WRITE)):
        raise NotAllowed("review.request or review.write")
    project = ItProject.objects.get(pk=project.pk)  # its policy as it stands now
    raw = read_upload(file, filename)
    try:
        _, stream = read_scan(io.BytesIO(raw), source=filename, format="sarif", application=project.slug)
        findings = list(stream)
    except ScanFileError as exc:
        where = f" (at {exc.element})" if exc.element else ""
        raise ValidationFailed(Problem(field="file", line=exc.line, message=f"{exc.message}{where}"),
                               source=filename) from None
    approved = selectors.last_approved_review(project)
    reasons: list[str] = []
    notes: list[str] = []
    live = [f for f in findings if not f.suppressed]
    if approved is None:
        latest = selectors.last_decided_review(project)
        reasons.append("the project has no approved security review" if latest is None else
                       f"its latest review (#{latest.pk}) was rejected")
    threshold = GATE_RANK[GateSeverity(project.gate_fail_on)]
    blocking = sorted((f for f in live if f.severity.rank >= threshold), key=lambda f: -f.severity.rank)
    if blocking:
        reasons.append(f"{len(blocking)} unaccepted result{'s' if len(blocking) != 1 else ''} at or above "
                       f"{project.gate_fail_on}: {_listed(blocking)}")
    baseline = selectors.gate_baseline(project, approved)
    if project.gate_fail_on_new and approved is not None:
        if baseline is None:
            notes.append(f"first run since review #{approved.pk} approved the project: if it passes, its results are "
                         "the baseline new results are measured against")
        else:
            seen = set(baseline.fingerprints)
            new = [f for f in live if f.severity != Severity.INFO and f.fingerprint() not in seen]
            if new:
                reasons.append(f"{len(new)} new result{'s' if len(new) != 1 else ''} since the approval of review "
                               f"#{approved.pk} (baseline: gate run #{baseline.pk}): {_listed(new)}")
    if approved is not None:
        today = clock.today()
        late = list(approved.conditions.filter(status=ConditionStatus.OPEN, due_on__lt=today).order_by("due_on"))
        for condition in late:
            reasons.append(f"condition #{condition.pk} of review #{approved.pk} is open past its due day "
                           f"{condition.due_on.isoformat()}: {condition.text[:120]}")
    counts: dict[str, int] = {s.value: 0 for s in Severity}
    for finding in live:
        counts[finding.severity.value] += 1
    suppressed = len(findings) - len(live)
    if suppressed:
        notes.append(f"{suppressed} result{'s' if suppressed != 1 else ''} accepted by a suppression in the file")
    run = GateRun.objects.create(
        project=project, review=approved, result=GateResult.FAIL if reasons else GateResult.PASS, reasons=reasons,
        filename=filename[:255], sha256=hashlib.sha256(raw).hexdigest(), results=len(findings), counts=counts,
        fingerprints=sorted({f.fingerprint() for f in findings}), baseline=baseline, actor_id=actor.pk,
        at=timezone.now())
    run.notes = notes  # type: ignore[attr-defined]
    audit.record(actor, "gate.ran", run, after={"project": project.slug, "result": run.result, "reasons": reasons,
                                                 "sha256": run.sha256, "results": run.results,
                                                 "review": approved.pk if approved else None})
    return run


# The review SLA policy: proposed by the CISO or the CIO, in force when the other one confirms --------------

def policy_inputs(policy: ReviewSlaPolicy) -> dict[str, Any]:
    """What the other leader confirms (the sign-off's inputs hash is of these)."""
    return {"business_days": {tier: str(days) for tier, days in policy.days().items()}}


def _days(field_name: str, value: Any) -> Decimal:
    try:
        days = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.field(field_name, f"{value!r} is not a number of business days") from None
    if not days.is_finite() or days < Decimal("0.25") or days > 250 or days != days.quantize(Decimal("0.01")):
        raise ValidationFailed.field(field_name, "between 0.25 and 250 business days, at most 2 decimals")
    return days


@transaction.atomic
def propose_review_sla(*, actor: Actor, triage_days: Any, light_days: Any, full_days: Any, vendor_days: Any,
                       emergency_days: Any, reason: str = "") -> ReviewSlaPolicy:
    """Propose business days per tier; the other leader (CISO or CIO) must confirm. Replaces a pending
    proposal. Reviews already requested keep the SLA they were given."""
    require(actor, "sla.policy")
    role = governance.leader_role(actor, "sla.policy")
    values = {f"{tier}_days": _days(f"{tier}_days", value) for tier, value in (
        ("triage", triage_days), ("light", light_days), ("full", full_days), ("vendor", vendor_days),
        ("emergency", emergency_days))}
    reason = _text("reason", reason)
    for pending in ReviewSlaPolicy.objects.select_for_update(of=("self",)).select_related("signoff").filter(
            status=PolicyStatus.PROPOSED):
        _close_proposal(actor, pending, "replaced by a newer proposal")
    policy = ReviewSlaPolicy.objects.create(**values, reason=reason, proposed_by_id=actor.pk, proposed_role=role,
                                            proposed_at=timezone.now())
    audit.record(actor, "review_sla.proposed", policy, after=audit.snapshot(policy))
    policy.signoff = governance.propose_as_leader(
        actor=actor, capability="sla.policy", kind=REVIEW_SLA_KIND, subject=policy, inputs=policy_inputs(policy),
        figures=policy_inputs(policy), url="/reviews/sla/",
        summary=f"Review SLA (business days) proposed by the {role.upper()}: {policy}. {reason}".strip())
    policy.save(update_fields=["signoff"])
    return policy


def _close_proposal(actor: Actor, row: ReviewSlaPolicy, reason: str) -> None:
    if row.signoff is not None and row.signoff.is_open:
        governance.withdraw(actor=actor, signoff=row.signoff, reason=reason)
    row.status = PolicyStatus.WITHDRAWN
    row.save(update_fields=["status"])
    audit.record(actor, "review_sla.withdrawn", row, before={"status": "proposed"},
                 after={"status": "withdrawn", "reason": reason})


@transaction.atomic
def confirm_review_sla(*, actor: Actor, policy: ReviewSlaPolicy) -> ReviewSlaPolicy:
    """The other leader confirms a proposal: it comes into force for reviews requested (or re-tiered)
    from now on. The proposer cannot confirm their own proposal (governance refuses it)."""
    require(actor, "sla.policy")
    row = ReviewSlaPolicy.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=policy.pk)
    if row.status != PolicyStatus.PROPOSED or row.signoff is None:
        raise ValidationFailed.field("status", f"this policy is {row.status}, not awaiting confirmation")
    if governance.approve(actor=actor, signoff=row.signoff).status != SignOffStatus.GRANTED:
        return row
    for active in ReviewSlaPolicy.objects.select_for_update().filter(status=PolicyStatus.ACTIVE):
        active.status = PolicyStatus.SUPERSEDED
        active.save(update_fields=["status"])
    row.status, row.confirmed_by_id, row.confirmed_at = PolicyStatus.ACTIVE, actor.pk, timezone.now()
    row.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(actor, "review_sla.confirmed", row, before={"status": "proposed"},
                 after={"status": "active", **policy_inputs(row)})
    return row


@transaction.atomic
def withdraw_review_sla(*, actor: Actor, policy: ReviewSlaPolicy) -> ReviewSlaPolicy:
    """Withdraw (or, for the other leader, decline) a pending proposal."""
    require(actor, "sla.policy")
    row = ReviewSlaPolicy.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=policy.pk)
    if row.status != PolicyStatus.PROPOSED:
        raise ValidationFailed.field("status", f"this policy is {row.status}, not awaiting confirmation")
    governance.leader_role(actor, "sla.policy")
    _close_proposal(actor, row, "withdrawn" if row.proposed_by_id == actor.pk else "declined by the other leader")
    return row


# The working calendar -------------------------------------------------------------------------------------

@transaction.atomic
def update_calendar(*, actor: Actor, country: str | None = None, subdivision: str | None = None,
                    day_start: time | None = None, day_end: time | None = None,
                    workdays: str | Sequence[int] | None = None) -> ReviewSettings:
    """Change the working calendar review clocks count in (a leader: it moves every open review's due
    moment). Countries and subdivisions are those of the `holidays` package."""
    require(actor, "sla.policy")
    for name, moment in (("day_start", day_start), ("day_end", day_end)):
        if moment is not None and (moment.tzinfo is not None or moment.second or moment.microsecond):
            raise ValidationFailed.field(name, "a wall time in whole minutes, without an offset (the calendar's "
                                               "time zone is the organisation's)")
    row, _ = ReviewSettings.objects.select_for_update().get_or_create(pk=1)
    before = audit.snapshot(row, exclude=("updated_by", "updated_at"))
    if country is not None:
        row.country = country
    if subdivision is not None:
        row.subdivision = subdivision
    if day_start is not None:
        row.day_start = day_start
    if day_end is not None:
        row.day_end = day_end
    if workdays is not None:
        row.workdays = workdays if isinstance(workdays, str) else ",".join(str(d) for d in workdays)
    validate(row)
    try:
        working_calendar(row)
    except ClockInputError as exc:
        field_name = exc.field if exc.field in {"country", "subdivision"} else "workdays"
        raise ValidationFailed.field(field_name, exc.message) from None
    row.updated_by_id, row.updated_at = actor.pk, timezone.now()
    row.save()
    audit.record_change(actor, "review_settings.updated", row, before,
                        audit.snapshot(row, exclude=("updated_by", "updated_at")))
    return row


# Overdue reviews (the daily tick) ------------------------------------------------------------------------

@transaction.atomic
def announce_overdue(*, actor: Actor, now: datetime | None = None) -> int:
    """Tell the reviewer (else the security team), the requester and the project's owner, once per
    review, that an open review is past its SLA; it is on the steering committee's queue from then on
    (`selectors.escalations`). The daily tick calls this."""
    from accord.core.permissions import ScheduledReader
    from accord.notifications.models import Event

    told = 0
    for row in selectors.queue(ScheduledReader(), now=now):  # type: ignore[arg-type]
        if not row.clock.breached or row.review.overdue_announced_at is not None:
            continue
        review = Review.objects.select_for_update(of=("self",)).get(pk=row.review.pk)
        if review.overdue_announced_at is not None:
            continue
        review.overdue_announced_at = timezone.now()
        review.save(update_fields=["overdue_announced_at"])
        over = -row.clock.remaining_hours
        audit.record(actor, "review.overdue", review, after={"sla_hours": review.sla_hours, "over_hours": over})
        _tell(Event.REVIEW_OVERDUE, _reviewers_of(row.review) + _project_people(row.review), row.review,
              f"Review of {row.review.project} is past its SLA ({review.sla_hours:g} business hours) by {over:.1f} "
              "business hours", "It is on the steering committee's queue until it is decided.")
        told += 1
    return told


__all__ = [
    "NewCondition", "add_condition", "announce_overdue", "answer_requester", "ask_requester",
    "change_tier", "close_condition", "confirm_review_sla", "create_project", "decide_review", "example_csv",
    "export_projects_csv", "import_projects_csv", "propose_review_sla", "request_review", "run_gate", "start_review",
    "triage_review", "update_calendar", "update_project", "withdraw_review_sla",
]
