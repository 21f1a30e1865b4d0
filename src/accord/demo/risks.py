"""Meridian Freight Group's risk register: a dozen Open FAIR scenarios in euros, with controls.

The scenarios go in as one scenario file through the import service (as a risk team would load
them), which stores one run per scenario and a portfolio run; owners, services, assets, treatment,
status and the controls already in place are then set through the register's services.
"""

from __future__ import annotations

from typing import Any

from accord.demo.accounts import DemoContext
from accord.org import selectors as org_selectors
from accord.risks import scenario_files, selectors, services

YEARS = 50_000  # about 0.1 s per scenario with its tornado; the whole register loads in a few seconds
SEED = 2026


def _c(name: str, factor: str, effectiveness: list[float], cost: float) -> dict[str, Any]:
    return {"name": name, "factor": factor, "effectiveness": {"pert": effectiveness}, "annual_cost": cost}


# (id, name, inputs, proposed controls)
SCENARIOS: tuple[tuple[str, str, dict[str, Any], list[dict[str, Any]]], ...] = (
    ("ransomware-erp", "Ransomware on the ERP platform", {
        "tef": {"pert": [0.3, 1, 4]},
        "vulnerability": {"pert": [0.05, 0.15, 0.35]},
        "primary_loss": {"pert": [200_000, 900_000, 6_000_000]},
        "secondary_loss_event_frequency": {"constant": 0.4},
        "secondary_loss": {"lognormal90": [100_000, 4_000_000]},
    }, [_c("Immutable ERP backups with restore drills", "primary_loss", [0.3, 0.5, 0.7], 90_000),
        _c("Privileged access tiering for ERP admins", "vulnerability", [0.1, 0.25, 0.4], 45_000)]),
    ("bec-finance", "Business email compromise against accounts payable", {
        "lef": {"pert": [0.3, 0.8, 2]},
        "primary_loss": {"lognormal90": [15_000, 600_000]},
    }, [_c("Call-back verification of bank detail changes", "lef", [0.5, 0.7, 0.85], 20_000)]),
    ("payment-fraud", "Card-not-present payment fraud on the B2B shop", {
        "tef": {"pert": [2, 6, 15]},
        "threat_capability": {"pert": [30, 55, 85]},
        "resistance_strength": {"pert": [45, 65, 80]},
        "primary_loss": {"lognormal90": [5_000, 250_000]},
        "secondary_loss_event_frequency": {"constant": 0.1},
        "secondary_loss": {"lognormal90": [20_000, 500_000]},
    }, [_c("Fraud scoring on card payments", "tef", [0.3, 0.5, 0.7], 70_000)]),
    ("wms-supply-chain-outage", "WMS outage from a compromised software update", {
        "lef": {"pert": [0.02, 0.08, 0.25]},
        "events": "bernoulli",
        "primary_loss": {"pert": [300_000, 1_500_000, 8_000_000]},
        "secondary_loss_event_frequency": {"constant": 0.5},
        "secondary_loss": {"lognormal90": [100_000, 3_000_000]},
    }, [_c("Signed updates and staged rollout for WMS vendors", "lef", [0.2, 0.4, 0.6], 40_000),
        _c("WMS failover runbook with twice-yearly DR tests", "primary_loss", [0.2, 0.35, 0.5], 75_000)]),
    ("portal-data-breach", "Customer data breach through the portal API", {
        "tef": {"pert": [1, 3, 8]},
        "vulnerability": {"pert": [0.02, 0.08, 0.2]},
        "primary_loss": {"lognormal90": [50_000, 800_000]},
        "secondary_loss_event_frequency": {"pert": [0.3, 0.5, 0.8]},
        "secondary_loss": {"lognormal90": [200_000, 6_000_000]},
    }, [_c("WAF with API schema validation", "vulnerability", [0.2, 0.4, 0.6], 55_000)]),
    ("ddos-storefront", "DDoS against the e-commerce storefront", {
        "tef": {"pert": [1, 4, 12]},
        "vulnerability": {"pert": [0.1, 0.3, 0.6]},
        "primary_loss": {"pert": [20_000, 120_000, 900_000]},
    }, [_c("Cloud DDoS scrubbing service", "vulnerability", [0.6, 0.8, 0.95], 65_000)]),
    ("insider-data-theft", "Insider theft of key-account data from the CRM", {
        "lef": {"pert": [0.05, 0.2, 0.6]},
        "primary_loss": {"lognormal90": [30_000, 700_000]},
        "secondary_loss_event_frequency": {"constant": 0.5},
        "secondary_loss": {"lognormal90": [100_000, 3_000_000]},
    }, [_c("Data loss prevention on endpoints and mail", "lef", [0.2, 0.35, 0.5], 85_000),
        _c("Quarterly access recertification", "lef", [0.1, 0.2, 0.3], 25_000)]),
    ("cloud-misconfiguration", "Public cloud storage misconfiguration exposing BI extracts", {
        "tef": {"pert": [0.5, 2, 6]},
        "vulnerability": {"pert": [0.05, 0.12, 0.3]},
        "primary_loss": {"lognormal90": [20_000, 400_000]},
        "secondary_loss_event_frequency": {"constant": 0.35},
        "secondary_loss": {"lognormal90": [100_000, 4_000_000]},
    }, [_c("Cloud security posture management", "vulnerability", [0.3, 0.5, 0.7], 50_000)]),
    ("telematics-mqtt-compromise", "Compromise of the fleet telematics MQTT brokers", {
        "tef": {"pert": [0.5, 2, 6]},
        "vulnerability": {"pert": [0.05, 0.15, 0.4]},
        "primary_loss": {"pert": [50_000, 300_000, 2_500_000]},
        "secondary_loss_event_frequency": {"constant": 0.2},
        "secondary_loss": {"lognormal90": [50_000, 1_500_000]},
    }, [_c("Mutual TLS and per-truck credentials on MQTT", "vulnerability", [0.4, 0.6, 0.8], 35_000)]),
    ("idp-compromise", "Identity provider compromise (SSO and Active Directory)", {
        "lef": {"pert": [0.01, 0.04, 0.15]},
        "events": "bernoulli",
        "primary_loss": {"lognormal90": [500_000, 12_000_000], "max": 40_000_000},
        "secondary_loss_event_frequency": {"constant": 0.6},
        "secondary_loss": {"lognormal90": [300_000, 8_000_000]},
    }, [_c("Phishing-resistant MFA (FIDO2) for all administrators", "lef", [0.4, 0.6, 0.8], 110_000)]),
    ("lost-laptop-customer-data", "Lost or stolen laptop with customer data", {
        "lef": {"pert": [0.2, 0.6, 1.5]},
        "primary_loss": {"pert": [2_000, 8_000, 40_000]},
        "secondary_loss_event_frequency": {"pert": [0.05, 0.15, 0.3]},
        "secondary_loss": {"lognormal90": [20_000, 600_000]},
    }, [_c("Enforced full-disk encryption with compliance checks", "secondary_loss_event_frequency",
           [0.6, 0.8, 0.95], 15_000)]),
    ("payroll-processor-breach", "Breach at the third-party payroll processor", {
        "lef": {"pert": [0.02, 0.06, 0.2]},
        "events": "bernoulli",
        "primary_loss": {"lognormal90": [40_000, 500_000]},
        "secondary_loss_event_frequency": {"constant": 0.7},
        "secondary_loss": {"lognormal90": [100_000, 2_500_000]},
    }, [_c("Cyber insurance with third-party breach cover", "secondary_loss", [0.4, 0.6, 0.8], 45_000),
        _c("Vendor security assessment and breach-notice clauses", "lef", [0.1, 0.2, 0.35], 12_000)]),
)

