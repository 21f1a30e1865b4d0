"""From a scanner finding plus feed data to SSVC `Evidence` and CISA's KEV due date for it.

The app looks KEV entries and EPSS scores up for the finding's CVEs (from its stored feeds) and
hands them in as mappings; a CVE absent from a mapping is simply not listed / not scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from accord.engine.vulns.records import ScanFinding
from accord.engine.vulns.ssvc import DecisionPoint, Evidence, KevListing, MissionWellbeing, Override


def evidence_for(
    finding: ScanFinding,
    *,
    kev: Mapping[str, KevListing],
    epss: Mapping[str, float],
    mission_wellbeing: MissionWellbeing | str | None,
    mission_source: str = "",
    overrides: Mapping[DecisionPoint, Override] | None = None,
) -> Evidence:
    """The SSVC evidence for `finding`.

    EPSS is the highest among the finding's CVEs from the feed; the scanner's own EPSS is used only
    when the feed scores none of them. The CVSS v4.0 vector is preferred to v3.x when both exist.
    """
    listings = tuple(kev[cve] for cve in finding.cves if cve in kev)
    scored = [(epss[cve], cve) for cve in finding.cves if cve in epss]
    best_epss: float | None = finding.epss
    best_cve = ""
    if scored:
        best_epss, best_cve = max(scored)
    return Evidence(
        kev=listings,
        epss=best_epss,
        epss_cve=best_cve,
        exploit_available=finding.exploit_available,
        exploit_evidence=finding.exploit_evidence,
        cvss_vector=finding.cvss4_vector or finding.cvss3_vector,
        mission_wellbeing=mission_wellbeing,
        mission_source=mission_source,
        overrides=dict(overrides or {}),
    )


def kev_due(evidence: Evidence) -> date | None:
    """The earliest CISA due date among the finding's listed CVEs (binding only under BOD 22-01)."""
    dues = [listing.due_date for listing in evidence.kev if listing.due_date is not None]
    return min(dues) if dues else None
