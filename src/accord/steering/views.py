"""The steering room's pages: the home (next meeting, open actions, recent decisions), a meeting
(its agenda grouped by source with each item's figures, its decisions, minutes), deciding an item,
the follow-up actions, the members and settings, and the steering pack (page, print job, PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.core import clock
from accord.core.errors import ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, show_problems, viewer
from accord.org import selectors as org_selectors
from accord.steering import selectors, services
from accord.steering.forms import (
    CloseForm,
    DecisionForm,
    FollowUpForm,
    ItemForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    SettingsForm,
)
from accord.steering.models import FollowUpStatus, ItemStatus, MeetingStatus
from accord.steering.pack import pack_context

READ, WRITE, DECIDE = "steering.read", "steering.write", "steering.decide"
FOLLOW_UP_ROWS = 3


def _refused(request: HttpRequest, exc: ValidationFailed) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem))


def _caps(request: HttpRequest) -> dict[str, bool]:
    user = viewer(request)
    return {"can_write": can(user, WRITE), "can_decide": can(user, DECIDE)}


# Home ---------------------------------------------------------------------------------------------------

@capability_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    meeting = selectors.next_meeting(user)
    open_items = list(selectors.items_of(user, meeting, status=ItemStatus.OPEN)) if meeting else []
    today = clock.today()
    actions = list(selectors.follow_ups_visible_to(user, status=FollowUpStatus.OPEN))
    return render(request, "steering/home.html", {
        "meeting": meeting, "groups": selectors.grouped(open_items), "item_count": len(open_items),
        "members": selectors.members_visible_to(user), "today": today,
        "actions": [(a, selectors.is_overdue(a, today)) for a in actions],
        "overdue_count": sum(1 for a in actions if selectors.is_overdue(a, today)),
        "held": selectors.meetings_visible_to(user, status=MeetingStatus.HELD)[:6],
        "scheduled": selectors.meetings_visible_to(user, status=MeetingStatus.SCHEDULED).order_by("starts_at")[:6],
        "decisions": selectors.committee_decisions(user)[:8], **_caps(request),
    })


# Meetings -----------------------------------------------------------------------------------------------

@capability_required(WRITE)
def new_meeting(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        starts = data["starts_at"]
        data["starts_at"] = timezone.make_aware(starts, clock.zone()) if timezone.is_naive(starts) else starts
        try:
            meeting = services.schedule_meeting(actor=viewer(request), **data)
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"{meeting} scheduled.")
            return redirect("steering:meeting", meeting.pk)
    return render(request, "steering/form.html", {"form": form, "heading": "Schedule a meeting",
                                                  "submit": "Schedule"}, status=422 if form.errors else 200)


@capability_required(READ)
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    meeting = selectors.meeting_by_id(user, pk)
    items = list(selectors.items_of(user, meeting))
    decisions = selectors.committee_decisions(user, meeting=meeting)
    by_item: dict[int, list[Any]] = {}
    for row in reversed(decisions):  # oldest first under each item
        by_item.setdefault(row.item.pk, []).append(row)
    for item in items:
        item.committee_decisions = by_item.get(item.pk, [])  # type: ignore[attr-defined]
    return render(request, "steering/meeting.html", {
        "meeting": meeting, "groups": selectors.grouped([i for i in items if i.status != ItemStatus.RESOLVED]),
        "resolved": [i for i in items if i.status == ItemStatus.RESOLVED], "decisions": decisions,
        "started": selectors.meeting_has_started(meeting),
        "packs": selectors.packs_of(user, meeting)[:5], "today": clock.today(), **_caps(request),
    })


def _meeting_action(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponse:
    user = viewer(request)
    meeting = selectors.meeting_by_id(user, pk)
    try:
        result = act(user, meeting)
    except ValidationFailed as exc:
        _refused(request, exc)
    else:
        messages.success(request, done.format(result=result))
    return redirect("steering:meeting", meeting.pk)


@require_POST
@capability_required(WRITE)
def build(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_action(request, pk, lambda u, m: services.build_agenda(actor=u, meeting=m).summary(),
                           "Agenda built: {result}.")


@require_POST
@capability_required(WRITE)
def announce(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_action(request, pk, lambda u, m: services.announce_agenda(actor=u, meeting=m),
                           "Agenda sent to {result} member(s).")


@capability_required(WRITE)
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    meeting = selectors.meeting_by_id(user, pk)
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.add_item(actor=user, meeting=meeting, **form.cleaned_data)
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"Added: {item}.")
            return redirect(f"/steering/meetings/{meeting.pk}/#item-{item.pk}")
    return render(request, "steering/form.html", {"form": form, "heading": f"Add an item to {meeting}",
                                                  "submit": "Add to the agenda", "meeting": meeting},
                  status=422 if form.errors else 200)


@capability_required(WRITE)
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    meeting = selectors.meeting_by_id(user, pk)
    members = selectors.members_visible_to(user, active_only=False)
    form = MinutesForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        people = [selectors.assignable_user("attendees", name) for name in form.cleaned_data["attendees"]]
        try:
            services.record_minutes(actor=user, meeting=meeting, minutes=form.cleaned_data["minutes"],
                                    attendees=people)
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, "Minutes recorded; the meeting is marked held.")
            return redirect("steering:meeting", meeting.pk)
    return render(request, "steering/form.html", {"form": form, "heading": f"Minutes of {meeting}",
                                                  "submit": "Record the minutes", "meeting": meeting},
                  status=422 if form.errors else 200)


# Deciding an item ---------------------------------------------------------------------------------------

@capability_required(DECIDE)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    item = selectors.item_by_id(user, pk)
    previous = selectors.latest_decision_of(item)
    users = selectors.assignable_users()
    data = request.POST or None
    form = DecisionForm(data, initial={"question": item.title, "reverses_id": previous.decision_id if previous else None})
    actions = [FollowUpForm(data, users=users, prefix=f"a{k}") for k in range(FOLLOW_UP_ROWS)]
    if request.method == "POST" and form.is_valid() and all(a.is_valid() for a in actions):
        try:
            drafts = [services.FollowUpDraft(a.cleaned_data["title"],
                                             selectors.assignable_user(f"follow_ups[{k}].owner", a.cleaned_data["owner"])
                                             if a.cleaned_data["owner"] else None, a.cleaned_data["due_on"])
                      for k, a in enumerate(actions) if a.cleaned_data["title"]]
            services.decide(actor=user, item=item, follow_ups=drafts, **form.cleaned_data)
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, "Decision recorded on the decision log.")
            return redirect(f"/steering/meetings/{item.meeting_id}/#item-{item.pk}")
    return render(request, "steering/decide.html", {
        "item": item, "form": form, "actions": actions, "previous": previous,
        "history": selectors.committee_decisions(user, item=item)}, status=422 if form.errors else 200)


# Follow-up actions ----------------------------------------------------------------------------------------

@capability_required(READ)
def actions(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    status = request.GET.get("status", "open")
    status = status if status in FollowUpStatus.values else ""
    today = clock.today()
    rows = [(a, selectors.is_overdue(a, today)) for a in selectors.follow_ups_visible_to(user, status=status)]
    return render(request, "steering/actions.html", {"rows": rows, "status": status, "today": today,
                                                     "user_pk": user.pk, **_caps(request)})


@require_POST
@capability_required(READ)
def close_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    form = CloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        action = services.close_follow_up(actor=user, follow_up=selectors.follow_up_by_id(user, pk), note=note)
    except ValidationFailed as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Done: {action}.")
    return redirect("steering:actions")


# Members and settings --------------------------------------------------------------------------------------

@capability_required(READ)
def members(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    if not can(user, WRITE):  # readers see the seats and the thresholds, not the forms
        return render(request, "steering/members.html", {
            "members": selectors.members_visible_to(user, active_only=False),
            "settings": selectors.committee_settings(user), **_caps(request)})
    form = MemberForm(request.POST or None, users=selectors.assignable_users(),
                      services=org_selectors.services_visible_to(user))
    rules = selectors.committee_settings(user)
    settings_form = SettingsForm(initial={"breach_threshold": rules.breach_threshold,
                                          "kev_breach_threshold": rules.kev_breach_threshold})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service = (org_selectors.service_by_id(user, int(data["business_service"]))
                       if data["business_service"] else None)
            services.add_member(actor=user, user=selectors.assignable_user("user", data["user"]), seat=data["seat"],
                                business_service=service)
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, "Member added.")
            return redirect("steering:members")
    return render(request, "steering/members.html", {
        "members": selectors.members_visible_to(user, active_only=False), "form": form,
        "settings_form": settings_form, **_caps(request)}, status=422 if form.errors else 200)


@require_POST
@capability_required(WRITE)
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    try:
        member = services.remove_member(actor=user, member=selectors.member_by_id(user, pk))
    except ValidationFailed as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"{member.user} left the committee.")
    return redirect("steering:members")


@require_POST
@capability_required(WRITE)
def settings_page(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(str(e) for e in errors)}")
        return redirect("steering:members")
    try:
        services.update_settings(actor=viewer(request), **form.cleaned_data)
    except ValidationFailed as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Agenda thresholds saved; they apply at the next build.")
    return redirect("steering:members")


# The steering pack ---------------------------------------------------------------------------------------------

@capability_required(READ)
def next_pack(request: HttpRequest) -> HttpResponse:
    meeting = selectors.next_meeting(viewer(request))
    if meeting is None:
        messages.info(request, "No meeting is scheduled: schedule one to prepare its pack.")
        return redirect("steering:home")
    return redirect("steering:pack", meeting.pk)


@capability_required(READ)
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    meeting = selectors.meeting_by_id(user, pk)
    document = selectors.pack_document(user, meeting)
    return render(request, "steering/pack.html", {**pack_context(document), "meeting": meeting,
                                                  "packs": selectors.packs_of(user, meeting)[:5], **_caps(request)})


@require_POST
@capability_required(WRITE)
def print_pack(request: HttpRequest, pk: int) -> HttpResponse:
    from accord.jobs.services import start_job

    user = viewer(request)
    meeting = selectors.meeting_by_id(user, pk)
    job = start_job(actor=user, kind="steering.pack", title=f"Steering pack for {meeting.title}",
                    args={"meeting": meeting.pk})
    return redirect("jobs:detail", job.pk)


@capability_required(READ)
def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.pack_by_id(viewer(request), pk)
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="steering-pack-{found.pk}.pdf"'
    return response
