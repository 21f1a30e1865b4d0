"""Meridian Freight Group: services, teams, people and about 450 assets, the same every time."""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass
from decimal import Decimal

from accord.demo.accounts import DEMO_ACCOUNTS, DemoContext
from accord.org import services as org

SEED = 2026


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    prefix: str
    tier: int
    impact: str
    downtime_per_hour: int
    team: str
    subnet: str
    description: str
    hosts: tuple[tuple[str, str, str, int], ...]  # (role, kind, operating system, count) in production
    exposed_roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    loss_if_compromised: int | None = None  # the owner's estimate; None: the default by tier
    isolated_roles: tuple[str, ...] = ()  # hosts on a segregated network


RHEL, UBUNTU, WIN, SLES = "Red Hat Enterprise Linux 9.4", "Ubuntu 22.04 LTS", "Windows Server 2022", "SUSE Linux Enterprise 15 SP5"

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("ERP", "erp", 1, "high", 48000, "ERP Competence Centre", "10.10.0.0/24",
                "Finance, procurement and order-to-cash on the central ERP platform.",
                (("app", "server", SLES, 6), ("db", "database", SLES, 3), ("web", "server", RHEL, 2)), (), ("sox",)),
    ServiceSpec("Warehouse Management", "wms", 1, "high", 31000, "Application Development: Logistics", "10.11.0.0/24",
                "Slotting, picking and dispatch in the six distribution centres.",
                (("app", "server", RHEL, 8), ("db", "database", RHEL, 2), ("scan-gw", "server", UBUNTU, 6))),
    ServiceSpec("Transport & Fleet Telematics", "tms", 1, "high", 18500, "Application Development: Logistics",
                "10.12.0.0/24", "Route planning, carrier booking and live truck telemetry.",
                (("app", "server", UBUNTU, 6), ("db", "database", UBUNTU, 2), ("mqtt", "server", UBUNTU, 3)),
                ("mqtt",)),
    ServiceSpec("E-commerce Storefront", "shop", 1, "high", 26000, "Application Development: Commerce", "10.13.0.0/24",
                "B2B ordering site and product catalogue.",
                (("web", "server", UBUNTU, 6), ("app", "container", UBUNTU, 10), ("db", "database", UBUNTU, 2)),
                ("web",), ("pci",)),
    ServiceSpec("Payments & Billing", "pay", 1, "high", 22000, "Application Development: Commerce", "10.14.0.0/24",
                "Invoicing, card and SEPA payments, dunning.",
                (("app", "server", RHEL, 4), ("db", "database", RHEL, 2), ("hsm-gw", "server", RHEL, 2)), (), ("pci", "sox"),
                2_400_000, ("hsm-gw",)),
    ServiceSpec("Identity & Access", "idm", 1, "high", 35000, "Platform Engineering", "10.15.0.0/24",
                "Active Directory, single sign-on and privileged access for everyone.",
                (("dc", "server", WIN, 6), ("sso", "server", RHEL, 3), ("pam", "server", WIN, 2)), ("sso",), ("crown-jewel",)),
    ServiceSpec("Customer Portal & API", "portal", 2, "medium", 9000, "Application Development: Commerce",
                "10.16.0.0/24", "Shipment tracking and the partner API.",
                (("web", "server", UBUNTU, 4), ("api", "container", UBUNTU, 6), ("db", "database", UBUNTU, 1)),
                ("web", "api")),
    ServiceSpec("Email & Collaboration", "collab", 2, "medium", 6500, "Service Desk & End-User Computing",
                "10.17.0.0/24", "Mail gateways, file shares and intranet.",
                (("mx", "server", RHEL, 3), ("files", "server", WIN, 4), ("intranet", "server", WIN, 2)), ("mx",)),
    ServiceSpec("CRM", "crm", 2, "medium", 5000, "Application Development: Commerce", "10.18.0.0/24",
                "Sales pipeline and key-account management.",
                (("app", "server", WIN, 3), ("db", "database", WIN, 1))),
    ServiceSpec("HR & Payroll", "hr", 2, "medium", 4200, "ERP Competence Centre", "10.19.0.0/24",
                "Personnel records, time tracking and payroll runs.",
                (("app", "server", WIN, 3), ("db", "database", WIN, 1)), (), ("gdpr",), 850_000),
    ServiceSpec("Data Warehouse & BI", "dwh", 3, "low", 2500, "Data & Analytics", "10.20.0.0/24",
                "Reporting, forecasting and management dashboards.",
                (("etl", "server", UBUNTU, 4), ("db", "database", UBUNTU, 3), ("bi", "server", WIN, 2))),
    ServiceSpec("Developer Platform", "dev", 3, "medium", 3000, "Platform Engineering", "10.21.0.0/24",
                "Source control, CI/CD runners and the artefact registry.",
                (("git", "server", UBUNTU, 2), ("runner", "container", UBUNTU, 8), ("registry", "server", UBUNTU, 2))),
    ServiceSpec("Corporate Website", "www", 3, "low", 1200, "Application Development: Commerce", "10.22.0.0/24",
                "Public website and careers pages.",
                (("web", "cloud", UBUNTU, 3),), ("web",)),
)

