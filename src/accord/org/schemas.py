from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from accord.core.api_common import DbId, InputSchema, PageQuery


class TeamOut(Schema):
    id: int
    name: str
    description: str


class TeamIn(InputSchema):
    name: str = Field(max_length=120)
    description: str = ""


class TeamPatch(InputSchema):
    name: str | None = Field(default=None, max_length=120)
    description: str | None = None


class PersonOut(Schema):
    id: int
    name: str
    job_title: str
    team_id: DbId | None
    email: str | None
    username: str | None = Field(default=None, alias="user.username")


class PersonIn(InputSchema):
    name: str = Field(max_length=150)
    job_title: str = ""
    team_id: DbId | None = None
    email: str | None = None


class PersonPatch(InputSchema):
    name: str | None = Field(default=None, max_length=150)
    job_title: str | None = None
    team_id: DbId | None = None
    email: str | None = None


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    owner_id: DbId | None
    criticality_tier: int
    downtime_cost_per_hour: Decimal
    mission_impact: str
    loss_if_compromised: Decimal | None = Field(description="owner's estimate; null: the default below")
    default_loss_if_compromised: float = Field(description="hours of downtime cost by tier (48, 24, 12, 8)")


class ServiceIn(InputSchema):
    name: str = Field(max_length=150)
    description: str = ""
    owner_id: DbId | None = None
    criticality_tier: int = 3
    downtime_cost_per_hour: Decimal = Field(default=Decimal(0), ge=0, max_digits=14, decimal_places=2)
    mission_impact: str = "medium"
    loss_if_compromised: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)


class ServicePatch(InputSchema):
    name: str | None = Field(default=None, max_length=150)
    description: str | None = None
    owner_id: DbId | None = None
    criticality_tier: int | None = None
    downtime_cost_per_hour: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    mission_impact: str | None = None
    loss_if_compromised: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)


class AssetOut(Schema):
    id: int
    hostname: str
    ip_address: str | None
    kind: str
    environment: str
    operating_system: str
    business_service_id: DbId | None
    team_id: DbId | None
    internet_exposed: bool
    isolated: bool
    exposure_review: bool = Field(description="a public IP address on an asset recorded as not internet-exposed: "
                                              "check which one is wrong (private, shared, reserved and documentation "
                                              "ranges are not public)")
    tags: list[str] = Field(alias="tag_list")
    discovered_by_scan: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class AssetIn(InputSchema):
    hostname: str = Field(max_length=253)
    ip_address: str | None = None
    kind: str = "server"
    environment: str = "production"
    operating_system: str = ""
    business_service_id: DbId | None = None
    team_id: DbId | None = None
    internet_exposed: bool = False
    isolated: bool = False
    tags: list[str] = []


class AssetPatch(InputSchema):
    hostname: str | None = Field(default=None, max_length=253)
    ip_address: str | None = None
    kind: str | None = None
    environment: str | None = None
    operating_system: str | None = None
    business_service_id: DbId | None = None
    team_id: DbId | None = None
    internet_exposed: bool | None = None
    isolated: bool | None = None
    tags: list[str] | None = None


class AssetQuery(PageQuery):
    q: str = ""
    environment: str = ""
    kind: str = ""
    business_service: DbId | None = None
    team: DbId | None = None
    internet_exposed: bool | None = None
    tag: str = ""
    discovered: bool | None = None


class PeopleQuery(PageQuery):
    q: str = ""
    team: DbId | None = None


class ImportReportOut(Schema):
    filename: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
