"""The demo organisation: a deterministic mid-size logistics company.

`load_demo()` runs each domain's builder in order, every write through the domain's services with
the demo administrator (or the demo CISO) acting, so the demo has an audit trail like real use.
Later domains add their builder to DEMO_BUILDERS.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from accord.demo.acceptances import build_acceptances
from accord.demo.accounts import DEMO_ACCOUNTS, DemoContext, create_demo_accounts
from accord.demo.culture import build_culture
from accord.demo.incidents import build_incidents
from accord.demo.leadership import build_leadership
from accord.demo.metrics import build_metrics
from accord.demo.organisation import build_organisation
from accord.demo.packs import build_packs
from accord.demo.patching import build_patching
from accord.demo.portfolio import build_portfolio
from accord.demo.posture import build_posture
from accord.demo.reviews import build_reviews
from accord.demo.risks import build_risks
from accord.demo.steering import build_steering
from accord.demo.vendors import build_vendors
from accord.demo.vulns import build_vulnerabilities

DEMO_BUILDERS: list[Callable[[DemoContext], str]] = [
    build_organisation, build_risks, build_vulnerabilities, build_patching, build_portfolio, build_posture,
    build_incidents, build_reviews, build_vendors, build_culture, build_leadership,
    # last: they read what the others built (the agenda, the scorecard's snapshots, the board pack)
    build_acceptances, build_steering, build_metrics, build_packs,
]

__all__ = ["DEMO_ACCOUNTS", "load_demo"]


@transaction.atomic
def load_demo() -> str:
    context = create_demo_accounts()
    summaries = [builder(context) for builder in DEMO_BUILDERS]
    return "; ".join([f"{len(DEMO_ACCOUNTS)} users", *summaries])
