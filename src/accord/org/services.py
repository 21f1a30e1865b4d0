"""Every write to the organisation model. Each is a named verb over the shared create/update path."""

from __future__ import annotations

from typing import Any

from accord.core.crud import create_row, update_row
from accord.org.models import Asset, BusinessService, Person, Team, normalise_tags

WRITE = "org.write"


def _asset_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "hostname" in fields and isinstance(fields["hostname"], str):
        fields["hostname"] = fields["hostname"].strip().lower()
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"] or "")
    if fields.get("ip_address") == "":
        fields["ip_address"] = None
    return fields


def create_business_service(*, actor: Any, **fields: Any) -> BusinessService:
    return create_row(actor=actor, model=BusinessService, capability=WRITE, fields=fields)


def update_business_service(*, actor: Any, service: BusinessService, **changes: Any) -> BusinessService:
    return update_row(actor=actor, instance=service, capability=WRITE, changes=changes)


def create_team(*, actor: Any, **fields: Any) -> Team:
    return create_row(actor=actor, model=Team, capability=WRITE, fields=fields)


def update_team(*, actor: Any, team: Team, **changes: Any) -> Team:
    return update_row(actor=actor, instance=team, capability=WRITE, changes=changes)


def create_person(*, actor: Any, **fields: Any) -> Person:
    if fields.get("email") == "":
        fields["email"] = None
    return create_row(actor=actor, model=Person, capability=WRITE, fields=fields)


def update_person(*, actor: Any, person: Person, **changes: Any) -> Person:
    if changes.get("email") == "":
        changes["email"] = None
    return update_row(actor=actor, instance=person, capability=WRITE, changes=changes)


def create_asset(*, actor: Any, **fields: Any) -> Asset:
    return create_row(actor=actor, model=Asset, capability=WRITE, fields=_asset_fields(fields))


def update_asset(*, actor: Any, asset: Asset, **changes: Any) -> Asset:
    return update_row(actor=actor, instance=asset, capability=WRITE, changes=_asset_fields(changes))
