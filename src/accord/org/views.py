"""Organisation pages: lists with filters and pagination, detail pages, create/edit, asset import."""

from __future__ import annotations

from typing import Any

from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accord.core.errors import ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, edit_record_page, is_partial, paginate, viewer
from accord.org import selectors, services
from accord.org.asset_import import COLUMNS, example_csv, import_assets_csv
from accord.org.forms import AssetForm, AssetImportForm, BusinessServiceForm, PersonForm, TeamForm
from accord.org.models import AssetKind, BusinessService, Environment, Team
from accord.vulns import selectors as vuln_selectors

PANEL_ROWS = 20  # findings shown on an asset or service page, most urgent first


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() else None


def _yes_no(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get((value or "").lower())


def _edit(request: HttpRequest, *, form_class: type[ModelForm], instance: Any, kind: str, create: Any,
          update: Any, detail_url: str) -> HttpResponse:
    """Create (instance None) or edit one record through its service."""
    actor = viewer(request)

    def save(_form: Any, data: dict[str, Any]) -> Any:
        return create(actor=actor, **data) if instance is None else update(actor, instance, data)

    return edit_record_page(request, form_class=form_class, instance=instance, kind=kind, template="org/edit.html",
                            save=save, next_url=lambda saved: reverse(detail_url, args=[saved.pk]))


# Assets -------------------------------------------------------------------------------------

@capability_required("org.read")
def assets(request: HttpRequest) -> HttpResponse:
    g = request.GET
    filters = selectors.AssetFilter(
        q=g.get("q", "").strip(), environment=g.get("environment", ""), kind=g.get("kind", ""),
        business_service=_int(g.get("business_service")), team=_int(g.get("team")),
        internet_exposed=_yes_no(g.get("internet_exposed")), tag=g.get("tag", "").strip(),
        discovered=_yes_no(g.get("discovered")),
    )
    page, query = paginate(request, selectors.assets_visible_to(viewer(request), filters))
    context = {"page": page, "query": query, "filters": g, "environments": Environment.choices,
               "kinds": AssetKind.choices, "services": BusinessService.objects.only("id", "name"),
               "teams": Team.objects.only("id", "name")}
    return render(request, "org/_asset_rows.html" if is_partial(request) else "org/assets.html", context)


def _findings_panel(user: Any, filters: vuln_selectors.FindingFilter, query: str) -> dict[str, Any]:
    """The most urgent open findings and their tiles, for users who may see vulnerabilities (read through
    the vulns app's selectors); `query` is the findings-list filter that shows them all."""
    if not can(user, "vuln.read"):
        return {}
    return {"findings": vuln_selectors.finding_rows(user, filters, page_size=PANEL_ROWS), "findings_query": query}


@capability_required("org.read")
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    asset = selectors.asset_by_id(user, pk)
    return render(request, "org/asset_detail.html", {
        "asset": asset, **_findings_panel(user, vuln_selectors.FindingFilter(asset=pk), f"asset={pk}")})


@capability_required("org.write")
def asset_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.asset_by_id(viewer(request), pk) if pk else None
    return _edit(request, form_class=AssetForm, instance=instance, kind="asset", create=services.create_asset,
                 update=lambda actor, obj, data: services.update_asset(actor=actor, asset=obj, **data),
                 detail_url="org:asset")


@capability_required("org.import")
def asset_import(request: HttpRequest) -> HttpResponse:
    form = AssetImportForm(request.POST or None, request.FILES or None)
    report, problems = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_assets_csv(actor=viewer(request), file=upload, filename=upload.name)
        except ValidationFailed as exc:
            problems = exc
    return render(request, "org/asset_import.html", {
        "form": form, "report": report, "problems": problems, "columns": COLUMNS, "example": example_csv(),
    }, status=422 if problems else 200)


# Business services --------------------------------------------------------------------------

@capability_required("org.read")
def business_services(request: HttpRequest) -> HttpResponse:
    return render(request, "org/services.html", {"services": selectors.services_visible_to(viewer(request))})


@capability_required("org.read")
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    service = selectors.service_by_id(user, pk)
    page, query = paginate(request, selectors.assets_visible_to(user, selectors.AssetFilter(business_service=pk)))
    return render(request, "org/service_detail.html", {
        "service": service, "page": page, "query": query,
        **_findings_panel(user, vuln_selectors.FindingFilter(service=pk), f"service={pk}")})


@capability_required("org.write")
def service_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.service_by_id(viewer(request), pk) if pk else None
    return _edit(request, form_class=BusinessServiceForm, instance=instance, kind="business service",
                 create=services.create_business_service,
                 update=lambda actor, obj, data: services.update_business_service(actor=actor, service=obj, **data),
                 detail_url="org:service")


# Teams --------------------------------------------------------------------------------------

@capability_required("org.read")
def teams(request: HttpRequest) -> HttpResponse:
    return render(request, "org/teams.html", {"teams": selectors.teams_visible_to(viewer(request))})


@capability_required("org.read")
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    team = selectors.team_by_id(user, pk)
    return render(request, "org/team_detail.html", {
        "team": team, "members": selectors.people_visible_to(user, team=pk),
        "assets": selectors.assets_visible_to(user, selectors.AssetFilter(team=pk))[:25],
    })


@capability_required("org.write")
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.team_by_id(viewer(request), pk) if pk else None
    return _edit(request, form_class=TeamForm, instance=instance, kind="team", create=services.create_team,
                 update=lambda actor, obj, data: services.update_team(actor=actor, team=obj, **data),
                 detail_url="org:team")


# People -------------------------------------------------------------------------------------

@capability_required("org.read")
def people(request: HttpRequest) -> HttpResponse:
    q, team = request.GET.get("q", "").strip(), _int(request.GET.get("team"))
    page, query = paginate(request, selectors.people_visible_to(viewer(request), q=q, team=team))
    context = {"page": page, "query": query, "filters": request.GET, "teams": Team.objects.only("id", "name")}
    return render(request, "org/_people_rows.html" if is_partial(request) else "org/people.html", context)


@capability_required("org.read")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_by_id(viewer(request), pk)
    return render(request, "org/person_detail.html", {"person": person, "owned": person.services_owned.all()})


@capability_required("org.write")
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = selectors.person_by_id(viewer(request), pk) if pk else None
    return _edit(request, form_class=PersonForm, instance=instance, kind="person", create=services.create_person,
                 update=lambda actor, obj, data: services.update_person(actor=actor, person=obj, **data),
                 detail_url="org:person")
