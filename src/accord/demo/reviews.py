"""The demo's security reviews: nine projects of the CIO's roadmap with reviews in every state (requested,
triaged, in review, waiting on the requester, approved, approved with conditions, rejected), one past its
SLA (so on the steering committee's queue, with the rejection), open conditions (one past its due day),
a tier override, and pipeline gate runs that pass and fail.

The reviews have a few weeks of history: each step is run through the services at the working moment it
happened (the clock is set back while it runs), so the timelines, SLA clocks, metrics and audit trail
read as real use. Moments are counted back in working days from today, so the demo looks the same
whenever it is loaded.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accord.core import clock
from accord.org import selectors as org_selectors
from accord.reviews import services


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """Run the services as if it were `moment` (demo history only)."""
    original = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = original


def _workday(back: int, hour: int, minute: int = 0) -> datetime:
    """`back` working days (Monday to Friday) before today, at `hour` in the organisation's time zone."""
    day = clock.today()
    while back > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            back -= 1
    return datetime.combine(day, time(hour, minute), tzinfo=clock.zone())


def _day(offset: int) -> date:
    return clock.today() + timedelta(days=offset)


def _sarif(results: list[tuple[str, str, str, int]]) -> bytes:
    """A small SARIF 2.1.0 file: (rule id, level, file, line) per result."""
    rules = sorted({rule for rule, _, _, _ in results})
    return json.dumps({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "Semgrep", "version": "1.90.0",
                                      "rules": [{"id": r, "shortDescription": {"text": r}} for r in rules]}},
                  "results": [{"ruleId": rule, "level": level, "message": {"text": f"{rule} in {uri}"},
                               "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                                                   "region": {"startLine": line}}}]}
                              for rule, level, uri, line in results]}],
    }).encode()


SCANNER_NOTES = [("python.flask.debug-enabled", "note", "scanner/settings_dev.py", 12),
                 ("python.requests.no-timeout", "warning", "scanner/sync.py", 40)]
SCANNER_NEW_HIGH = [*SCANNER_NOTES, ("python.lang.security.audit.insecure-transport", "error", "scanner/upload.py", 88)]


def _team_lead(actor: Any, team: str) -> Any:
    people = org_selectors.people_visible_to(actor).filter(team__name=team, job_title__startswith="Team Lead")
    return people.first() or org_selectors.people_visible_to(actor).filter(team__name=team).first()


