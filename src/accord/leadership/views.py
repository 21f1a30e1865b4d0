"""Leadership pages: the home page, the CISO's time log, skills plans and the team's gaps, and the
technology radar. Every page needs `leadership.read`; what a page then shows is the selectors' to
decide (a time log or a plan the viewer may not read is a 404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.accounts import selectors as accounts
from accord.core import clock
from accord.core.errors import NotFound, ValidationFailed
from accord.core.permissions import Actor, can
from accord.core.web import capability_required, form_page, viewer
from accord.leadership import documents, radar, selectors, services, weeks
from accord.leadership.catalogue import catalogue
from accord.leadership.forms import (
    AssessmentForm,
    GoalForm,
    GoalStatusForm,
    LearningForm,
    MentorForm,
    PlanForm,
    RadarEntryForm,
    ShareForm,
    StanceForm,
    TimeEntryForm,
)
from accord.leadership.models import Quadrant, Stance

READ = selectors.READ


def _refused(request: HttpRequest, exc: ValidationFailed) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem))


def _form_refused(request: HttpRequest, form: Any, back: str) -> HttpResponse:
    for field, errors in form.errors.items():
        messages.error(request, f"{field}: {' '.join(str(e) for e in errors)}")
    return redirect(back)


def _post_action(request: HttpRequest, action: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run a button's service call; say what happened (or why not) and go back."""
    try:
        action()
    except ValidationFailed as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return redirect(back)


@capability_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    today = clock.today()
    own_log = can(actor, selectors.TIMELOG)
    report = selectors.time_report(actor, actor.pk, count=selectors.METRIC_WEEKS) if own_log else None
    plan = selectors.own_plan(actor)
    entries = list(selectors.radar_entries(actor))
    return render(request, "leadership/home.html", {
        "today": today, "report": report, "plan": plan,
        "plan_track": selectors.plan_goals_on_track(plan, today) if plan else None,
        "team_track": selectors.team_goals_on_track(today) if can(actor, selectors.TEAM) else None,
        "shared_logs": [o for o in selectors.time_logs_visible_to(actor) if o.pk != actor.pk],
        "mentees": selectors.mentees_of(actor),
        "radar_agreed": sum(1 for e in entries if e.stance), "radar_total": len(entries),
        "radar_pending": sum(1 for e in entries if e.signoff_id and e.proposed_stance),
    })


# The time log -------------------------------------------------------------------------------------------

def _log_owner(actor: Actor, username: str) -> Any:
    if not username or username == actor.username:
        return actor
    for owner in selectors.time_logs_visible_to(actor):
        if owner.username == username:
            return owner
    raise NotFound("time log of", username)