TEAMS: tuple[tuple[str, str], ...] = (
    ("Platform Engineering", "Servers, virtualisation, identity infrastructure and the developer platform."),
    ("Network & Infrastructure", "Data-centre and site networks, firewalls, load balancers."),
    ("Database Administration", "Database engines, backups and performance."),
    ("Cloud Operations", "Cloud landing zone, containers and the public website hosting."),
    ("Service Desk & End-User Computing", "Laptops, collaboration tools and first-line support."),
    ("Application Development: Commerce", "Storefront, payments, portal and CRM."),
    ("Application Development: Logistics", "Warehouse, transport and telematics applications."),
    ("ERP Competence Centre", "ERP and HR/payroll platforms."),
    ("Data & Analytics", "Data warehouse, ETL and business intelligence."),
    ("Security Operations", "Detection, response, vulnerability management."),
    ("Governance, Risk & Compliance", "Policies, audits, risk register and regulators."),
    ("Enterprise Architecture", "The roadmap, standards and the CIO's office."),
    ("Finance", "Controlling, treasury and the CFO's office."),
    ("Board", "Board of directors."),
)

FIRST = ("Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Leon",
         "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Stefan", "Tara", "Umar", "Vera", "Wim", "Yara", "Zoe")
LAST = ("Adler", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ivanova", "Jansen",
        "Kowalski", "Larsen", "Moreau", "Novak", "Olsen", "Petrov", "Rossi", "Schmidt", "Tanaka", "Weber")
TITLES = ("Engineer", "Senior Engineer", "Team Lead", "Specialist", "Analyst", "Architect")


def _tags(*tags: str) -> list[str]:
    return [t for t in tags if t]


def build_organisation(context: DemoContext) -> str:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    actor = context.admin
    teams = {name: org.create_team(actor=actor, name=name, description=desc) for name, desc in TEAMS}

    people, account_people = [], {}
    for account in DEMO_ACCOUNTS:
        account_people[account.username] = org.create_person(
            actor=actor, name=account.display_name, job_title=account.job_title, team=teams[account.team],
            email=f"{account.username}@meridian-freight.example", user=context.users[account.username])
        people.append(account_people[account.username])
    owners = {}
    used_names = {p.name for p in people}
    for team_name in [t for t, _ in TEAMS if t not in {"Board"}]:
        for index in range(rng.randint(3, 7)):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            while name in used_names:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            used_names.add(name)
            title = "Team Lead" if index == 0 else rng.choice(TITLES)
            email = name.lower().replace(" ", ".").replace("í", "i") + "@meridian-freight.example"
            person = org.create_person(actor=actor, name=name, job_title=f"{title}, {team_name}",
                                       team=teams[team_name], email=email)
            people.append(person)
            if index == 0:
                owners[team_name] = person

    asset_count = 0
    for spec in SERVICES:
        service = org.create_business_service(
            actor=actor, name=spec.name, description=spec.description,
            # The demo's project owner owns the portal, so their desk has something on it.
            owner=account_people["owner"] if spec.prefix == "portal" else owners[spec.team],
            criticality_tier=spec.tier, downtime_cost_per_hour=Decimal(spec.downtime_per_hour),
            mission_impact=spec.impact,
            loss_if_compromised=None if spec.loss_if_compromised is None else Decimal(spec.loss_if_compromised),
        )
        hosts = list(ipaddress.ip_network(spec.subnet).hosts())
        next_ip = 10
        for role, kind, operating_system, count in spec.hosts:
            owning_team = {"database": "Database Administration", "cloud": "Cloud Operations",
                           "container": "Cloud Operations"}.get(kind, spec.team)
            environments = ["production"] * count + ["staging"] * max(1, count // 3) + ["test"] * (1 if count > 2 else 0)
            if spec.tier == 1:
                environments += ["dr"] * max(1, count // 3)
            for n, environment in enumerate(environments, start=1):
                suffix = {"production": "", "staging": "-stg", "test": "-tst", "dr": "-dr"}[environment]
                org.create_asset(
                    actor=actor, hostname=f"{spec.prefix}-{role}-{n:02d}{suffix}.meridian.local",
                    ip_address=str(hosts[next_ip]), kind=kind, environment=environment,
                    operating_system=operating_system, business_service=service, team=teams[owning_team],
                    internet_exposed=environment == "production" and role in spec.exposed_roles,
                    isolated=role in spec.isolated_roles,
                    tags=_tags(spec.prefix, *spec.tags, "internet" if role in spec.exposed_roles else ""),
                )
                next_ip += 1
                asset_count += 1

    network = teams["Network & Infrastructure"]
    for site in ("hamburg", "rotterdam", "lyon", "poznan", "milan", "leeds"):
        for device, count in (("fw", 2), ("sw", 3), ("wlc", 1)):
            for n in range(1, count + 1):
                org.create_asset(actor=actor, hostname=f"{device}-{site}-{n:02d}.meridian.local",
                                 ip_address=f"10.250.{asset_count % 250}.{n}", kind="network",
                                 operating_system={"fw": "FortiOS 7.2", "sw": "Cisco IOS XE 17.9",
                                                   "wlc": "Cisco AireOS 8.10"}[device],
                                 team=network, internet_exposed=device == "fw" and n == 1,
                                 # switches are managed from the segregated management network
                                 isolated=device == "sw", tags=_tags(site, "network"))
                asset_count += 1

    desk = teams["Service Desk & End-User Computing"]
    for n in range(1, 161):
        org.create_asset(actor=actor, hostname=f"lt-{n:04d}.meridian.local", ip_address=f"10.100.{n // 200}.{n % 200 + 20}",
                         kind="workstation", environment="production",
                         operating_system=rng.choice(("Windows 11 23H2", "Windows 11 23H2", "Windows 11 24H2", "macOS 14")),
                         team=desk, tags=_tags("endpoint"))
        asset_count += 1

    return f"{len(SERVICES)} business services, {len(teams)} teams, {len(people)} people, {asset_count} assets"