def build_reviews(context: Any) -> str:
    users = context.users
    owner, cio, ciso, analyst = users["owner"], users["cio"], users["ciso"], users["analyst"]
    admin = context.admin
    me = owner.person
    services_by_name = {s.name: s for s in org_selectors.services_visible_to(admin)}
    hr_lead = _team_lead(admin, "ERP Competence Centre")
    logistics_lead = _team_lead(admin, "Application Development: Logistics")
    data_lead = _team_lead(admin, "Data & Analytics")
    www_owner = services_by_name["Corporate Website"].owner or me

    def project(name: str, who: Any, service: str, data: str, exposure: str, third: str = "", status: str = "planned",
                go_live: int | None = None, description: str = "", by: Any = cio) -> Any:
        return services.create_project(
            actor=by, name=name, owner=who, sponsor=cio.person, business_service=services_by_name.get(service),
            data_classification=data, exposure=exposure, third_parties=bool(third), third_party_names=third,
            status=status, go_live=_day(go_live) if go_live is not None else None, description=description)

    portal = project("Customer portal 2.0", me, "Customer Portal & API", "confidential", "public",
                     "Acme Cloud Hosting", "in_progress", 45, "Self-service shipment tracking, invoices and claims.",
                     by=owner)
    carriers = project("Carrier onboarding API", me, "Transport & Fleet Telematics", "internal", "partner",
                       "FreightHub", "in_progress", 60, "Partner carriers register and exchange manifests.", by=owner)
    payroll = project("Payroll SaaS migration", hr_lead, "HR & Payroll", "restricted", "none", "PayCloud GmbH",
                      "in_progress", 30, "Payroll runs move to PayCloud's SaaS.")
    scanners = project("Warehouse scanner refresh", logistics_lead, "Warehouse Management", "internal", "none",
                       status="live", go_live=-10, description="New handheld scanners and their sync service.")
    website = project("Corporate website redesign", www_owner, "Corporate Website", "public", "public",
                      status="planned", go_live=90)
    lake = project("Cloud data lake", data_lead, "Data Warehouse & BI", "confidential", "none", "Snowflake",
                   "planned", 120, "Telematics and orders in one analytics store.")
    driver_app = project("Driver mobile app", me, "Transport & Fleet Telematics", "confidential", "public",
                         status="planned", go_live=75, description="Proof of delivery and route updates for drivers.",
                         by=owner)
    routes = project("Route optimisation pilot", logistics_lead, "Transport & Fleet Telematics", "internal", "none",
                     status="in_progress", go_live=20)
    project("S/4 ERP upgrade", hr_lead, "ERP", "restricted", "none", status="idea",
            description="The ERP moves to S/4; no review asked for yet.")

    def step(moment: datetime, action: Any, **kwargs: Any) -> Any:
        with _at(moment):
            return action(**kwargs)

    def request(moment: datetime, who: Any, subject: Any, scope: str, **kwargs: Any) -> Any:
        return step(moment, services.request_review, actor=who, project=subject, scope=scope, **kwargs)

    # Approved, with gate runs: the first passing run is the baseline, a later one brings a new high result.
    approved = request(_workday(25, 9), cio, scanners, "Sync service and the scanners' management console.")
    step(_workday(24, 10), services.triage_review, actor=analyst, review=approved, reviewer=analyst)
    step(_workday(23, 9), services.start_review, actor=analyst, review=approved)
    step(_workday(21, 15), services.decide_review, actor=analyst, review=approved, outcome="approved",
         note="Internal only, standard hardening in place.")
    for moment, results in ((_workday(20, 11), SCANNER_NOTES), (_workday(1, 16), SCANNER_NEW_HIGH)):
        step(moment, services.run_gate, actor=cio, project=scanners,
             file=io.BytesIO(_sarif(results)), filename="semgrep.sarif")

    # Approved with conditions; one condition is past its due day.
    conditional = request(_workday(20, 9), cio, payroll, "Data flows to PayCloud, admin access, retention.")
    step(_workday(19, 10), services.triage_review, actor=analyst, review=conditional, reviewer=analyst)
    step(_workday(18, 9), services.start_review, actor=analyst, review=conditional)
    step(_workday(16, 11), services.ask_requester, actor=analyst, review=conditional,
         question="Is the data processing agreement with PayCloud signed, and where is the data hosted?")
    step(_workday(14, 9), services.answer_requester, actor=cio, review=conditional,
         answer="DPA in legal review; hosting in Frankfurt (EU).")
    step(_workday(9, 16), services.decide_review, actor=analyst, review=conditional, outcome="conditions",
         note="Acceptable once the DPA is signed and payroll admins use MFA.", conditions=[
             services.NewCondition("Sign the data processing agreement with PayCloud", hr_lead, _day(-2)),
             services.NewCondition("Single sign-on with MFA for payroll administrators", hr_lead, _day(20))])

    # Rejected: on the steering committee's queue.
    rejected = request(_workday(15, 9), owner, driver_app, "The app, its API and the token handling.")
    step(_workday(14, 10), services.triage_review, actor=analyst, review=rejected)
    step(_workday(13, 9), services.start_review, actor=ciso, review=rejected)
    step(_workday(10, 15), services.decide_review, actor=ciso, review=rejected, outcome="rejected",
         note="Session tokens are stored unprotected on the device and the API has no certificate pinning.")

    # Past its SLA (light, 5 business days): on the steering committee's queue.
    overdue = request(_workday(12, 10), cio, routes, "Optimiser service fed from the telematics platform.")
    step(_workday(11, 11), services.triage_review, actor=analyst, review=overdue, reviewer=analyst)

    # Waiting on the requester: the clock is paused.
    waiting = request(_workday(6, 9), owner, portal, "Login, payments and the claims upload.")
    step(_workday(5, 10), services.triage_review, actor=analyst, review=waiting, reviewer=analyst)
    step(_workday(4, 9), services.start_review, actor=analyst, review=waiting)
    step(_workday(2, 14), services.ask_requester, actor=analyst, review=waiting,
         question="Please share the data-flow diagram and the scope of the planned penetration test.")

    # In review.
    in_review = request(_workday(4, 11), owner, carriers, "The partner API and FreightHub's access.")
    step(_workday(3, 9), services.triage_review, actor=analyst, review=in_review)
    step(_workday(2, 10), services.start_review, actor=ciso, review=in_review)

    # Triaged, with the tier changed from the table's (vendor) to a full review.
    triaged = request(_workday(1, 9), cio, lake, "Which data goes to Snowflake, and who can query it.")
    step(_workday(1, 15), services.triage_review, actor=analyst, review=triaged, tier="full",
         tier_reason="Customer orders will be joined with drivers' location data: a threat model is needed.")

    # Requested just now.
    services.request_review(actor=cio, project=website, scope="New CMS and its hosting.")

    # The CIO proposes faster light reviews; the CISO has it waiting on their desk.
    services.propose_review_sla(actor=cio, triage_days=2, light_days=4, full_days=10, vendor_days=15, emergency_days=1,
                                reason="Most roadmap items are light reviews: four days keeps projects moving.")
    return ("9 IT projects, 8 security reviews in every state (1 past its SLA, 1 rejected), 2 gate runs, "
            "a review SLA change awaiting the CISO")
