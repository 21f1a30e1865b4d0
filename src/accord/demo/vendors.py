"""The demo's vendor register: nine third parties across the four tiers, brought in as the CISO's team
would, by importing their existing spreadsheet (CSV) and then assessing them in Accord.

Three vendors are critical: one assessed seven months ago (on time), one whose review falls due within the
reminder lead, and one a month overdue, so "critical vendors assessed on time" reads 2 of 3. FreightHub's
tier is raised by hand (customs data in the manifests); Snowflake was last reviewed before Accord; the
office supplier's contract has ended. Vendors are linked to the risk scenarios and IT projects they touch
(the carrier onboarding project's review is a vendor review). Days count back from today, so the demo reads the
same whenever it is loaded."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from accord.core import clock
from accord.reviews import selectors as review_selectors
from accord.risks import selectors as risk_selectors
from accord.vendors import importer, questionnaire, selectors, services

# name, service, data accessed, sensitivity, criticality, business services, owner, contract start (days ago),
# contract length (days), status, last review before Accord (days ago or None)
VENDORS: tuple[tuple[str, str, str, str, str, str, str, int, int, str, int | None], ...] = (
    ("PayCloud GmbH", "Payroll processing (SaaS)", "Salaries, bank accounts, tax and health insurance ids",
     "restricted", "high", "HR & Payroll", "cio", 400, 1460, "active", None),
    ("Acme Cloud Hosting", "Hosting of the customer portal and its API", "Customer accounts, shipments, invoices",
     "confidential", "critical", "Customer Portal & API", "cio", 900, 1825, "active", None),
    ("CardPay Processing", "Card acquiring for the B2B shop", "Card holder data (tokenised), order totals",
     "restricted", "critical", "Payments & Billing; E-commerce Storefront", "ciso", 1200, 1825, "active", None),
    ("FreightHub", "Carrier onboarding and manifest exchange", "Shipment manifests, carrier contacts",
     "internal", "high", "Transport & Fleet Telematics", "cio", 300, 1095, "active", None),
    ("Snowflake", "Cloud data warehouse for the data lake", "Orders and telematics extracts",
     "confidential", "medium", "Data Warehouse & BI", "ciso", 90, 1095, "onboarding", 500),
    ("FleetSense Telematics", "Vehicle trackers and their cloud", "Vehicle positions, driver ids",
     "internal", "critical", "Transport & Fleet Telematics", "itops", 700, 1460, "active", None),
    ("Print & Post Services", "Printing and posting of paper invoices", "Invoice address and amounts",
     "internal", "medium", "Payments & Billing", "cio", 1500, 2190, "active", 600),
    ("TranslateNow", "Translation of customer letters and tenders", "Letters and tender documents",
     "internal", "low", "CRM", "ciso", 500, 1095, "active", 400),
    ("OfficeSupply Direct", "Office supplies", "None", "none", "low", "", "cio", 2000, 1800, "exited", None),
)

# vendor, days ago, answers differing from the best, notes, findings (text, owner, due in days)
ASSESSMENTS: tuple[tuple[str, int, dict[str, str], str, tuple[tuple[str, str, int], ...]], ...] = (
    ("PayCloud GmbH", 210, {"subprocessors": "partial", "continuity": "partial"},
     "SOC 2 Type II report reviewed; DR test promised for Q3.",
     (("Share the results of a disaster recovery test", "cio", 45),)),
    ("Acme Cloud Hosting", 350, {"breach_notice": "partial"}, "Annual review; contract renewal pending.",
     (("Add a 72-hour breach notice clause at renewal", "cio", 20),)),
    ("CardPay Processing", 400, {}, "PCI DSS attestation of compliance on file.", ()),
    ("FreightHub", 100, {"certification": "no", "mfa": "partial", "patching": "partial"},
     "Small vendor, no certification; MFA only for their admins.",
     (("MFA for every FreightHub account reaching our manifests", "ciso", -5),
      ("Evidence of patching within 14 days", "ciso", 60))),
    ("FleetSense Telematics", 30, {"encryption": "partial", "exit": "partial"},
     "Trackers talk plain MQTT to their cloud over the mobile network.",
     (("Encrypt tracker traffic (TLS on the MQTT brokers)", "itops", 90),)),
)

LINKS_TO_RISKS = {"PayCloud GmbH": "payroll-processor-breach", "Acme Cloud Hosting": "portal-data-breach",
                  "CardPay Processing": "payment-fraud", "Snowflake": "cloud-misconfiguration",
                  "FleetSense Telematics": "telematics-mqtt-compromise"}
LINKS_TO_PROJECTS = {"PayCloud GmbH": "Payroll SaaS migration", "Acme Cloud Hosting": "Customer portal 2.0",
                     "FreightHub": "Carrier onboarding API", "Snowflake": "Cloud data lake"}


def _day(days_ago: int) -> date:
    return clock.today() - timedelta(days=days_ago)


def _vendor_list(users: dict[str, Any]) -> str:
    """The spreadsheet the team kept before Accord, as CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(importer.COLUMNS)
    for (name, service, data, sensitivity, criticality, business, owner, start, length, status,
         reviewed) in VENDORS:
        writer.writerow([name, "", service, data, sensitivity, criticality, business, users[owner].person.email,
                         _day(start).isoformat(), (_day(start) + timedelta(days=length)).isoformat(), status,
                         _day(reviewed).isoformat() if reviewed is not None else ""])
    return out.getvalue()


def build_vendors(context: Any) -> str:
    users = context.users
    ciso = users["ciso"]
    report = importer.import_vendors_csv(actor=ciso, file=io.BytesIO(_vendor_list(users).encode()),
                                         filename="vendor-list.csv")
    vendors = {v.name: v for v in selectors.vendors_visible_to(ciso)}
    services.override_tier(actor=users["cio"], vendor=vendors["FreightHub"], tier="high",
                           reason="The manifests carry customs declarations; a leak would stop border clearance.")
    best = {q.id: q.answers[0].key for q in questionnaire.current().questions}
    for name, days_ago, answers, notes, findings in ASSESSMENTS:
        services.record_assessment(
            actor=ciso, vendor=vendors[name], answers={**best, **answers}, assessed_on=_day(days_ago), notes=notes,
            findings=[services.NewFinding(text, users[owner].person, clock.today() + timedelta(days=due))
                      for text, owner, due in findings])
    for name, slug in LINKS_TO_RISKS.items():
        services.link_scenario(actor=ciso, vendor=vendors[name], scenario=risk_selectors.scenario_by_slug(ciso, slug))
    projects = {p.name: p for p in review_selectors.projects_visible_to(ciso)}
    for name, project in LINKS_TO_PROJECTS.items():
        services.link_project(actor=ciso, vendor=vendors[name], project=projects[project])
    figures = selectors.on_time(ciso)
    return (f"{report.created} vendors ({len(ASSESSMENTS)} assessed, {figures.on_time} of {figures.critical} critical "
            "on time)")