@capability_required(READ)
def time_log(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    owner = _log_owner(actor, request.GET.get("owner", ""))
    try:
        count = min(max(int(request.GET.get("weeks", selectors.DEFAULT_WEEKS)), 1), 104)
    except ValueError:
        count = selectors.DEFAULT_WEEKS
    own = owner.pk == actor.pk
    report = selectors.time_report(actor, owner.pk, count=count)
    mondays = [w.week for w in report.weeks]
    entries = list(selectors.entries_of(actor, owner.pk, since=mondays[0], until=mondays[-1]))
    longest = max((w.total for w in report.weeks), default=0) or 1
    may_log = own and can(actor, selectors.TIMELOG)
    form = TimeEntryForm(request.POST or None, initial={"week": weeks.label(weeks.monday_of(clock.today()))})

    def save(data: dict[str, Any]) -> Any:
        return services.log_time(actor=actor, **data)

    def saved(entry: Any) -> HttpResponse:
        messages.success(request, f"{entry} logged: {selectors.hours_text(entry.hours)} hours.")
        return redirect(reverse("leadership:time"))

    context = {
        "owner": owner, "own": own, "report": report, "entries": entries, "count": count, "may_log": may_log,
        "bars": [{"split": w, "strategic_pct": float(w.strategic / longest * 100),
                  "tactical_pct": float(w.tactical / longest * 100)} for w in report.weeks],
        "formula": selectors.SHARE_FORMULA, "logs": selectors.time_logs_visible_to(actor),
        "shares": selectors.shares_of(actor) if may_log else [], "share_form": ShareForm(),
    }
    if request.method == "POST" and not may_log:
        raise NotFound("time log of", owner.username)
    return form_page(request, form=form, save=save, template="leadership/time.html", context=context, success=saved)


@require_POST
@capability_required(selectors.TIMELOG)
def time_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    entry = selectors.entry_by_id(actor, pk)
    return _post_action(request, lambda: services.delete_time_entry(actor=actor, entry=entry),
                        f"{entry} deleted.", reverse("leadership:time"))


@require_POST
@capability_required(selectors.TIMELOG)
def time_share(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    form = ShareForm(request.POST)
    username = form.data.get("reader", "").strip()

    def share() -> None:
        try:
            reader = accounts.user_by_username(actor, username)
        except NotFound:
            raise ValidationFailed.field("reader", f"no user {username!r}") from None
        if request.POST.get("remove"):
            services.unshare_time_log(actor=actor, reader=reader)
        else:
            services.share_time_log(actor=actor, reader=reader)

    verb = "no longer shared with" if request.POST.get("remove") else "shared with"
    return _post_action(request, share, f"Your time log is {verb} {username}.", reverse("leadership:time"))


# Skills -------------------------------------------------------------------------------------------------

@capability_required(READ)
def skills(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    team = can(actor, selectors.TEAM)
    form = PlanForm(request.POST or None)

    def save(data: dict[str, Any]) -> Any:
        try:
            person = accounts.user_by_username(actor, data["person"])
        except NotFound:
            raise ValidationFailed.field("person", f"no user {data['person']!r}") from None
        return services.create_plan(actor=actor, person=person, title=data["title"])

    def saved(plan: Any) -> HttpResponse:
        messages.success(request, f"{plan.person.username} is in the skills matrix.")
        return redirect(reverse("leadership:plan", args=[plan.person.username]))

    if request.method == "POST" and not team:
        return redirect(reverse("leadership:skills"))
    plans = list(selectors.plans_visible_to(actor))
    return form_page(request, form=form, save=save, template="leadership/skills.html", success=saved, context={
        "plans": [{"plan": p, "track": selectors.plan_goals_on_track(p),
                   "gaps": sum(line.gap or 0 for line in selectors.skill_lines(p))} for p in plans],
        "own": selectors.own_plan(actor), "team": team,
        "gaps": selectors.team_gaps(actor) if team else [],
        "team_track": selectors.team_goals_on_track() if team else None,
        "catalogue": catalogue(), "today": clock.today(),
    })


def _assessment_roles(actor: Actor, plan: Any) -> list[tuple[str, str]]:
    roles = []
    if plan.person_id == actor.pk:
        roles.append(("self_level", "myself (own level)"))
    if selectors.is_mentor(actor, plan):
        roles.append(("mentor_level", "their mentor"))
    if can(actor, selectors.TEAM):
        roles.append(("target", "a leader (target level)"))
    return roles


@capability_required(READ)
def plan_detail(request: HttpRequest, username: str) -> HttpResponse:
    actor = viewer(request)
    plan = selectors.plan_of_username(actor, username)
    roles = _assessment_roles(actor, plan)
    today = clock.today()
    document = documents.plan_document(plan)
    may_edit = plan.person_id == actor.pk or can(actor, selectors.TEAM) or selectors.is_mentor(actor, plan)
    return render(request, "leadership/plan.html", {
        "plan": plan, "doc": document, "lines": selectors.skill_lines(plan), "today": today,
        "goals": plan.goals.order_by("due_on", "pk"), "mentorships": selectors.mentorships_of(plan),
        "learning": selectors.learning_of(plan), "levels": catalogue().levels,
        "assess_form": AssessmentForm(roles=roles) if roles else None, "may_edit": may_edit,
        "may_log_learning": plan.person_id == actor.pk or can(actor, selectors.TEAM),
        "team": can(actor, selectors.TEAM), "goal_form": GoalForm(), "learning_form": LearningForm(initial={"on": today}),
        "mentor_form": MentorForm(), "year_ago": today - timedelta(days=365),
    })


@require_POST
@capability_required(READ)
def plan_assess(request: HttpRequest, username: str) -> HttpResponse:
    actor = viewer(request)
    plan = selectors.plan_of_username(actor, username)
    form = AssessmentForm(request.POST, roles=_assessment_roles(actor, plan))
    back = reverse("leadership:plan", args=[username])
    if not form.is_valid():
        return _form_refused(request, form, back)
    data = form.cleaned_data
    return _post_action(request, lambda: services.assess_skill(actor=actor, plan=plan, skill=data["skill"],
                                                               **{data["as_"]: data["level"]}),
                        f"{catalogue().name_of(data['skill'])} assessed.", back)


def _form_post(request: HttpRequest, username: str, form: Any, call: Callable[[Actor, Any, dict[str, Any]], Any],
               done: str) -> HttpResponse:
    actor = viewer(request)
    plan = selectors.plan_of_username(actor, username)
    back = reverse("leadership:plan", args=[username])
    if not form.is_valid():
        return _form_refused(request, form, back)
    return _post_action(request, lambda: call(actor, plan, form.cleaned_data), done, back)


@require_POST
@capability_required(READ)
def plan_goal(request: HttpRequest, username: str) -> HttpResponse:
    return _form_post(request, username, GoalForm(request.POST),
                      lambda actor, plan, data: services.add_goal(actor=actor, plan=plan, **data), "Goal added.")


@require_POST
@capability_required(READ)
def plan_learning(request: HttpRequest, username: str) -> HttpResponse:
    return _form_post(request, username, LearningForm(request.POST),
                      lambda actor, plan, data: services.log_learning(actor=actor, plan=plan, **data), "Learning logged.")


@require_POST
@capability_required(selectors.TEAM)
def plan_mentor(request: HttpRequest, username: str) -> HttpResponse:
    def pair(actor: Actor, plan: Any, data: dict[str, Any]) -> Any:
        mentor = None
        if data["mentor"]:
            try:
                mentor = accounts.user_by_username(actor, data["mentor"])
            except NotFound:
                raise ValidationFailed.field("mentor", f"no user {data['mentor']!r}") from None
        return services.add_mentorship(actor=actor, plan=plan, mentor=mentor, external_name=data["external_name"],
                                       external_organisation=data["external_organisation"], focus=data["focus"])

    return _form_post(request, username, MentorForm(request.POST), pair, "Mentor paired.")


@require_POST
@capability_required(selectors.TEAM)
def mentorship_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    row = selectors.mentorship_by_id(actor, pk)
    return _post_action(request, lambda: services.end_mentorship(actor=actor, mentorship=row), "Mentoring ended.",
                        reverse("leadership:plan", args=[row.plan.person.username]))


@require_POST
@capability_required(READ)
def goal_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    goal = selectors.goal_by_id(actor, pk)
    form = GoalStatusForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else request.POST.get("status", "")
    return _post_action(request, lambda: services.set_goal_status(actor=actor, goal=goal, status=status),
                        f"Goal marked {status}.", reverse("leadership:plan", args=[goal.plan.person.username]))


# The radar -------------------------------------------------------------------------------------------------

def _radar_form_fields(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as the service takes them; a link to an unknown record is refused on the form."""
    fields = {**data, "prerequisites": data["prerequisites"].splitlines(), "project": data["project"] or None,
              "initiative": data["initiative"] or None}
    try:
        return documents.radar_fields(actor, fields)
    except NotFound as exc:
        raise ValidationFailed.field("project" if "project" in str(exc).lower() else "initiative"
                                     if "initiative" in str(exc) else "review_id", str(exc)) from None


def _ring_circles() -> list[dict[str, Any]]:
    return [{"radius": radius, "label": stance.label, "label_y": radar.CENTRE - radius + 14}
            for radius, stance in zip(radar.RING_RADII, Stance, strict=True)]


@capability_required(READ)
def radar_page(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    entries = list(selectors.radar_entries(actor))
    points = selectors.radar_points(entries)
    form = RadarEntryForm(request.POST or None)

    def save(data: dict[str, Any]) -> Any:
        return services.create_radar_entry(actor=actor, **_radar_form_fields(actor, data))

    def saved(entry: Any) -> HttpResponse:
        messages.success(request, f"{entry} is on the radar; propose a stance for the other leader to agree.")
        return redirect(reverse("leadership:radar_entry", args=[entry.pk]))

    if request.method == "POST" and not can(actor, selectors.WRITE):
        return redirect(reverse("leadership:radar"))
    quadrant_labels = [(q.label, x, y) for q, (x, y) in zip(Quadrant, ((500, 24), (20, 24), (20, 506), (500, 506)),
                                                             strict=True)]
    return form_page(request, form=form, save=save, template="leadership/radar.html", success=saved, context={
        "points": points, "unplaced": [e for e in entries if not e.stance and not e.proposed_stance],
        "rings": _ring_circles(), "size": radar.SIZE, "centre": radar.CENTRE, "quadrants": quadrant_labels,
        "may_write": can(actor, selectors.WRITE), "today": clock.today(),
        "by_quadrant": [(q.label, [p for p in points if p.entry.quadrant == q.value]) for q in Quadrant],
    })


@capability_required(READ)
def radar_entry(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    entry = selectors.radar_entry_by_id(actor, pk)
    pending = bool(entry.proposed_stance) and entry.signoff is not None and entry.signoff.is_open
    return render(request, "leadership/radar_entry.html", {
        "entry": entry, "doc": selectors.radar_document(entry, actor), "pending": pending,
        "may_write": can(actor, selectors.WRITE), "stance_form": StanceForm(),
        "is_proposer": pending and entry.signoff.requested_by_id == actor.pk,  # type: ignore[union-attr]
        "edit_form": RadarEntryForm(initial={
            "name": entry.name, "quadrant": entry.quadrant, "description": entry.description,
            "prerequisites": entry.prerequisites, "project": entry.project.slug if entry.project is not None else "",
            "review_id": entry.review_id, "initiative": entry.initiative.slug if entry.initiative is not None else ""}),
        "can_reviews": can(actor, "review.read"), "can_portfolio": can(actor, "portfolio.read"),
    })


@require_POST
@capability_required(selectors.WRITE)
def radar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    entry = selectors.radar_entry_by_id(actor, pk)
    form = RadarEntryForm(request.POST)
    back = reverse("leadership:radar_entry", args=[pk])
    if not form.is_valid():
        return _form_refused(request, form, back)
    def update() -> None:
        services.update_radar_entry(actor=actor, entry=entry, **_radar_form_fields(actor, form.cleaned_data))

    return _post_action(request, update, f"{entry.name} saved.", back)


@require_POST
@capability_required(selectors.WRITE)
def radar_stance(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    actor = viewer(request)
    entry = selectors.radar_entry_by_id(actor, pk)
    back = reverse("leadership:radar_entry", args=[pk])
    if step == "propose":
        form = StanceForm(request.POST)
        stance = form.cleaned_data["stance"] if form.is_valid() else request.POST.get("stance", "")
        return _post_action(request, lambda: services.propose_stance(
            actor=actor, entry=entry, stance=stance, reason=request.POST.get("reason", "")),
            "Stance proposed; the other leader agrees.", back)
    if step == "agree":
        return _post_action(request, lambda: services.agree_stance(actor=actor, entry=entry,
                                                                   comment=request.POST.get("comment", "")),
                            "Stance agreed.", back)
    if step == "withdraw":
        return _post_action(request, lambda: services.withdraw_stance(actor=actor, entry=entry),
                            "Proposal closed.", back)
    raise NotFound("step", step)
