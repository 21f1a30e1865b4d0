"""`ScanFinding`: one finding normalised across scanners, and its stable fingerprint."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CVE_PATTERN = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)


class Severity(StrEnum):
    """Qualitative severity, the CVSS bands plus `info` for scanner notes without a score."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """4 for critical down to 0 for info, for sorting."""
        return _SEVERITY_RANK[self]

    @classmethod
    def from_score(cls, score: float) -> Severity:
        """The CVSS v3/v4 qualitative band of a 0-10 score (0.0 is `info`, CVSS's "None")."""
        if score >= 9.0:
            return cls.CRITICAL
        if score >= 7.0:
            return cls.HIGH
        if score >= 4.0:
            return cls.MEDIUM
        if score > 0.0:
            return cls.LOW
        return cls.INFO

    @classmethod
    def from_label(cls, label: str) -> Severity | None:
        """Map a scanner's severity word (Critical, High, Moderate, Informational, None...)."""
        return _SEVERITY_WORDS.get(label.strip().lower())


_SEVERITY_RANK = {
    Severity.CRITICAL: 4,
    Severity.HIGH: 3,
    Severity.MEDIUM: 2,
    Severity.LOW: 1,
    Severity.INFO: 0,
}
_SEVERITY_WORDS = {
    "critical": Severity.CRITICAL,
    "urgent": Severity.CRITICAL,
    "high": Severity.HIGH,
    "important": Severity.HIGH,
    "error": Severity.HIGH,
    "medium": Severity.MEDIUM,
    "moderate": Severity.MEDIUM,
    "warning": Severity.MEDIUM,
    "low": Severity.LOW,
    "note": Severity.LOW,
    "info": Severity.INFO,
    "informational": Severity.INFO,
    "information": Severity.INFO,
    "none": Severity.INFO,
    "log": Severity.INFO,
}


def cves_in(text: str) -> tuple[str, ...]:
    """The distinct CVE ids named in `text`, upper-cased, in order of first mention."""
    return tuple(dict.fromkeys(match.upper() for match in CVE_PATTERN.findall(text)))


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")


def is_ip_address(text: str) -> bool:
    """Whether `text` is an IPv4 or IPv6 address (a regex first: this runs once per finding)."""
    if _IPV4.fullmatch(text):
        return True
    if ":" not in text:
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class ScanFinding:
    """One finding as a scanner reported it, in the same shape whatever the file format.

    The asset is a host (`hostname` and/or `ip`) or an application (`application`: a repository
    for SARIF, the SBOM's subject for CycloneDX). Scores are the scanner's own; `None` means the
    file did not say. `exploit_available` is `None` when the scanner gives no exploit information.
    """

    source_format: str
    scanner: str
    rule_id: str
    title: str
    severity: Severity
    hostname: str = ""
    ip: str = ""
    application: str = ""
    port: int | None = None
    protocol: str = ""
    location: str = ""
    location_key: str = ""
    cves: tuple[str, ...] = ()
    cvss3_vector: str = ""
    cvss3_score: float | None = None
    cvss4_vector: str = ""
    cvss4_score: float | None = None
    epss: float | None = None
    vpr: float | None = None
    exploit_available: bool | None = None
    exploit_evidence: str = ""
    description: str = ""
    solution: str = ""
    evidence: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    suppressed: bool = False
    suppression_justification: str = ""
    origin: str = ""

    @property
    def asset_kind(self) -> str:
        """`application` for code and SBOM findings, `host` otherwise."""
        return "application" if self.application and not (self.hostname or self.ip) else "host"

    @property
    def asset_key(self) -> str:
        """How the file names the asset: hostname, else IP, else application (lower-cased)."""
        return (self.hostname or self.ip or self.application).strip().lower()

    @property
    def key_cve(self) -> str:
        """The CVE that is part of the finding's identity.

        Formats that write one row per CVE of a check (Nessus CSV) give findings with exactly one
        CVE, and the CVE tells those rows apart. A check that names several CVEs is identified by
        its rule id alone, so a scanner adding a CVE to a check's list does not reopen it.
        """
        return self.cves[0] if len(self.cves) == 1 else ""

    def fingerprint(self, asset_key: str | None = None) -> str:
        """A stable SHA-256 hex digest of (asset, scanner, rule id, CVE, port or location).

        Pass `asset_key` (e.g. the matched asset's primary key) so that a host first seen by IP
        and later by name keeps its findings' identities. Titles, scores and texts are left out on
        purpose: a scanner rewording a title is the same finding.
        """
        if self.port is not None or self.protocol:
            where = f"{self.protocol.lower()}/{self.port if self.port is not None else ''}"
        else:
            where = self.location_key or self.location
        parts = (
            self.asset_key if asset_key is None else asset_key,
            self.scanner.strip().lower(),
            self.rule_id.strip(),
            self.key_cve,
            where,
        )
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
