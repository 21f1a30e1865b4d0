"""Meridian Freight Group's security portfolio: about 25 initiatives, one budget scenario, one selection.

Every write goes through the portfolio's services (the CISO proposing, the CIO approving). Effects
name the risk register's demo scenarios by id; an effect on a scenario the register does not have is
skipped, so the builder still works if the register changes. Estimates use short simulations to keep
`accord demo load` fast.
"""

from __future__ import annotations

from typing import Any

from accord.demo.accounts import DemoContext
from accord.portfolio import services
from accord.risks import selectors as risk_selectors

ESTIMATE_YEARS = 10_000
SECOPS, PLATFORM, NETWORK = "Security Operations", "Platform Engineering", "Network & Infrastructure"
CLOUD, DESK, GRC = "Cloud Operations", "Service Desk & End-User Computing", "Governance, Risk & Compliance"
COMMERCE, LOGISTICS = "Application Development: Commerce", "Application Development: Logistics"
ERP, DBA = "ERP Competence Centre", "Database Administration"


def _e(scenario: str, factor: str, low: float, mode: float, high: float) -> tuple[str, str, dict[str, Any]]:
    return scenario, factor, {"pert": [low, mode, high]}


# slug, title, sponsor, one-off, a year, months, capacity, CSF 2.0, effects, extra fields
INITIATIVES: tuple[tuple[str, str, str, float, float, int, dict[str, float], list[str],
                         list[tuple[str, str, dict[str, Any]]], dict[str, Any]], ...] = (
    ("mfa-remote-access", "MFA for all remote access", "joint", 60_000, 35_000, 3, {PLATFORM: 1}, ["PR.AA-03"],
     [_e("idp-compromise", "lef", 0.2, 0.35, 0.5), _e("ransomware-erp", "tef", 0.1, 0.2, 0.35),
      _e("bec-finance", "lef", 0.1, 0.2, 0.3)],
     {"mandatory": True, "description": "Required by the cyber insurer from the next renewal."}),
    ("edr-everywhere", "EDR everywhere", "ciso", 180_000, 140_000, 6, {SECOPS: 2, DESK: 2},
     ["DE.CM-01", "DE.CM-09", "RS.MI-01"],
     [_e("ransomware-erp", "vulnerability", 0.1, 0.2, 0.35), _e("insider-data-theft", "lef", 0.05, 0.1, 0.2)],
     {"description": "Extend EDR from the ERP servers to every server and laptop."}),
    ("pam-domain-admins", "PAM for domain admins", "ciso", 150_000, 60_000, 6, {PLATFORM: 2, SECOPS: 1},
     ["PR.AA-05"],
     [_e("idp-compromise", "lef", 0.3, 0.45, 0.6), _e("ransomware-erp", "vulnerability", 0.1, 0.2, 0.3)],
     {"requires": ["mfa-remote-access"]}),
    ("immutable-backups", "Immutable backups with restore drills", "cio", 120_000, 45_000, 4, {PLATFORM: 1, DBA: 1},
     ["PR.DS-11", "RC.RP-03"],
     [_e("ransomware-erp", "primary_loss", 0.3, 0.5, 0.7), _e("wms-supply-chain-outage", "primary_loss", 0.1, 0.2, 0.3)],
     {}),
    ("erp-segmentation", "Network segmentation of the ERP", "cio", 220_000, 30_000, 8, {NETWORK: 3, ERP: 1},
     ["PR.IR-01"], [_e("ransomware-erp", "vulnerability", 0.15, 0.3, 0.45)], {}),
    ("email-gateway-upgrade", "Email security gateway upgrade", "ciso", 50_000, 70_000, 3, {SECOPS: 1},
     ["PR.PS-05", "DE.CM-09"],
     [_e("bec-finance", "lef", 0.15, 0.3, 0.45), _e("ransomware-erp", "tef", 0.1, 0.2, 0.3)], {}),
    ("awareness-programme", "Security awareness programme", "ciso", 30_000, 55_000, 12, {GRC: 1},
     ["PR.AT-01", "PR.AT-02"],
     [_e("bec-finance", "lef", 0.1, 0.25, 0.4), _e("ransomware-erp", "tef", 0.05, 0.15, 0.25),
      _e("lost-laptop-customer-data", "lef", 0.05, 0.1, 0.2)], {}),
    ("vuln-mgmt-automation", "Vulnerability management automation", "joint", 90_000, 60_000, 6,
     {SECOPS: 2, PLATFORM: 1}, ["ID.RA-01", "PR.PS-02"],
     [_e("ransomware-erp", "vulnerability", 0.1, 0.2, 0.3), _e("portal-data-breach", "vulnerability", 0.1, 0.2, 0.3),
      _e("telematics-mqtt-compromise", "vulnerability", 0.1, 0.2, 0.3)], {}),
    ("waf-storefront", "WAF for the storefront and portal API", "cio", 40_000, 55_000, 2, {CLOUD: 1, COMMERCE: 1},
     ["PR.PS-01", "DE.CM-01"],
     [_e("portal-data-breach", "vulnerability", 0.2, 0.4, 0.6), _e("ddos-storefront", "vulnerability", 0.2, 0.35, 0.5),
      _e("payment-fraud", "tef", 0.05, 0.15, 0.25)], {}),
    ("ddos-scrubbing", "Cloud DDoS scrubbing service", "cio", 10_000, 65_000, 1, {CLOUD: 1}, ["PR.IR-04"],
     [_e("ddos-storefront", "vulnerability", 0.6, 0.8, 0.95)], {}),
    ("secrets-management", "Secrets management", "joint", 70_000, 30_000, 5, {PLATFORM: 1, COMMERCE: 1, LOGISTICS: 1},
     ["PR.AA-01"],
     [_e("cloud-misconfiguration", "vulnerability", 0.1, 0.2, 0.35), _e("portal-data-breach", "vulnerability", 0.05, 0.1, 0.2),
      _e("telematics-mqtt-compromise", "vulnerability", 0.1, 0.15, 0.25)], {}),
    ("siem-soc-24x7", "SIEM and 24x7 SOC service", "ciso", 150_000, 380_000, 6, {SECOPS: 3},
     ["DE.CM-01", "DE.AE-02", "RS.MA-01"],
     [_e("ransomware-erp", "primary_loss", 0.15, 0.3, 0.45), _e("idp-compromise", "primary_loss", 0.15, 0.3, 0.45),
      _e("insider-data-theft", "lef", 0.05, 0.15, 0.25), _e("portal-data-breach", "primary_loss", 0.1, 0.2, 0.3)],
     {}),
    ("mdr-service", "Managed detection and response for endpoints", "ciso", 20_000, 210_000, 2, {SECOPS: 1},
     ["DE.CM-01", "RS.MA-01"],
     [_e("ransomware-erp", "primary_loss", 0.1, 0.25, 0.4), _e("idp-compromise", "primary_loss", 0.1, 0.2, 0.35)],
     {"requires": ["edr-everywhere"], "excludes": ["siem-soc-24x7"],
      "description": "The cheaper alternative to a full SOC: detection on endpoints only."}),
    ("ir-retainer", "Incident response retainer", "ciso", 0, 60_000, 1, {}, ["RS.MA-01", "RC.RP-01"],
     [_e("ransomware-erp", "primary_loss", 0.05, 0.15, 0.25), _e("idp-compromise", "primary_loss", 0.05, 0.15, 0.25),
      _e("portal-data-breach", "secondary_loss", 0.05, 0.1, 0.2)], {}),
    ("tabletop-exercises", "Tabletop exercises with the executive team", "joint", 15_000, 25_000, 12, {GRC: 1},
     ["PR.AT-02", "RS.CO-02"],
     [_e("ransomware-erp", "secondary_loss", 0.05, 0.15, 0.25), _e("wms-supply-chain-outage", "primary_loss", 0.05, 0.1, 0.2)],
     {}),
    ("vendor-risk-programme", "Vendor risk programme", "joint", 60_000, 80_000, 9, {GRC: 2},
     ["GV.SC-01", "GV.SC-07"],
     [_e("wms-supply-chain-outage", "lef", 0.1, 0.25, 0.4), _e("payroll-processor-breach", "lef", 0.1, 0.2, 0.35)], {}),
    ("payroll-vendor-assessment", "Payroll vendor assessment and contract clauses", "cio", 15_000, 5_000, 2,
     {GRC: 1}, ["GV.SC-05"],
     [_e("payroll-processor-breach", "lef", 0.1, 0.2, 0.35),
      _e("payroll-processor-breach", "secondary_loss", 0.1, 0.2, 0.3)], {}),
    ("dlp-customer-data", "DLP for customer data", "ciso", 110_000, 85_000, 9, {SECOPS: 1, DESK: 1},
     ["PR.DS-01", "PR.DS-02"],
     [_e("insider-data-theft", "lef", 0.2, 0.35, 0.5),
      _e("lost-laptop-customer-data", "secondary_loss_event_frequency", 0.1, 0.2, 0.3),
      _e("cloud-misconfiguration", "secondary_loss", 0.05, 0.1, 0.2)], {}),
    ("mqtt-hardening", "IoT/MQTT hardening for telematics", "cio", 80_000, 35_000, 5, {LOGISTICS: 2, NETWORK: 1},
     ["PR.PS-01", "PR.IR-01"], [_e("telematics-mqtt-compromise", "vulnerability", 0.4, 0.6, 0.8)], {}),
    ("cspm", "Cloud security posture management", "joint", 25_000, 50_000, 3, {CLOUD: 1}, ["PR.PS-01", "DE.CM-09"],
     [_e("cloud-misconfiguration", "vulnerability", 0.3, 0.5, 0.7)], {}),
    ("sbom-ci-scanning", "SBOM and dependency scanning in CI", "cio", 45_000, 30_000, 4, {COMMERCE: 1, LOGISTICS: 1},
     ["ID.RA-01", "GV.SC-04"],
     [_e("wms-supply-chain-outage", "lef", 0.1, 0.2, 0.35), _e("portal-data-breach", "vulnerability", 0.05, 0.15, 0.25)],
     {}),
    ("session-recording", "Privileged session recording", "ciso", 60_000, 25_000, 4, {PLATFORM: 1},
     ["PR.AA-05", "DE.CM-03"],
     [_e("insider-data-theft", "lef", 0.05, 0.1, 0.2), _e("idp-compromise", "primary_loss", 0.05, 0.1, 0.15)],
     {"requires": ["pam-domain-admins"]}),
    ("ztna", "Zero-trust network access to replace the VPN", "joint", 260_000, 120_000, 12, {NETWORK: 3, PLATFORM: 2},
     ["PR.AA-03", "PR.IR-01"],
     [_e("ransomware-erp", "tef", 0.15, 0.3, 0.45), _e("idp-compromise", "lef", 0.1, 0.2, 0.3),
      _e("insider-data-theft", "lef", 0.05, 0.1, 0.15)],
     {"requires": ["mfa-remote-access"]}),
    ("fido2-admins", "Phishing-resistant MFA (FIDO2) for administrators", "ciso", 45_000, 15_000, 3, {PLATFORM: 1},
     ["PR.AA-03"], [_e("idp-compromise", "lef", 0.3, 0.5, 0.7)], {"requires": ["mfa-remote-access"]}),
    ("fraud-scoring", "Fraud scoring on card payments", "cio", 30_000, 70_000, 3, {COMMERCE: 1}, ["DE.AE-02"],
     [_e("payment-fraud", "tef", 0.3, 0.5, 0.7)], {}),
    ("disk-encryption", "Enforced full-disk encryption with compliance checks", "cio", 10_000, 15_000, 2, {DESK: 1},
     ["PR.DS-01"], [_e("lost-laptop-customer-data", "secondary_loss_event_frequency", 0.6, 0.8, 0.95)],
     {"status": "in_progress"}),
    ("vpn-upgrade", "VPN concentrator upgrade", "cio", 90_000, 20_000, 3, {NETWORK: 1}, ["PR.IR-01"],
     [_e("ransomware-erp", "tef", 0.0, 0.05, 0.1)],
     {"status": "rejected", "excludes": ["ztna"], "description": "Rejected: zero-trust access replaces the VPN."}),
)

