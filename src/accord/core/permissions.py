"""The one table that says what each role may read and write.

Every view, API operation and CLI command asks `require(user, capability)` (or the API's
`Capability` auth, which calls it). Capabilities are `area.verb` strings; a role holds a set of them
and a user holds the union of their roles' sets. Areas whose issue has not landed yet are listed
already so that roles are designed once, for the whole product.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db import models

from accord.core.errors import NotAllowed


class Role(models.TextChoices):
    CISO = "ciso", "CISO"
    CIO = "cio", "CIO"
    SECURITY_ANALYST = "security_analyst", "Security analyst"
    IT_OPERATIONS = "it_operations", "IT operations / change manager"
    PROJECT_OWNER = "project_owner", "Project owner"
    STEERING_MEMBER = "steering_member", "Steering committee member"
    BOARD_VIEWER = "board_viewer", "Board member (read only)"
    AUDITOR = "auditor", "Auditor (read only)"
    ADMIN = "admin", "Administrator"


AREAS = (
    "org", "risk", "vuln", "patch", "portfolio", "review", "incident", "steering",
    "scorecard", "vendor", "report", "culture", "leadership",
)
READ_EVERYTHING = frozenset(f"{area}.read" for area in AREAS)

# What each capability lets a user do, shown on the roles page and in the docs.
CAPABILITY_HELP: dict[str, str] = {
    **{f"{area}.read": f"see the {area} area" for area in AREAS},
    "org.write": "create and edit business services, teams, people and assets",
    "org.import": "import assets from CSV",
    "audit.read": "browse and verify the audit trail",
    "user.read": "list users and their roles",
    "user.manage": "create and disable users, grant roles",
    "risk.write": "create and edit risk scenarios and controls",
    "risk.accept": "accept a risk until a date",
    "vuln.import": "import scanner files",
    "vuln.triage": "override a finding's decision with a justification",
    "vuln.feeds": "load KEV and EPSS feeds",
    "sla.policy": "change the remediation SLA policy",
    "patch.write": "edit maintenance windows, freezes, clusters and plans",
    "patch.sign": "sign a patch plan",
    "portfolio.write": "edit initiatives and budget scenarios",
    "portfolio.decide": "approve a selection of initiatives",
    "review.request": "ask for a security review of a project",
    "review.write": "run security reviews",
    "incident.write": "open incidents and write updates",
    "steering.write": "prepare agendas and minutes",
    "steering.decide": "record steering decisions",
    "scorecard.write": "edit metrics and profiles",
    "vendor.write": "edit vendors and assessments",
    "report.generate": "generate the board pack",
    "leadership.write": "edit the technology radar and propose stances (the other leader agrees)",
    "leadership.team": "see everyone's skills plan and the team's gaps; add people, set targets, pair mentors",
    "leadership.timelog": "keep your own weekly time log and share it",
    "culture.write": "run the champions programme and awareness campaigns, import phishing results",
    "stakeholder.write": "edit the stakeholder map and log contacts with any stakeholder",
    "stakeholder.notes": "read the sensitive notes on every stakeholder",
}

_LEADERSHIP_WRITES = frozenset({
    "org.write", "org.import", "audit.read", "user.read",
    "risk.write", "risk.accept", "sla.policy",
    "patch.write", "patch.sign", "portfolio.write", "portfolio.decide",
    "steering.write", "steering.decide", "scorecard.write", "vendor.write", "report.generate",
    "leadership.write", "leadership.team", "leadership.timelog",
    "culture.write", "stakeholder.write", "stakeholder.notes",
})

ROLE_CAPABILITIES: dict[Role, frozenset[str]] = {
    Role.CISO: READ_EVERYTHING | _LEADERSHIP_WRITES | {
        "vuln.import", "vuln.triage", "vuln.feeds", "review.write", "incident.write",
    },
    Role.CIO: READ_EVERYTHING | _LEADERSHIP_WRITES | {"review.request"},
    Role.SECURITY_ANALYST: READ_EVERYTHING - {"report.read"} | {
        "risk.write", "vuln.import", "vuln.triage", "vuln.feeds", "review.write", "incident.write",
        "culture.write",
    },
    Role.IT_OPERATIONS: frozenset({
        "org.read", "org.write", "org.import", "vuln.read", "patch.read", "patch.write",
        "incident.read", "review.read", "leadership.read",
    }),
    Role.PROJECT_OWNER: frozenset({"org.read", "risk.read", "review.read", "review.request"}),
    Role.STEERING_MEMBER: READ_EVERYTHING | {"risk.accept", "steering.decide"},
    Role.BOARD_VIEWER: frozenset({"risk.read", "portfolio.read", "steering.read", "scorecard.read", "report.read"}),
    Role.AUDITOR: READ_EVERYTHING | {"audit.read", "user.read"},
    Role.ADMIN: READ_EVERYTHING | {"org.write", "org.import", "audit.read", "user.read", "user.manage", "vuln.feeds"},
}

ALL_CAPABILITIES = frozenset().union(*ROLE_CAPABILITIES.values())
assert set(CAPABILITY_HELP) >= ALL_CAPABILITIES, "every capability granted must be described"  # noqa: S101


def capabilities_of(roles: Iterable[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES.get(Role(role), frozenset())
    return frozenset(granted)


class HasCapabilities(Protocol):
    is_active: bool

    @property
    def capabilities(self) -> frozenset[str]: ...


class Actor(HasCapabilities, Protocol):
    """The acting user every service takes: who they are, their roles and what those allow."""

    pk: int
    username: str

    @property
    def role_names(self) -> frozenset[str]: ...


def can(actor: HasCapabilities | None, capability: str) -> bool:
    if capability not in CAPABILITY_HELP:
        raise ValueError(f"unknown capability {capability!r}")
    return actor is not None and actor.is_active and capability in actor.capabilities


def require(actor: HasCapabilities | None, capability: str) -> None:
    """Refuse with NotAllowed unless the acting user holds the capability."""
    if not can(actor, capability):
        raise NotAllowed(capability)


class ScheduledReader:
    """What scheduled work reads as when it tells people about the state of things (the daily KEV
    digest): every area's read capability and nothing else. Writes take the system user instead."""

    is_active = True
    capabilities = READ_EVERYTHING
