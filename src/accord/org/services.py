"""Every write to the organisation model. Each is a named verb over the shared create/update path."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accord.core import audit
from accord.core.crud import create_row, update_row
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import Actor, Role, can, require
from accord.org.models import (
    Asset,
    AssetKind,
    BusinessService,
    Environment,
    OrgSettings,
    Person,
    Team,
    normalise_tags,
)

WRITE = "org.write"


def _asset_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if "hostname" in fields and isinstance(fields["hostname"], str):
        fields["hostname"] = fields["hostname"].strip().lower()
    if "tags" in fields:
        fields["tags"] = normalise_tags(fields["tags"] or "")
    if fields.get("ip_address") == "":
        fields["ip_address"] = None
    return fields


def create_business_service(*, actor: Actor, **fields: Any) -> BusinessService:
    return create_row(actor=actor, model=BusinessService, capability=WRITE, fields=fields)


def update_business_service(*, actor: Actor, service: BusinessService, **changes: Any) -> BusinessService:
    return update_row(actor=actor, instance=service, capability=WRITE, changes=changes)


def create_team(*, actor: Actor, **fields: Any) -> Team:
    return create_row(actor=actor, model=Team, capability=WRITE, fields=fields)


def update_team(*, actor: Actor, team: Team, **changes: Any) -> Team:
    return update_row(actor=actor, instance=team, capability=WRITE, changes=changes)


def create_person(*, actor: Actor, **fields: Any) -> Person:
    if fields.get("email") == "":
        fields["email"] = None
    return create_row(actor=actor, model=Person, capability=WRITE, fields=fields)


def update_person(*, actor: Actor, person: Person, **changes: Any) -> Person:
    if changes.get("email") == "":
        changes["email"] = None
    return update_row(actor=actor, instance=person, capability=WRITE, changes=changes)


def create_asset(*, actor: Actor, **fields: Any) -> Asset:
    return create_row(actor=actor, model=Asset, capability=WRITE, fields=_asset_fields(fields))


def update_asset(*, actor: Actor, asset: Asset, **changes: Any) -> Asset:
    return update_row(actor=actor, instance=asset, capability=WRITE, changes=_asset_fields(changes))


@dataclass(frozen=True)
class DiscoveredHost:
    """A host or application a scanner reported that no asset matches yet.

    `environment` and `business_service_id` are what the import knows: code and component findings
    come from a repository or a build, not a production host (see docs/vulnerabilities.md), and the
    person importing may name the business service the file covers.
    """

    hostname: str
    ip_address: str | None = None
    kind: str = AssetKind.SERVER
    environment: str = Environment.PRODUCTION
    business_service_id: int | None = None


def _discovered_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip())) if value else None
    except ValueError:
        return None


@transaction.atomic
def register_discovered_assets(*, actor: Actor, hosts: Sequence[DiscoveredHost], source: str) -> list[Asset]:
    """Create, in bulk, the assets a scanner import found and nobody had registered.

    They are flagged `discovered_by_scan` and have no business service unless the import named one.
    Allowed to whoever may import scans (`vuln.import`) or edit the organisation (`org.write`): an
    analyst importing a scan must not be stopped by a host nobody registered. One audit row names
    them all (an import can discover thousands). Hostnames already registered are skipped.
    """
    if not (can(actor, "org.write") or can(actor, "vuln.import")):
        raise NotAllowed("vuln.import")
    wanted: dict[str, Asset] = {}
    for index, host in enumerate(hosts):
        hostname = host.hostname.strip().lower()
        if not hostname or len(hostname) > 253:
            raise ValidationFailed.field(f"hosts[{index}].hostname", "must be 1 to 253 characters")
        if host.kind not in AssetKind.values:
            raise ValidationFailed.field(f"hosts[{index}].kind", f"{host.kind!r} is not one of {', '.join(AssetKind.values)}")
        if host.environment not in Environment.values:
            raise ValidationFailed.field(f"hosts[{index}].environment",
                                         f"{host.environment!r} is not one of {', '.join(Environment.values)}")
        wanted.setdefault(hostname, Asset(hostname=hostname, ip_address=_discovered_ip(host.ip_address),
                                          kind=host.kind, environment=host.environment,
                                          business_service_id=host.business_service_id, discovered_by_scan=True))
    known = set(Asset.objects.filter(hostname__in=list(wanted)).values_list("hostname", flat=True))
    created = Asset.objects.bulk_create([a for h, a in wanted.items() if h not in known], batch_size=200)
    if created:
        names = [a.hostname for a in created]
        audit.record(actor, "asset.discovered", ("org.asset", "", f"{len(created)} assets discovered by {source}"[:300]),
                     after={"source": source, "count": len(created), "hostnames": names[:1000]})
    return created


@transaction.atomic
def set_second_factor_roles(*, actor: Actor, roles: Sequence[str]) -> OrgSettings:
    """Require a second factor of every holder of `roles` (empty: of no one). Administrators set it:
    it decides who may sign in with a password alone."""
    require(actor, "user.manage")
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationFailed.field("second_factor_roles", f"unknown role {unknown[0]!r}; choose from "
                                     f"{', '.join(Role.values)}")
    row = OrgSettings.objects.select_for_update().get(pk=OrgSettings.current().pk)
    before = audit.snapshot(row)
    row.second_factor_roles = sorted(set(roles))
    row.save()
    audit.record_change(actor, "org_settings.updated", row, before, audit.snapshot(row))
    return row
