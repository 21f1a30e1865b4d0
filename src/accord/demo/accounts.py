"""The demo's accounts: one per role, with passwords printed by `accord demo load`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord.accounts import services as account_services


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    roles: tuple[str, ...]
    job_title: str
    team: str

    @property
    def password(self) -> str:
        # Demo only: predictable on purpose so the README can name them. Never use the demo in production.
        return f"{self.username}-demo-2026"


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("ciso", "Dana Okafor", ("ciso",), "Chief Information Security Officer", "Security Operations"),
    DemoAccount("cio", "Martin Keller", ("cio",), "Chief Information Officer", "Enterprise Architecture"),
    DemoAccount("analyst", "Priya Raman", ("security_analyst",), "Security Analyst", "Security Operations"),
    DemoAccount("itops", "Tomasz Nowak", ("it_operations",), "Change Manager", "Platform Engineering"),
    DemoAccount("owner", "Lucia Ferreira", ("project_owner",), "Product Owner, Customer Portal",
                "Application Development: Commerce"),
    DemoAccount("steering", "Henrik Lund", ("steering_member",), "Chief Financial Officer", "Finance"),
    DemoAccount("board", "Margaret Osei", ("board_viewer",), "Non-executive Director", "Board"),
    DemoAccount("auditor", "Samuel Brandt", ("auditor",), "Internal Auditor", "Governance, Risk & Compliance"),
    DemoAccount("admin", "Accord Administrator", ("admin",), "Systems Administrator", "Platform Engineering"),
)


@dataclass
class DemoContext:
    admin: Any
    users: dict[str, Any] = field(default_factory=dict)


def create_demo_accounts() -> DemoContext:
    admin_account = next(a for a in DEMO_ACCOUNTS if a.username == "admin")
    admin = account_services.bootstrap_admin(username=admin_account.username, password=admin_account.password,
                                             email="admin@meridian-freight.example")
    context = DemoContext(admin=admin, users={"admin": admin})
    for account in DEMO_ACCOUNTS:
        if account.username == "admin":
            continue
        context.users[account.username] = account_services.create_user(
            actor=admin, username=account.username, password=account.password, roles=account.roles,
            email=f"{account.username}@meridian-freight.example", display_name=account.display_name,
        )
    return context
