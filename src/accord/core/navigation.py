"""The product's areas, in the order the navigation shows them.

An area whose issue has not landed yet has no `url_name`; its page says so plainly, with what it
will do, instead of pretending.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    capability: str
    url_name: str | None
    promise: str
    path: str = ""  # pages under this path belong to the area (the sidebar highlights it)


AREAS: tuple[Area, ...] = (
    Area("risks", "Risks", "risk.read", "risks:register",
         "The quantified risk register: each risk in money (Open FAIR Monte Carlo), loss exceedance "
         "against the board's appetite, and what each control buys.", path="/risks/"),
    Area("vulnerabilities", "Vulnerabilities", "vuln.read", "vulns:findings",
         "Scanner imports enriched with KEV, EPSS and CVSS, an explained SSVC decision per finding, "
         "and remediation SLA clocks per business service and team.", path="/vulns/"),
    Area("patching", "Patch plan", "patch.read", "patching:overview",
         "A patch schedule fitted into maintenance windows that trades exposure against downtime, "
         "signed off by the CIO and the CISO.", path="/patching/"),
    Area("portfolio", "Portfolio", "portfolio.read", "portfolio:home",
         "Security initiatives with ROSI from the risk engine, the best set for a budget and the "
         "spend-versus-risk frontier.", path="/portfolio/"),
    Area("reviews", "Reviews", "review.read", "reviews:home",
         "Security reviews of the CIO's projects on SLA clocks, with risk tiering and a pipeline gate.",
         path="/reviews/"),
    Area("incidents", "Incidents", "incident.read", "incidents:home",
         "The incident room: timeline, executive updates with stated confidence, regulatory clocks.",
         path="/incidents/"),
    Area("steering", "Steering", "steering.read", "steering:home",
         "The joint steering committee: agenda from escalations, decision log, risk acceptances with expiry.",
         path="/steering/"),
    Area("scorecard", "Scorecard", "scorecard.read", "metrics:scorecard",
         "Shared KPIs and KRIs with agreed thresholds, monthly trends and the quarterly partnership review.",
         path="/scorecard/"),
    Area("posture", "Posture", "scorecard.read", "posture:home",
         "The NIST CSF 2.0 current and target profile against a benchmark, with the gaps and the initiatives "
         "that close them.", path="/posture/"),
    Area("vendors", "Vendors", "vendor.read", "vendors:home",
         "The vendor register with tiering, assessments and review cadence.", path="/vendors/"),
    Area("people", "People", "org.read", "org:people",
         "The people directory: who works in which team, and who owns which service.", path="/org/people/"),
    Area("culture", "Culture", "culture.read", "culture:home",
         "Security champions in the IT teams, awareness campaigns with phishing results, and the "
         "stakeholder map the CISO and CIO keep.", path="/culture/"),
    Area("organisation", "Organisation", "org.read", "org:assets",
         "Business services, teams and assets.", path="/org/"),
    Area("leadership", "Leadership", "leadership.read", "leadership:home",
         "The CISO's time split, skills and mentoring plans, and the technology radar.", path="/leadership/"),
    Area("reports", "Reports", "report.read", "packs:home",
         "The one-click board pack: exposure against appetite, trends and decisions requested.", path="/reports/"),
)

AREAS_BY_KEY = {area.key: area for area in AREAS}


def area_of_path(path: str) -> str:
    """The key of the area a page belongs to: the longest area path the page's path starts with."""
    matches = [a for a in AREAS if a.path and path.startswith(a.path)]
    return max(matches, key=lambda a: len(a.path)).key if matches else ""
