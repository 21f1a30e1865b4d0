"""Organisation API: business services, teams, people and assets (CRUD), and the asset CSV import."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status, UploadedFile

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, Page, changes_of, paginate
from accord.org import selectors, services
from accord.org.asset_import import import_assets_csv
from accord.org.schemas import (
    AssetIn,
    AssetOut,
    AssetPatch,
    AssetQuery,
    ImportReportOut,
    PeopleQuery,
    PersonIn,
    PersonOut,
    PersonPatch,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    TeamIn,
    TeamOut,
    TeamPatch,
)

router = Router(tags=["organisation"])
READ, WRITE = Capability("org.read"), Capability("org.write")


# Business services -----------------------------------------------------------------------------

@router.get("/services", response={200: list[ServiceOut], **REFUSALS}, auth=READ)
def list_services(request: HttpRequest) -> Any:
    return selectors.services_visible_to(acting_user(request))


@router.get("/services/{service_id}", response={200: ServiceOut, **REFUSALS}, auth=READ)
def get_service(request: HttpRequest, service_id: DbId) -> Any:
    return selectors.service_by_id(acting_user(request), service_id)


@router.post("/services", response={201: ServiceOut, **REFUSALS}, auth=WRITE)
def create_service(request: HttpRequest, payload: ServiceIn) -> Any:
    return Status(201, services.create_business_service(actor=acting_user(request), **payload.dict()))


@router.patch("/services/{service_id}", response={200: ServiceOut, **REFUSALS}, auth=WRITE)
def update_service(request: HttpRequest, service_id: DbId, payload: ServicePatch) -> Any:
    actor = acting_user(request)
    service = selectors.service_by_id(actor, service_id)
    return services.update_business_service(actor=actor, service=service, **changes_of(payload))


# Teams -----------------------------------------------------------------------------------------

@router.get("/teams", response={200: list[TeamOut], **REFUSALS}, auth=READ)
def list_teams(request: HttpRequest) -> Any:
    return selectors.teams_visible_to(acting_user(request))


@router.get("/teams/{team_id}", response={200: TeamOut, **REFUSALS}, auth=READ)
def get_team(request: HttpRequest, team_id: DbId) -> Any:
    return selectors.team_by_id(acting_user(request), team_id)


@router.post("/teams", response={201: TeamOut, **REFUSALS}, auth=WRITE)
def create_team(request: HttpRequest, payload: TeamIn) -> Any:
    return Status(201, services.create_team(actor=acting_user(request), **payload.dict()))


@router.patch("/teams/{team_id}", response={200: TeamOut, **REFUSALS}, auth=WRITE)
def update_team(request: HttpRequest, team_id: DbId, payload: TeamPatch) -> Any:
    actor = acting_user(request)
    return services.update_team(actor=actor, team=selectors.team_by_id(actor, team_id), **changes_of(payload))


# People ----------------------------------------------------------------------------------------

@router.get("/people", response={200: Page[PersonOut], **REFUSALS}, auth=READ)
def list_people(request: HttpRequest, query: Query[PeopleQuery]) -> Any:
    people = selectors.people_visible_to(acting_user(request), q=query.q, team=query.team)
    return paginate(people, page=query.page, page_size=query.page_size)


@router.get("/people/{person_id}", response={200: PersonOut, **REFUSALS}, auth=READ)
def get_person(request: HttpRequest, person_id: DbId) -> Any:
    return selectors.person_by_id(acting_user(request), person_id)


@router.post("/people", response={201: PersonOut, **REFUSALS}, auth=WRITE)
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    return Status(201, services.create_person(actor=acting_user(request), **payload.dict()))


@router.patch("/people/{person_id}", response={200: PersonOut, **REFUSALS}, auth=WRITE)
def update_person(request: HttpRequest, person_id: DbId, payload: PersonPatch) -> Any:
    actor = acting_user(request)
    person = selectors.person_by_id(actor, person_id)
    return services.update_person(actor=actor, person=person, **changes_of(payload))


# Assets ----------------------------------------------------------------------------------------

@router.get("/assets", response={200: Page[AssetOut], **REFUSALS}, auth=READ)
def list_assets(request: HttpRequest, query: Query[AssetQuery]) -> Any:
    filters = selectors.AssetFilter(**query.dict(exclude={"page", "page_size"}))
    assets = selectors.assets_visible_to(acting_user(request), filters)
    return paginate(assets, page=query.page, page_size=query.page_size)


# Declared before /assets/{asset_id} so that 'import' is not taken for an id.
@router.post("/assets/import", response={200: ImportReportOut, **REFUSALS}, auth=Capability("org.import"))
def import_assets(request: HttpRequest, file: File[UploadedFile]) -> Any:
    return import_assets_csv(actor=acting_user(request), file=file, filename=file.name or "upload.csv")


@router.get("/assets/{asset_id}", response={200: AssetOut, **REFUSALS}, auth=READ)
def get_asset(request: HttpRequest, asset_id: DbId) -> Any:
    return selectors.asset_by_id(acting_user(request), asset_id)


@router.post("/assets", response={201: AssetOut, **REFUSALS}, auth=WRITE)
def create_asset(request: HttpRequest, payload: AssetIn) -> Any:
    return Status(201, services.create_asset(actor=acting_user(request), **payload.dict()))


@router.patch("/assets/{asset_id}", response={200: AssetOut, **REFUSALS}, auth=WRITE)
def update_asset(request: HttpRequest, asset_id: DbId, payload: AssetPatch) -> Any:
    actor = acting_user(request)
    asset = selectors.asset_by_id(actor, asset_id)
    return services.update_asset(actor=actor, asset=asset, **changes_of(payload))
