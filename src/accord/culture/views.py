"""Culture pages: the overview, the champions programme (coverage per team, champions and their
activities), awareness campaigns (rates over time, the phishing-results upload) and the stakeholder map
(contacts, notes for those who may read them). Every figure comes from accord.culture.selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.core.clock import today
from accord.core.csv_files import read_upload
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, edit_record_page, form_page, show_problems, viewer
from accord.culture import selectors, services
from accord.culture.forms import (
    ActivityForm,
    CampaignForm,
    ChampionForm,
    ContactForm,
    PhishingUploadForm,
    ProgrammeTeamForm,
    StakeholderForm,
    StepDownForm,
)
from accord.culture.models import RelationshipOwner
from accord.metrics.selectors import read_now
from accord.org import selectors as org_selectors

READ, WRITE, STAKEHOLDER_WRITE = "culture.read", "culture.write", "stakeholder.write"
CULTURE_METRICS = ("champion_coverage", "phishing_click_rate", "phishing_report_rate", "stakeholder_contacts_overdue")
TONES = {"red": "tone-bad", "amber": "tone-warn"}


def _bar_width(value: float | None, top: float) -> float:
    return 0.0 if value is None or top <= 0 else round(100.0 * value / top, 1)


def _trend(rows: list[selectors.CampaignRow]) -> list[dict[str, Any]]:
    """Click and report rates per exercise, oldest first, as bar widths on one scale."""
    top = max((max(r.phishing.click_rate or 0, r.phishing.report_rate or 0) for r in rows if r.phishing),
              default=0.0) or 100.0
    return [{"row": r, "click_w": _bar_width(r.phishing.click_rate, top), "report_w": _bar_width(r.phishing.report_rate, top)}
            for r in rows if r.phishing]


@capability_required(READ)
def home(request: HttpRequest) -> HttpResponse:
    me = viewer(request)
    figures = selectors.coverage(me)
    trend = selectors.phishing_trend(me)
    overdue, total = selectors.overdue_count(me)
    # The tiles take their colour from the scorecard, so thresholds the leaders agreed apply here too.
    metrics = {m.key: m for m in read_now(me, keys=list(CULTURE_METRICS))}
    tones = {key: TONES.get(m.status, "") for key, m in metrics.items()}
    return render(request, "culture/home.html", {
        "coverage": figures, "latest": trend[-1] if trend else None, "trend": _trend(trend),
        "overdue": overdue, "stakeholders": total, "mine": selectors.overdue_contacts(me), "tones": tones,
        "thresholds": {key: m.thresholds for key, m in metrics.items()},
    })


# Champions ------------------------------------------------------------------------------------------

@capability_required(READ)
def champions(request: HttpRequest) -> HttpResponse:
    me = viewer(request)
    figures = selectors.coverage(me)
    in_programme = selectors.programme_team_ids()
    return render(request, "culture/champions.html", {
        "coverage": figures, "champions": selectors.champions_visible_to(me),
        "team_form": ProgrammeTeamForm(viewer=me, exclude=in_programme) if can(me, WRITE) else None,
        "can_write": can(me, WRITE),
    })


@require_POST
@capability_required(WRITE)
def programme_team(request: HttpRequest) -> HttpResponse:
    """Add a team to the programme (`team`), or take one out (`remove`)."""
    me = viewer(request)
    try:
        if request.POST.get("remove"):
            team = org_selectors.team_by_id(me, int(request.POST["remove"]))
            services.remove_programme_team(actor=me, team=team)
            messages.success(request, f"{team} is no longer in the champions programme.")
        else:
            form = ProgrammeTeamForm(request.POST, viewer=me, exclude=selectors.programme_team_ids())
            if not form.is_valid():
                raise ValidationFailed.field("team", "choose a team that is not in the programme yet")
            services.add_programme_team(actor=me, team=form.cleaned_data["team"])
            messages.success(request, f"{form.cleaned_data['team']} is now in the champions programme.")
    except (ValidationFailed, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("culture:champions")


@capability_required(WRITE)
def champion_new(request: HttpRequest) -> HttpResponse:
    me = viewer(request)
    form = ChampionForm(request.POST or None, viewer=me)

    def save(data: dict[str, Any]) -> Any:
        return services.appoint_champion(actor=me, person=data["person"], team=data["team"],
                                         appointed_on=data["appointed_on"], focus=data["focus"])

    def done(champion: Any) -> HttpResponse:
        messages.success(request, f"{champion} appointed.")
        return redirect("culture:champion", champion.pk)

    return form_page(request, form=form, save=save, template="culture/form.html",
                     context={"title": "Appoint a security champion", "back": reverse("culture:champions")},
                     success=done)


@capability_required(READ)
def champion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    me = viewer(request)
    champion = selectors.champion_by_id(me, pk)
    activity_form = ActivityForm(request.POST if request.POST.get("form") == "activity" else None)
    step_form = StepDownForm(request.POST if request.POST.get("form") == "step_down" else None)
    if request.method == "POST":
        if not can(me, WRITE):
            raise NotAllowed(WRITE)
        try:
            if activity_form.is_bound and activity_form.is_valid():
                services.log_champion_activity(actor=me, champion=champion, **activity_form.cleaned_data)
                messages.success(request, "Activity recorded.")
                return redirect("culture:champion", pk)
            if step_form.is_bound and step_form.is_valid():
                services.step_down_champion(actor=me, champion=champion, on=step_form.cleaned_data["on"])
                messages.success(request, f"{champion} stepped down.")
                return redirect("culture:champion", pk)
        except ValidationFailed as exc:
            show_problems(activity_form if activity_form.is_bound else step_form, exc)
    status = 422 if (activity_form.is_bound and activity_form.errors) or (step_form.is_bound and step_form.errors) else 200
    return render(request, "culture/champion.html", {
        "champion": champion, "activities": selectors.activities_of(me, champion), "can_write": can(me, WRITE),
        "activity_form": activity_form, "step_form": step_form,
    }, status=status)


# Campaigns ------------------------------------------------------------------------------------------

@capability_required(READ)
def campaigns(request: HttpRequest) -> HttpResponse:
    me = viewer(request)
    return render(request, "culture/campaigns.html", {
        "rows": selectors.campaign_rows(me), "trend": _trend(selectors.phishing_trend(me)),
    })


@capability_required(WRITE)
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    me = viewer(request)
    instance = selectors.campaign_by_id(me, pk).campaign if pk else None

    def save(form: Any, data: dict[str, Any]) -> Any:
        if instance is None:
            return services.create_campaign(actor=me, **data)
        return services.update_campaign(actor=me, campaign=instance, **data)

    return edit_record_page(request, form_class=CampaignForm, instance=instance, kind="campaign",
                            template="culture/form.html", save=save,
                            next_url=lambda c: reverse("culture:campaign", args=[c.pk]),
                            context={"title": f"Edit {instance}" if instance else "New awareness campaign",
                                     "back": reverse("culture:campaigns")})


@capability_required(READ)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    me = viewer(request)
    row = selectors.campaign_by_id(me, pk)
    form = PhishingUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can(me, WRITE):
            raise NotAllowed(WRITE)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.import_phishing_results(
                    actor=me, campaign=row.campaign, raw=read_upload(upload, upload.name), filename=upload.name)
            except ValidationFailed as exc:
                show_problems(form, exc)
            else:
                messages.success(request, f"{upload.name}: {report.recipients} recipients imported "
                                          f"({report.layout} layout), replacing {report.replaced}.")
                return redirect("culture:campaign", pk)
    return render(request, "culture/campaign.html", {"row": row, "form": form, "can_write": can(me, WRITE)},
                  status=422 if form.errors else 200)


# Stakeholders ---------------------------------------------------------------------------------------

@capability_required(READ)
def stakeholders(request: HttpRequest) -> HttpResponse:
    me = viewer(request)
    overdue_only = request.GET.get("overdue") == "yes"
    owner = request.GET.get("owner", "")
    owner = owner if owner in RelationshipOwner.values else ""
    rows = selectors.stakeholder_rows(me, overdue_only=overdue_only, owner=owner)
    return render(request, "culture/stakeholders.html", {
        "rows": rows, "overdue_only": overdue_only, "owner": owner, "owners": RelationshipOwner.choices,
        "as_of": today(), "can_write": can(me, STAKEHOLDER_WRITE),
    })


@capability_required(STAKEHOLDER_WRITE)
def stakeholder_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    me = viewer(request)
    instance = selectors.stakeholder_by_id(me, pk).stakeholder if pk else None

    class BoundForm(StakeholderForm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, viewer=me, **kwargs)

    def save(form: Any, data: dict[str, Any]) -> Any:
        if instance is None:
            return services.create_stakeholder(actor=me, **data)
        return services.update_stakeholder(actor=me, stakeholder=instance, **data)

    return edit_record_page(request, form_class=BoundForm, instance=instance, kind="stakeholder",
                            template="culture/form.html", save=save,
                            next_url=lambda s: reverse("culture:stakeholder", args=[s.pk]),
                            context={"title": f"Edit {instance}" if instance else "New stakeholder",
                                     "back": reverse("culture:stakeholders")})


@capability_required(READ)
def stakeholder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    me = viewer(request)
    row = selectors.stakeholder_by_id(me, pk)
    may_log = selectors.can_log_contact(me, row.stakeholder)
    form = ContactForm(request.POST or None)
    if request.method == "POST":
        if not may_log:
            raise NotAllowed(STAKEHOLDER_WRITE)
        if form.is_valid():
            try:
                services.log_contact(actor=me, stakeholder=row.stakeholder, **form.cleaned_data)
            except ValidationFailed as exc:
                show_problems(form, exc)
            else:
                messages.success(request, f"Contact with {row.stakeholder.name} logged.")
                return redirect("culture:stakeholder", pk)
    return render(request, "culture/stakeholder.html", {
        "row": row, "contacts": selectors.contacts_of(me, row.stakeholder), "form": form, "may_log": may_log,
        "can_edit": can(me, STAKEHOLDER_WRITE),
    }, status=422 if form.errors else 200)