# id -> (business service, security owner account, treatment, status, description, controls already in place)
CONTEXT: dict[str, tuple[str, str, str, str, str, list[dict[str, Any]]]] = {
    "ransomware-erp": ("ERP", "ciso", "mitigate", "assessed",
                       "Encryption of the ERP application and database servers stops order-to-cash and finance "
                       "for days; recovery from backups, possible data leak and extortion.",
                       [_c("EDR on all ERP servers", "vulnerability", [0.2, 0.4, 0.6], 60_000)]),
    "bec-finance": ("Payments & Billing", "analyst", "mitigate", "treated",
                    "A spoofed or compromised supplier mailbox asks accounts payable to change bank details.",
                    [_c("DMARC enforcement on meridian-freight domains", "lef", [0.1, 0.2, 0.35], 8_000)]),
    "payment-fraud": ("Payments & Billing", "analyst", "mitigate", "assessed",
                      "Stolen cards used on B2B accounts; chargebacks and card-scheme penalties.", []),
    "wms-supply-chain-outage": ("Warehouse Management", "ciso", "mitigate", "assessed",
                                "A malicious update from a WMS plug-in vendor takes the warehouses offline; "
                                "picking and dispatch stop in the distribution centres.", []),
    "portal-data-breach": ("Customer Portal & API", "analyst", "mitigate", "assessed",
                           "Broken object-level authorisation in the partner API exposes shipment and "
                           "customer records; GDPR notification and customer claims.",
                           [_c("Annual portal penetration test", "vulnerability", [0.1, 0.2, 0.35], 30_000)]),
    "ddos-storefront": ("E-commerce Storefront", "analyst", "mitigate", "assessed",
                        "Volumetric and application-layer DDoS during peak ordering hours.", []),
    "insider-data-theft": ("CRM", "ciso", "mitigate", "draft",
                           "A departing sales employee exports key-account data to a competitor.", []),
    "cloud-misconfiguration": ("Data Warehouse & BI", "analyst", "mitigate", "assessed",
                               "A storage bucket with BI extracts is made public by mistake.", []),
    "telematics-mqtt-compromise": ("Transport & Fleet Telematics", "ciso", "mitigate", "assessed",
                                   "Attackers reach the MQTT brokers and spoof or block truck telemetry; "
                                   "route planning and delivery ETAs fail.", []),
    "idp-compromise": ("Identity & Access", "ciso", "mitigate", "treated",
                       "Takeover of SSO or a domain controller gives the attacker every system at once.",
                       [_c("Tier-0 admin workstations", "lef", [0.2, 0.3, 0.45], 60_000)]),
    "lost-laptop-customer-data": ("Email & Collaboration", "analyst", "mitigate", "assessed",
                                  "A sales laptop with customer exports is lost on the road.", []),
    "payroll-processor-breach": ("HR & Payroll", "ciso", "transfer", "assessed",
                                 "The external payroll processor is breached and employee data leaks.", []),
}


