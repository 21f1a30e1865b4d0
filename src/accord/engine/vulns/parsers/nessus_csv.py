"""Tenable Nessus CSV export: the current one (CVSS v4, VPR and EPSS columns) and the older
13-column one (`Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,
See Also,Plugin Output`). Nessus writes one row per CVE of a plugin, so each row is a finding.

Scores may come without their decimal point (`75` for 7.5, EPSS `3833` for 0.3833); see
`ScaledNumbers` for how a file is recognised as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.parsers._csv import Columns, CsvRows, normalise_header
from accord.engine.vulns.parsers._values import CellError, ScaledNumbers, cell_error, parse_int
from accord.engine.vulns.records import ScanFinding, Severity, cves_in, is_ip_address

FORMAT = "nessus-csv"

ALIASES: dict[str, tuple[str, ...]] = {
    "plugin_id": ("Plugin ID", "Plugin"),
    "cve": ("CVE",),
    "risk": ("Risk", "Severity"),
    "host": ("Host", "IP Address"),
    "dns_name": ("DNS Name", "FQDN"),
    "protocol": ("Protocol",),
    "port": ("Port",),
    "name": ("Name", "Plugin Name"),
    "synopsis": ("Synopsis",),
    "description": ("Description",),
    "solution": ("Solution",),
    "output": ("Plugin Output", "Plugin Text"),
    "cvss3": ("CVSS v3.0 Base Score", "CVSS V3 Base Score", "CVSS v3.1 Base Score"),
    "cvss3_vector": ("CVSS v3.0 Vector", "CVSS V3 Vector", "CVSS v3.1 Vector"),
    "cvss4": ("CVSS v4.0 Base Score",),
    "cvss4_vector": ("CVSS v4.0 Vector",),
    "vpr": ("VPR Score",),
    "epss": ("EPSS Score",),
    "metasploit": ("Metasploit",),
    "core_impact": ("Core Impact",),
    "canvas": ("CANVAS",),
}
REQUIRED = ("plugin_id", "host", "risk", "name")
_EXPLOIT_COLUMNS = (("metasploit", "Metasploit"), ("core_impact", "Core Impact"), ("canvas", "CANVAS"))


def looks_like_header(fields: list[str]) -> bool:
    names = {normalise_header(field) for field in fields}
    return "plugin id" in names and ("host" in names or "ip address" in names)


_CELLS = (
    "plugin_id", "cve", "risk", "host", "dns_name", "protocol", "port", "name", "synopsis", "description",
    "solution", "output", "cvss3", "cvss3_vector", "cvss4", "cvss4_vector", "vpr", "epss",
)  # fmt: skip


def parse(stream: BinaryIO, *, source: str, **_: object) -> Iterator[ScanFinding]:
    rows = CsvRows(stream, source)
    columns = Columns.find(rows.header, ALIASES)
    columns.require(REQUIRED, ALIASES, source, rows.header_line)
    numbers = ScaledNumbers()  # one per file: an export drops decimal points everywhere or nowhere
    pick = columns.picker(_CELLS)
    exploit_columns = [(key, label) for key, label in _EXPLOIT_COLUMNS if columns.has(key)]
    pick_exploits = columns.picker([key for key, _ in exploit_columns] + ["-", "-"])  # always a tuple
    exploit_labels = [label for _, label in exploit_columns]
    for line, row in rows:
        (
            plugin_id, cve, risk, host, dns_name, protocol, port_text, name, synopsis, description,
            solution, output, cvss3_text, cvss3_vector, cvss4_text, cvss4_vector, vpr_text, epss_text,
        ) = pick(row)  # fmt: skip
        plugin_id, host = plugin_id.strip(), host.strip()
        if not plugin_id or not host:
            missing = columns.name("plugin_id") if not plugin_id else columns.name("host")
            raise ScanFileError(source, f"column {missing!r} is empty", line=line)
        severity = Severity.from_label(risk)
        if severity is None:
            raise ScanFileError(
                source,
                f"column {columns.name('risk')!r}: unknown risk {risk.strip()!r} (Critical/High/Medium/Low/None)",
                line=line,
            )
        current = "port"
        try:
            port = parse_int(port_text)
            current = "cvss3"
            cvss3 = numbers.score(cvss3_text)
            current = "cvss4"
            cvss4 = numbers.score(cvss4_text)
            current = "vpr"
            vpr = numbers.score(vpr_text)
            current = "epss"
            epss = numbers.probability(epss_text)
        except CellError as exc:
            raise cell_error(source, line, columns.name(current), exc) from None
        flags = [
            label
            for label, value in zip(exploit_labels, pick_exploits(row), strict=False)
            if value.strip().lower() in _YES
        ]
        host_is_ip = is_ip_address(host)
        yield ScanFinding(
            source_format=FORMAT,
            scanner="nessus",
            rule_id=plugin_id,
            title=name.strip(),
            severity=severity,
            hostname=dns_name.strip() or ("" if host_is_ip else host),
            ip=host if host_is_ip else "",
            port=port,
            protocol=protocol.strip().lower(),
            cves=cves_in(cve),
            cvss3_vector=cvss3_vector.strip(),
            cvss3_score=cvss3,
            cvss4_vector=cvss4_vector.strip(),
            cvss4_score=cvss4,
            epss=epss,
            vpr=vpr,
            exploit_available=bool(flags) if exploit_columns else None,
            exploit_evidence=", ".join(flags),
            description=synopsis.strip() or description.strip(),
            solution=solution.strip(),
            evidence=output.strip(),
            origin=f"line {line}",
        )


_YES = frozenset({"true", "yes"})
