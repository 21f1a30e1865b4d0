"""Vulnerability engine: scanner parsers, KEV/EPSS feeds, CVSS scores, SSVC decisions, SLAs.

Pure computation (no Django). The Django app `accord.vulns` stores what this computes:

- `read_scan(stream, source=..., format="auto")` -> (format, iterator of `ScanFinding`), with
  `ScanFinding.fingerprint()` for deduplication; `ScanFileError` names the line or element.
- `parse_kev` / `read_epss` for the offline feeds.
- `score_vector` for CVSS v3.x / v4.0.
- `decide`, `evaluate(Evidence, SsvcPolicy)` for SSVC with reasons; `evidence_for(finding, kev=..., epss=...)`
  builds the evidence and `kev_due` CISA's KEV due date (binding only under BOD 22-01).
- `due_date` (which names the `DueRule` that set it), `sla_status` for remediation SLAs.

See docs/vulnerabilities.md for the formats, rules and assumptions.
"""

from accord.engine.vulns.cvss import CvssScore, score_vector
from accord.engine.vulns.detect import detect_format, read_scan
from accord.engine.vulns.enrich import evidence_for, kev_due
from accord.engine.vulns.errors import FeedFileError, InputFileError, InvalidInput, ScanFileError
from accord.engine.vulns.feeds import EpssFeed, EpssScore, KevCatalog, KevEntry, parse_kev, read_epss
from accord.engine.vulns.parsers import ScanFormat
from accord.engine.vulns.records import ScanFinding, Severity
from accord.engine.vulns.sla import (
    DueDate,
    DueRule,
    SlaPolicy,
    SlaStatus,
    due_date,
    met_sla,
    rule_in_words,
    sla_status,
)
from accord.engine.vulns.ssvc import (
    Automatable,
    Decision,
    DecisionPoint,
    Evidence,
    Exploitation,
    KevListing,
    MissionWellbeing,
    Override,
    PointValue,
    SsvcOutcome,
    SsvcPolicy,
    TechnicalImpact,
    decide,
    derive_decision_points,
    evaluate,
)
from accord.engine.vulns.streams import (
    DEFAULT_MAX_BYTES,
    CountingReader,
    check_file_size,
    check_size,
    counting_stream,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Automatable",
    "CountingReader",
    "CvssScore",
    "Decision",
    "DecisionPoint",
    "DueDate",
    "DueRule",
    "EpssFeed",
    "EpssScore",
    "Evidence",
    "Exploitation",
    "FeedFileError",
    "InputFileError",
    "InvalidInput",
    "KevCatalog",
    "KevEntry",
    "KevListing",
    "MissionWellbeing",
    "Override",
    "PointValue",
    "ScanFileError",
    "ScanFinding",
    "ScanFormat",
    "Severity",
    "SlaPolicy",
    "SlaStatus",
    "SsvcOutcome",
    "SsvcPolicy",
    "TechnicalImpact",
    "check_file_size",
    "check_size",
    "counting_stream",
    "decide",
    "derive_decision_points",
    "detect_format",
    "due_date",
    "evaluate",
    "evidence_for",
    "kev_due",
    "met_sla",
    "parse_kev",
    "read_epss",
    "read_scan",
    "rule_in_words",
    "score_vector",
    "sla_status",
]
