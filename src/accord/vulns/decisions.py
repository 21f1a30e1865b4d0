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
    DueDate,
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
from accord.vulns.models import EpssScore, Finding, KevEntry, PolicyStatus, SsvcSettings
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
    return SlaPolicy(days=days, due_soon_days=row.due_soon_days, kev_days=row.kev_days,
                     bound_by_bod_22_01=row.bound_by_bod_22_01)


def policy_in_force() -> tuple[SlaPolicy, SlaPolicyRow | None]:
    row = SlaPolicyRow.objects.filter(status=PolicyStatus.ACTIVE).order_by("-confirmed_at", "-id").first()
    return policy_from_row(row), row


def epss_threshold() -> float:
    settings = SsvcSettings.objects.filter(pk=1).first()
    return settings.epss_threshold if settings else SsvcPolicy().epss_threshold


def status_of(due: date, state: str, today: date, fixed_on: date | None, policy: SlaPolicy, *,
              accepted_until: date | None = None) -> str:
    """on_track / due_soon / breached for open findings, or accepted while a granted risk acceptance
    covers them (through `accepted_until`); met / missed for fixed; '' for suppressed."""
    if state in ("open", "reopened"):
        if accepted_until is not None and accepted_until >= today:
            return "accepted"
        return sla_status(due, today, policy=policy).value
    if state == "fixed" and fixed_on is not None:
        return "met" if fixed_on <= due else "missed"
    return ""


SLA_STATUS_LABELS = {SlaStatus.ON_TRACK.value: "on track", SlaStatus.DUE_SOON.value: "due soon",
                     SlaStatus.BREACHED.value: "breached", "accepted": "accepted", "met": "met", "missed": "missed",
                     "": "—"}


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
        self._dues: dict[tuple[Any, ...], DueDate] = {}

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

    def due(self, decision: str, *, clock_start: date, opened_on: date, kev_added: date | None,
            kev_due: date | None, not_after: date | None = None) -> DueDate:
        """The due date under the policy in force, and the rule that set it (`accord.engine.vulns.due_date`).

        Remembered by its inputs: a scan repeats the same few first-seen days and decisions.
        """
        key = (decision, clock_start, opened_on, kev_added, kev_due, not_after)
        known = self._dues.get(key)
        if known is None:
            if len(self._dues) > _CACHE_LIMIT:
                self._dues.clear()
            known = self._dues[key] = due_date(decision, clock_start, first_seen=opened_on, kev_added=kev_added,
                                               kev_due=kev_due, not_after=not_after, policy=self.sla)
        return known

    def _due_of(self, row: Finding, decision: str) -> DueDate:
        return self.due(decision, clock_start=row.sla_start, opened_on=row.opened_on, kev_added=row.kev_date_added,
                        kev_due=row.kev_due_date, not_after=row.due_not_after)

    def set_decision(self, row: Finding, decision: str, today: date, *, reopened: bool = False) -> None:
        """Give a stored finding `decision` and its due date under the rules and feeds in force.

        Reopening restarts both clocks today. Escalating restarts the decision's clock today, with the
        date the old decision gives as a ceiling (an escalation never gives more time than was left);
        de-escalating drops the ceiling. Otherwise the date is recomputed from the same start, since
        the policy or the feeds may have changed.
        """
        if reopened:
            row.opened_on = row.sla_start = today
            row.due_not_after = None
        elif decision_rank(decision) > decision_rank(row.decision):
            row.due_not_after = self._due_of(row, row.decision).due
            row.sla_start = today
        elif decision_rank(decision) < decision_rank(row.decision):
            row.due_not_after = None
        row.decision = decision
        result = self._due_of(row, decision)
        row.due_date, row.due_rule, row.due_reason = result.due, result.rule.value, result.reason


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
