"""What Greenbone's XML report and CSV export share: severity from the score, the port notation."""

from __future__ import annotations

from accord.engine.vulns.records import Severity

FALSE_POSITIVE = "false positive (Greenbone override)"


def severity(score: float | None, threat: str) -> Severity:
    """The CVSS band of the result's score; the threat word when there is no score (or -1)."""
    if score is not None and score >= 0:
        return Severity.from_score(score)
    return Severity.from_label(threat) or Severity.INFO


def is_false_positive(score: float | None, threat: str) -> bool:
    """An override to "False Positive" sets the severity to -1 (the CSV may say it in words)."""
    return (score is not None and score < 0) or threat.strip().lower() == "false positive"


def port(number: str, protocol: str) -> tuple[int | None, str]:
    """(`443`, `tcp`) -> (443, "tcp"); a host-level result (`general`, or no number) -> (0, "tcp").

    Port 0 is how both Greenbone formats give host-level results the same identity.
    """
    number, protocol = number.strip(), protocol.strip().lower()
    if not number and not protocol:
        return None, ""
    return (int(number) if number.isdecimal() else 0), protocol


def split_port(text: str) -> tuple[int | None, str]:
    """The XML's `443/tcp` or `general/tcp` notation."""
    number, _, protocol = text.partition("/")
    return port(number, protocol)
