"""What every Qualys format shares: severity levels, detection types and states, score cells."""

from __future__ import annotations

import re

from accord.engine.vulns.cvss import with_prefix
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._values import CellError, parse_score
from accord.engine.vulns.records import Severity

# Qualys severity levels 1-5 (minimal, medium, serious, critical, urgent).
LEVELS = {
    "1": Severity.INFO,
    "2": Severity.LOW,
    "3": Severity.MEDIUM,
    "4": Severity.HIGH,
    "5": Severity.CRITICAL,
}
# Information gathered (Qualys "Ig") is reported, never a vulnerability: severity info whatever its level.
_INFO_TYPES = frozenset({"ig", "info", "information", "information gathered", "informational"})
_SCORE_WITH_VECTOR = re.compile(r"^\s*(?P<score>\d+(?:[.,]\d+)?)?\s*(?:\((?P<vector>[^)]*)\))?\s*$")
_NOT_GIVEN = frozenset({"", "-", "'-", "n/a", "na"})


def level(text: str) -> Severity:
    """A Qualys severity level 1-5."""
    severity = LEVELS.get(text.strip())
    if severity is None:
        raise CellError(f"expected a Qualys severity level 1-5, found {text.strip()!r}")
    return severity


def is_information(detection_type: str) -> bool:
    return detection_type.strip().lower() in _INFO_TYPES


def is_fixed(status: str) -> bool:
    """Whether a detection's status says the host no longer has it."""
    return status.strip().lower() == "fixed"


def note_fixed(notes: ParseNotes, count: int, what: str = "detection(s)") -> None:
    if count:
        notes.note(f"{count} {what} with status Fixed left out: the host no longer has them")


def given(text: str) -> str:
    """A cell's text, or "" for Qualys's ways of writing nothing (`-`, `N/A`)."""
    value = text.strip()
    return "" if value.lower() in _NOT_GIVEN else value


def score_and_vector(text: str, v3: str = "3.1") -> tuple[float | None, str]:
    """`8.1 (AV:N/AC:H/...)` -> (8.1, "CVSS:3.1/AV:N/AC:H/..."); a bare score or vector also do.

    Qualys writes vectors without their `CVSS:x.y/` prefix: the metrics say v3 or v4, the column
    says which v3 (`v3`).
    """
    value = given(text)
    if not value:
        return None, ""
    match = _SCORE_WITH_VECTOR.match(value)
    if match is None:
        raise CellError(f"expected 'score (vector)', found {value!r}")
    vector = (match.group("vector") or "").strip()
    return parse_score(match.group("score") or ""), with_prefix(vector, v3=v3) if vector else ""


def describe(threat: str, impact: str) -> str:
    """Qualys's Threat and Impact texts as one description."""
    return "\n\n".join(part for part in (threat.strip(), impact.strip()) if part)
