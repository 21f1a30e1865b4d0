"""The demo's risk acceptances, each asked and approved through the services at the moment it happened
(the clock is set back while it runs), then the daily review run for today:

* the business-email-compromise scenario, above the threshold: asked by the CFO, approved by the CISO
  and the CIO;
* the lost-laptop scenario, below it: asked by the CISO, approved by the CIO;
* the SWEET32 findings (CVE-2016-2183) on the legacy file servers, approved by both; an analyst has
  since re-triaged one of them to "act", so the acceptance is stale (back on the agenda);
* one OpenSSL finding on the ERP, asked by the CIO until the vendor's next release: it expires within
  30 days (reminded);
* an SMB-signing finding whose acceptance expired five days ago (it counts in the breach figures again);
* the payroll-processor scenario, asked by the CFO and awaiting the CISO or the CIO.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from accord.acceptances import services
from accord.accounts.services import system_actor
from accord.core import clock
from accord.demo.accounts import DemoContext
from accord.demo.reviews import _at
from accord.vulns import selectors as vuln_selectors
from accord.vulns import services as vuln_services


def _moment(days_back: int, hour: int) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days_back), time(hour), tzinfo=clock.zone())


def _in(days: int) -> date:
    return clock.today() + timedelta(days=days)


def _granted(users: dict[str, Any], *, asked_by: str, approvers: tuple[str, ...], days_back: int, until: date,
             **request: Any) -> Any:
    with _at(_moment(days_back, 10)):
        row = services.request_acceptance(actor=users[asked_by], expires_on=until, **request)
    for hour, approver in enumerate(approvers, start=14):
        with _at(_moment(days_back - 1, hour)):
            services.approve_acceptance(actor=users[approver], acceptance=row,
                                        comment="Agreed, with the compensating controls as stated.")
    return row


def _first_open(ciso: Any, **filters: Any) -> Any:
    return vuln_selectors.findings_visible_to(ciso, vuln_selectors.FindingFilter(**filters)).order_by("id").first()


def build_acceptances(context: DemoContext) -> str:
    users = context.users
    ciso = users["ciso"]
    _granted(users, asked_by="steering", approvers=("ciso", "cio"), days_back=40, until=_in(140),
             subject_kind="scenario", scenario="bec-finance",
             justification="Accounts payable keeps paying suppliers by bank transfer until the new payment platform "
                           "goes live in spring; the residual loss is budgeted.",
             compensating_controls="Call-back verification of any change of bank details; dual signature above "
                                   "EUR 10,000; mail banners on external senders.")
    _granted(users, asked_by="ciso", approvers=("cio",), days_back=60, until=_in(120),
             subject_kind="scenario", scenario="lost-laptop-customer-data",
             justification="The loss is small against the cost of taking customer exports off sales laptops before "
                           "the CRM redesign.",
             compensating_controls="Full-disk encryption and remote wipe on every sales laptop.")
    sweet32 = _granted(users, asked_by="steering", approvers=("ciso", "cio"), days_back=70, until=_in(100),
                       subject_kind="cve", cve="CVE-2016-2183",
                       justification="The legacy file servers cannot drop 3DES until they are replaced in the "
                                     "second quarter; SWEET32 needs hundreds of gigabytes of traffic per session.",
                       compensating_controls="Sessions capped at 1 GB; servers reachable from the office network only.")
    openssl = _first_open(ciso, cve="CVE-2022-3602", sla="breached")
    if openssl is not None:
        _granted(users, asked_by="cio", approvers=("ciso",), days_back=50, until=_in(12),
                 subject_kind="finding", finding=openssl.pk,
                 justification="The ERP vendor certifies OpenSSL 3.0.7 only from its next release, due this month.",
                 compensating_controls="No e-mail certificate validation runs on this host; WAF rule on the ERP API.")
    smb = (vuln_selectors.findings_visible_to(ciso, vuln_selectors.FindingFilter(sla="breached"))
           .filter(cves="", title__startswith="SMB signing").order_by("first_seen", "id").first())
    if smb is not None:
        _granted(users, asked_by="ciso", approvers=("cio",), days_back=95, until=_in(-5),
                 subject_kind="finding", finding=smb.pk,
                 justification="The privileged-access appliance cannot sign SMB until its vendor's autumn update.",
                 compensating_controls="Appliance reachable from the admin jump hosts only.")
    with _at(_moment(2, 11)):
        services.request_acceptance(
            actor=users["steering"], subject_kind="scenario", scenario="payroll-processor-breach",
            expires_on=_in(180), justification="The processor's contract carries the liability; moving payroll "
                                               "in-house costs more than the residual loss.",
            compensating_controls="Contractual breach notification within 24 hours; yearly SOC 2 report reviewed.")
    # Since the SWEET32 acceptance was granted, an analyst found one of its servers exposed to a partner network.
    retriaged = next(iter(sweet32.finding_ids), None)
    if retriaged is not None:
        vuln_services.override_decision(
            actor=users["analyst"], finding=vuln_selectors.finding_by_id(ciso, retriaged), decision="act",
            justification="The server is reachable from the logistics partner's network since the new VPN.")
    done = services.review_acceptances(actor=system_actor(), today=clock.today())
    return (f"6 risk acceptances ({done['stale']} stale, {done['expired']} expired, {done['reminded']} reminded of "
            "their expiry, 1 awaiting approval)")