def scenario_file() -> dict[str, Any]:
    return {
        "currency": "EUR",
        "model": "event",
        "years": YEARS,
        "seed": SEED,
        "appetite": [[1_000_000, 0.5], [5_000_000, 0.1], [20_000_000, 0.01]],
        # Identity compromise is the usual way into ransomware and supply-chain attacks.
        "correlation": {"ids": ["idp-compromise", "ransomware-erp", "wms-supply-chain-outage"],
                        "matrix": [[1, 0.5, 0.3], [0.5, 1, 0.3], [0.3, 0.3, 1]]},
        "scenarios": [{"id": ident, "name": name, **inputs, "controls": controls}
                      for ident, name, inputs, controls in SCENARIOS],
    }


def build_risks(context: DemoContext) -> str:
    import yaml

    ciso = context.users["ciso"]
    text = yaml.safe_dump(scenario_file(), sort_keys=False).encode()
    report = scenario_files.import_scenario_file(actor=ciso, file=text, filename="meridian-risks.yaml")
    by_name = {s.name: s for s in org_selectors.services_visible_to(ciso).select_related("owner")}
    owners = {username: org_selectors.people_visible_to(ciso).filter(user=user).first()
              for username, user in context.users.items()}
    for ident, (service_name, security, treatment, status, description, in_place) in CONTEXT.items():
        service = by_name[service_name]
        assets = org_selectors.assets_visible_to(ciso, org_selectors.AssetFilter(
            business_service=service.pk, environment="production"))[:4]
        if ident == "lost-laptop-customer-data":
            assets = org_selectors.assets_visible_to(ciso, org_selectors.AssetFilter(kind="workstation"))[:3]
        scenario = services.update_scenario(
            actor=ciso, scenario=selectors.scenario_by_slug(ciso, ident), description=description,
            it_owner=service.owner, security_owner=owners[security], business_service=service,
            treatment=treatment, status=status, assets=list(assets),
        )
        for control in in_place:
            # In place: part of the inputs already, so the stored run does not change.
            services.add_control(actor=ciso, scenario=scenario, in_place=True, **control)
    return f"{report.scenarios} risk scenarios, {report.runs} simulation runs ({YEARS:,} years each)"
