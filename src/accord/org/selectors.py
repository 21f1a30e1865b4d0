"""Permission-scoped reads of the organisation model, with the filters the pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from accord.core.errors import NotFound
from accord.core.permissions import Actor, HasCapabilities, require
from accord.org.models import Asset, BusinessService, OrgSettings, Person, Team, normalise_tags


@dataclass(frozen=True)
class AssetFilter:
    q: str = ""
    environment: str = ""
    kind: str = ""
    business_service: int | None = None
    team: int | None = None
    internet_exposed: bool | None = None
    tag: str = ""
    discovered: bool | None = None


def assets_visible_to(viewer: HasCapabilities, filters: AssetFilter | None = None) -> QuerySet[Asset]:
    require(viewer, "org.read")
    f = filters or AssetFilter()
    qs = Asset.objects.select_related("business_service", "team").order_by("hostname")
    if f.q:
        qs = qs.filter(Q(hostname__icontains=f.q.strip()) | Q(ip_address__startswith=f.q.strip())
                       | Q(operating_system__icontains=f.q.strip()))
    if f.environment:
        qs = qs.filter(environment=f.environment)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.business_service:
        qs = qs.filter(business_service_id=f.business_service)
    if f.team:
        qs = qs.filter(team_id=f.team)
    if f.internet_exposed is not None:
        qs = qs.filter(internet_exposed=f.internet_exposed)
    if f.tag and (tag := normalise_tags(f.tag)):
        qs = qs.filter(tags__contains=tag)
    if f.discovered is not None:
        qs = qs.filter(discovered_by_scan=f.discovered)
    return qs


def asset_by_id(viewer: HasCapabilities, asset_id: int) -> Asset:
    asset = assets_visible_to(viewer).filter(pk=asset_id).first()
    if asset is None:
        raise NotFound("asset", asset_id)
    return asset


def services_visible_to(viewer: HasCapabilities) -> QuerySet[BusinessService]:
    require(viewer, "org.read")
    return BusinessService.objects.select_related("owner").annotate(asset_count=Count("assets"))


def service_by_id(viewer: HasCapabilities, service_id: int) -> BusinessService:
    service = services_visible_to(viewer).filter(pk=service_id).first()
    if service is None:
        raise NotFound("business service", service_id)
    return service


def teams_visible_to(viewer: HasCapabilities) -> QuerySet[Team]:
    require(viewer, "org.read")
    return Team.objects.annotate(member_count=Count("members", distinct=True),
                                 asset_count=Count("assets", distinct=True))


def team_by_id(viewer: HasCapabilities, team_id: int) -> Team:
    team = teams_visible_to(viewer).filter(pk=team_id).first()
    if team is None:
        raise NotFound("team", team_id)
    return team


def people_visible_to(viewer: HasCapabilities, *, q: str = "", team: int | None = None) -> QuerySet[Person]:
    require(viewer, "org.read")
    qs = Person.objects.select_related("team", "user")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(job_title__icontains=q))
    if team:
        qs = qs.filter(team_id=team)
    return qs


def person_by_id(viewer: HasCapabilities, person_id: int) -> Person:
    person = people_visible_to(viewer).filter(pk=person_id).first()
    if person is None:
        raise NotFound("person", person_id)
    return person


@dataclass(frozen=True)
class OrgOverview:
    services: int
    teams: int
    people: int
    assets: int
    internet_exposed: int
    discovered_unassigned: int
    assets_by_environment: list[tuple[str, int]]


def org_overview(viewer: HasCapabilities) -> OrgOverview:
    require(viewer, "org.read")
    by_env = Asset.objects.order_by().values_list("environment").annotate(n=Count("id"))
    labels = dict(Asset._meta.get_field("environment").choices or [])
    return OrgOverview(
        services=BusinessService.objects.count(),
        teams=Team.objects.count(),
        people=Person.objects.count(),
        assets=Asset.objects.count(),
        internet_exposed=Asset.objects.filter(internet_exposed=True).count(),
        discovered_unassigned=Asset.objects.filter(discovered_by_scan=True, business_service__isnull=True).count(),
        assets_by_environment=sorted(((str(labels.get(env, env)), n) for env, n in by_env), key=lambda x: -x[1]),
    )


def services_owned_by(viewer: Actor) -> QuerySet[BusinessService]:
    """Business services whose owner is the viewer's entry in the directory."""
    require(viewer, "org.read")
    return BusinessService.objects.filter(owner__user_id=viewer.pk).order_by("name")


def second_factor_roles() -> frozenset[str]:
    """The roles whose holders must have a second factor (no viewer: the sign-in path asks it for
    every user, and the policy is no secret)."""
    row = OrgSettings.objects.filter(pk=1).only("second_factor_roles").first()
    return frozenset(row.second_factor_roles) if row is not None else frozenset()
