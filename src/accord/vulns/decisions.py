"""From what Accord knows about a finding to its SSVC decision and SLA due date.

One `Assessor` serves a whole import or feed reload: it holds the KEV catalogue, the EPSS scores
of the CVEs at hand, the SSVC settings and the SLA policy in force, and caches assessments by
their inputs (a scan repeats the same check on many hosts), so deciding a million findings costs
far fewer than a million tree walks. The rules themselves are the engine's (`accord.engine.vulns`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from accord.engine.vulns import (
    Decision,
    KevListing,
    ScanFinding,
    Severity,
    SlaPolicy,
    SlaStatus,
    SsvcPolicy,
    due_date,
    evaluate,
    evidence_for,
    kev_due,
    score_vector,
    sla_status,
)
from accord.vulns.models import EpssScore, KevEntry, PolicyStatus, SsvcSettings
from accord.vulns.models import SlaPolicy as SlaPolicyRow

_CACHE_LIMIT = 200_000  # assessments / EPSS scores kept in memory before starting over


@dataclass(frozen=True, slots=True)
class Assessment:
    decision: str
    points: list[dict[str, str]]
    kev: bool
    kev_date_added: date | None
    kev_due_date: date | None
    epss: float | None
    epss_cve: str
    cvss_score: float | None


def decision_rank(decision: str) -> int:
    return Decision(decision).rank


def explanation(decision: str, points: list[dict[str, str]]) -> str:
    """`act because: exploitation active (CVE-... listed in KEV since ...); automatable yes (...); ...`."""
    parts = [f"{p['point'].replace('_', ' ')} {p['value']} ({p['reason']})" for p in points]
    return f"{decision} because: " + "; ".join(parts)


def policy_from_row(row: SlaPolicyRow | None) -> SlaPolicy:
    if row is None:
        return SlaPolicy()
    days = {Decision.ACT: row.act_days, Decision.ATTEND: row.attend_days,
            Decision.TRACK_STAR: row.track_star_days, Decision.TRACK: row.track_days}
    return SlaPolicy(days=days, due_soon_days=row.due_soon_days)


def policy_in_force() -> tuple[SlaPolicy, SlaPolicyRow | None]:
    row = SlaPolicyRow.objects.filter(status=PolicyStatus.ACTIVE).order_by("-confirmed_at", "-id").first()
    return policy_from_row(row), row


def epss_threshold() -> float:
    settings = SsvcSettings.objects.filter(pk=1).first()
    return settings.epss_threshold if settings else SsvcPolicy().epss_threshold


def status_of(due: date, state: str, today: date, fixed_on: date | None, policy: SlaPolicy) -> str:
    """on_track / due_soon / breached for open findings; met / missed for fixed; '' for suppressed."""
    if state in ("open", "reopened"):
        return sla_status(due, today, policy=policy).value
    if state == "fixed" and fixed_on is not None:
        return "met" if fixed_on <= due else "missed"
    return ""


SLA_STATUS_LABELS = {SlaStatus.ON_TRACK.value: "on track", SlaStatus.DUE_SOON.value: "due soon",
                     SlaStatus.BREACHED.value: "breached", "met": "met", "missed": "missed", "": "—"}


class Assessor:
    """Decides findings with the feeds and policies as they are now (see the module docstring)."""

    def __init__(self, *, kev: dict[str, KevListing], threshold: float, sla: SlaPolicy) -> None:
        self.kev = kev
        self.ssvc = SsvcPolicy(epss_threshold=threshold)
        self.sla = sla
        self.epss: dict[str, float] = {}
        self._epss_known: set[str] = set()
        self._assessments: dict[tuple[Any, ...], Assessment] = {}
        self._scores: dict[str, float] = {}

    @classmethod
    def current(cls) -> Assessor:
        kev = {cve: KevListing(cve, added, due) for cve, added, due in
               KevEntry.objects.values_list("cve_id", "date_added", "due_date")}
        return cls(kev=kev, threshold=epss_threshold(), sla=policy_in_force()[0])

    def prefetch_epss(self, cves: Iterable[str]) -> None:
        """Look up the EPSS scores of `cves` not looked up yet (call once per batch of findings)."""
        wanted = {cve for cve in cves if cve not in self._epss_known}
        if not wanted:
            return
        if len(self._epss_known) > _CACHE_LIMIT:
            self.epss.clear()
            self._epss_known.clear()
            self._assessments.clear()
        ordered = sorted(wanted)
        for start in range(0, len(ordered), 900):
            chunk = ordered[start:start + 900]
            self.epss.update(EpssScore.objects.filter(cve__in=chunk).values_list("cve", "epss"))
        self._epss_known |= wanted

    def cvss_score(self, vector: str) -> float:
        """The base score of a vector (refuses a malformed one with the engine's InvalidInput)."""
        score = self._scores.get(vector)
        if score is None:
            score = score_vector(vector).base_score
            self._scores[vector] = score
        return score

    def assess(self, finding: ScanFinding, mission: str | None, mission_source: str) -> Assessment:
        """The decision for a finding on an asset whose business service has `mission` impact."""
        key = (finding.cves, finding.cvss3_vector, finding.cvss4_vector, finding.epss, finding.exploit_available,
               finding.exploit_evidence, mission, mission_source)
        cached = self._assessments.get(key)
        if cached is not None:
            return cached
        if len(self._assessments) > _CACHE_LIMIT:
            self._assessments.clear()
        self.prefetch_epss(finding.cves)
        vector = finding.cvss4_vector or finding.cvss3_vector
        score = self.cvss_score(vector) if vector else None
        evidence = evidence_for(finding, kev=self.kev, epss=self.epss, mission_wellbeing=mission,
                                mission_source=mission_source)
        outcome = evaluate(evidence, self.ssvc)
        first = min(evidence.kev, key=lambda listing: listing.date_added) if evidence.kev else None
        assessment = Assessment(
            decision=outcome.decision.value,
            points=[{"point": p.point.value, "value": p.value, "source": p.source, "reason": p.reason}
                    for p in outcome.points],
            kev=bool(evidence.kev),
            kev_date_added=first.date_added if first else None,
            kev_due_date=kev_due(evidence),
            epss=evidence.epss,
            epss_cve=evidence.epss_cve,
            cvss_score=score,
        )
        self._assessments[key] = assessment
        return assessment

    def due(self, decision: str, start: date, kev_due_date: date | None) -> date:
        return due_date(decision, start, kev_due=kev_due_date, policy=self.sla).due

    def redue(self, *, old_decision: str, new_decision: str, old_due: date, sla_start: date,
              kev_due_date: date | None, today: date) -> tuple[date, date]:
        """(sla_start, due) after a decision changes from `old_decision` to `new_decision`.

        Escalating restarts the clock today for the new decision's days, but never gives more time
        than was already left; anything else keeps the original start.
        """
        if decision_rank(new_decision) > decision_rank(old_decision):
            return today, min(old_due, self.due(new_decision, today, kev_due_date))
        return sla_start, self.due(new_decision, sla_start, kev_due_date)


def scan_finding_of(row: Any) -> ScanFinding:
    """A stored finding as the engine's ScanFinding (what the decision needs from it)."""
    return ScanFinding(
        source_format=row.source_format, scanner=row.scanner, rule_id=row.rule_id, title=row.title,
        severity=Severity(row.severity), cves=tuple(cve for cve in row.cves.split(",") if cve),
        cvss3_vector=row.cvss3_vector, cvss4_vector=row.cvss4_vector, epss=row.scanner_epss,
        exploit_available=row.exploit_available, exploit_evidence=row.exploit_evidence,
    )


def mission_of(service_name: str | None, impact: str | None) -> tuple[str | None, str]:
    """SSVC mission & well-being from the asset's business service (None when it has none)."""
    if not service_name or not impact:
        return None, ""
    return impact, f"service {service_name} (mission impact {impact})"