BUDGET = {"name": "FY2027 security budget", "budget": 2_400_000, "horizon_years": 3, "discount_rate": 0.08,
          "capacity": {SECOPS: 8, PLATFORM: 7, NETWORK: 5, GRC: 4}}


def build_portfolio(context: DemoContext) -> str:
    ciso, cio = context.users["ciso"], context.users["cio"]
    known = {s.slug: s for s in risk_selectors.register(ciso)}
    teams = set(services.teams_by_name(ciso))
    created, effects, skipped = {}, 0, 0
    # Create first, link after: requires/excludes may name initiatives further down the list.
    for slug, title, sponsor, one_off, annual, months, capacity, csf, _effects, extra in INITIATIVES:
        fields = {k: v for k, v in extra.items() if k not in {"requires", "excludes"}}
        created[slug] = services.create_initiative(
            actor=ciso, slug=slug, title=title, sponsor=sponsor, one_off_cost=one_off, annual_cost=annual,
            duration_months=months, capacity={t: u for t, u in capacity.items() if t in teams},
            csf_subcategories=csf, **fields)
    for slug, *_, effect_list, extra in INITIATIVES:
        if extra.get("requires") or extra.get("excludes"):
            services.update_initiative(actor=ciso, initiative=created[slug], requires=extra.get("requires", []),
                                       excludes=extra.get("excludes", []))
        for scenario, factor, effectiveness in effect_list:
            if scenario not in known:
                skipped += 1
                continue
            services.add_effect(actor=ciso, initiative=created[slug], scenario=known[scenario], factor=factor,
                                effectiveness=effectiveness)
            effects += 1
    capacity = {t: u for t, u in BUDGET["capacity"].items() if t in teams}  # type: ignore[attr-defined]
    budget = services.create_budget_scenario(actor=ciso, **{**BUDGET, "capacity": capacity})
    services.estimate_effects(actor=ciso, budget_scenario=budget, years=ESTIMATE_YEARS)
    summary = f"{len(created)} initiatives with {effects} effects"
    if skipped:
        summary += f" ({skipped} effects on missing risk scenarios skipped)"
    if not known:
        return summary + ", no selection (the risk register is empty)"
    selection = services.save_selection(actor=ciso, budget_scenario=budget)
    # Above the budget's amount: the CIO's approval asks for the sign-off, the CISO's grants it.
    services.approve_selection(actor=cio, selection=selection, note="Funds the ransomware and identity work first.")
    services.approve_selection(actor=ciso, selection=selection,
                               note="Agreed by the CIO and the CISO; review progress at the next steering committee.")
    return f"{summary}, a budget scenario and an approved selection of {selection.initiatives.count()}"
