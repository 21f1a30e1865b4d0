"""Tenable Nessus CSV export: the current one (CVSS v4, VPR and EPSS columns) and the older
13-column one (`Plugin ID,CVE,CVSS,Risk,Host,Protocol,Port,Name,Synopsis,Description,Solution,
See Also,Plugin Output`). Nessus writes one row per CVE of a plugin, so each row is a finding.

The same columns under other names come from Tenable.sc (`Plugin`, `Plugin Name`, `IP Address`,
`DNS Name`, `CVSS V3 Vector` without its `CVSS:3.x/` prefix, `First Discovered`) and from Tenable
Vulnerability Management's comma-separated export (`CVSS3 Base Score`, `CVSS3 Vector`, `Host`
holding a name beside `IP Address`).

Scores may come without their decimal point (`75` for 7.5, EPSS `3833` for 0.3833); see
`ScaledNumbers` for how a file is recognised as such.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from accord.engine.vulns.cvss import with_prefix
from accord.engine.vulns.errors import ScanFileError
from accord.engine.vulns.notes import ParseNotes
from accord.engine.vulns.parsers._csv import Columns, CsvRows, normalise_header
from accord.engine.vulns.parsers._values import (
    CellError,
    ScaledNumbers,
    cell_error,
    parse_int,
    parse_timestamp,
)
from accord.engine.vulns.records import ScanFinding, Severity, cves_in, is_ip_address

FORMAT = "nessus-csv"

ALIASES: dict[str, tuple[str, ...]] = {
    "plugin_id": ("Plugin ID", "Plugin"),
    "cve": ("CVE",),
    "risk": ("Risk", "Severity"),
    "host": ("Host", "IP Address"),
    "ip": ("IP Address", "IPv4 Address", "IP"),
    "dns_name": ("DNS Name", "FQDN"),
    "protocol": ("Protocol",),
    "port": ("Port",),
    "name": ("Name", "Plugin Name"),
    "synopsis": ("Synopsis",),
    "description": ("Description",),
    "solution": ("Solution",),
    "output": ("Plugin Output", "Plugin Text"),
    "cvss3": (
        "CVSS v3.0 Base Score", "CVSS V3 Base Score", "CVSS v3.1 Base Score", "CVSS3 Base Score",
        "CVSSv3 Base Score", "CVSSv3",
    ),
    "cvss3_vector": ("CVSS v3.0 Vector", "CVSS V3 Vector", "CVSS v3.1 Vector", "CVSS3 Vector", "CVSSv3 Vector"),
    "cvss4": ("CVSS v4.0 Base Score", "CVSS4 Base Score", "CVSSv4 Base Score"),
    "cvss4_vector": ("CVSS v4.0 Vector", "CVSS4 Vector", "CVSSv4 Vector"),
    "vpr": ("VPR Score", "Vulnerability Priority Rating", "VPR"),
    "epss": ("EPSS Score", "EPSS"),
    "metasploit": ("Metasploit",),
    "core_impact": ("Core Impact",),
    "canvas": ("CANVAS",),
    "exploit": ("Exploit?", "Exploit Available", "Exploitable"),
    "frameworks": ("Exploit Frameworks",),
    "first_seen": ("First Discovered", "First Seen", "First Found"),
    "last_seen": ("Last Observed", "Last Seen", "Last Found"),
}
REQUIRED = ("plugin_id", "host", "risk", "name")
_EXPLOIT_COLUMNS = (("metasploit", "Metasploit"), ("core_impact", "Core Impact"), ("canvas", "CANVAS"))
_EXPLOIT_INFO = ("metasploit", "core_impact", "canvas", "exploit", "frameworks")


def looks_like_header(fields: list[str]) -> bool:
    """Nessus (`Plugin ID`, `Host`) or Tenable.sc (`Plugin`, `Plugin Name`, `IP Address`)."""
    names = {normalise_header(field) for field in fields}
    plugin = "plugin id" in names or {"plugin", "plugin name"} <= names
    return plugin and ("host" in names or "ip address" in names)


_CELLS = (
    "plugin_id", "cve", "risk", "host", "ip", "dns_name", "protocol", "port", "name", "synopsis",
    "description", "solution", "output", "cvss3", "cvss3_vector", "cvss4", "cvss4_vector", "vpr", "epss",
    "exploit", "frameworks", "first_seen", "last_seen",
)  # fmt: skip


def parse(stream: BinaryIO, *, source: str, notes: ParseNotes | None = None, **_: object) -> Iterator[ScanFinding]:
    rows = CsvRows(stream, source)
    columns = Columns.find(rows.header, ALIASES)
    columns.require(REQUIRED, ALIASES, source, rows.header_line)
    ignored = columns.ignored()
    notes = notes if notes is not None else ParseNotes()
    try:
        yield from _findings(rows, columns, source, ignored.count, notes)
    finally:
        ignored.report(notes)


def _findings(
    rows: CsvRows, columns: Columns, source: str, count_ignored: Callable[[list[str]], None], notes: ParseNotes
) -> Iterator[ScanFinding]:
    numbers = ScaledNumbers()  # one per file: an export drops decimal points everywhere or nowhere
    pick = columns.picker(_CELLS)
    exploit_columns = [(key, label) for key, label in _EXPLOIT_COLUMNS if columns.has(key)]
    pick_exploits = columns.picker([key for key, _ in exploit_columns] + ["-", "-"])  # always a tuple
    exploit_labels = [label for _, label in exploit_columns]
    has_exploit_info = any(columns.has(key) for key in _EXPLOIT_INFO)
    # Tenable.sc leaves the `CVSS:3.x/` prefix out; a column named v3.0 says which v3 it is.
    v3 = "3.0" if columns.has("cvss3_vector") and "3.0" in columns.name("cvss3_vector") else "3.1"
    for line, row in rows:
        count_ignored(row)
        (
            plugin_id, cve, risk, host, ip, dns_name, protocol, port_text, name, synopsis, description,
            solution, output, cvss3_text, cvss3_vector, cvss4_text, cvss4_vector, vpr_text, epss_text,
            exploit_text, frameworks, first_text, last_text,
        ) = pick(row)  # fmt: skip
        if cvss3_vector and not cvss3_vector.startswith("CVSS:"):
            prefixed = with_prefix(cvss3_vector, v3=v3)
            if prefixed.startswith("CVSS:"):  # v2 and garbage are for the shared validation to judge
                cvss3_vector = prefixed
                notes.note(f"CVSS vectors without their 'CVSS:x.y/' prefix: given the prefix their metrics "
                           f"imply (v3 as CVSS:{v3})")
        plugin_id, host, ip = plugin_id.strip(), host.strip(), ip.strip()
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
            current = "first_seen"
            first_seen = parse_timestamp(_unless_na(first_text))
            current = "last_seen"
            last_seen = parse_timestamp(_unless_na(last_text))
        except CellError as exc:
            raise cell_error(source, line, columns.name(current), exc) from None
        flags = [
            label
            for label, value in zip(exploit_labels, pick_exploits(row), strict=False)
            if value.strip().lower() in _YES
        ]
        if frameworks.strip():
            flags.append(frameworks.strip())
        host_is_ip = is_ip_address(host)
        if host_is_ip and not ip:
            ip = host
        yield ScanFinding(
            source_format=FORMAT,
            scanner="nessus",
            rule_id=plugin_id,
            title=name.strip(),
            severity=severity,
            hostname=dns_name.strip() or ("" if host_is_ip else host),
            ip=ip if is_ip_address(ip) else "",
            port=port,
            protocol=protocol.strip().lower(),
            cves=cves_in(cve),
            cvss3_vector=cvss3_vector.strip(),
            cvss3_score=cvss3,
            cvss4_vector=cvss4_vector.strip(),
            cvss4_score=cvss4,
            epss=epss,
            vpr=vpr,
            exploit_available=(bool(flags) or exploit_text.strip().lower() in _YES) if has_exploit_info else None,
            exploit_evidence=", ".join(flags),
            description=synopsis.strip() or description.strip(),
            solution=solution.strip(),
            evidence=output.strip(),
            first_seen=first_seen,
            last_seen=last_seen,
            origin=f"line {line}",
        )


_YES = frozenset({"true", "yes"})


def _unless_na(text: str) -> str:
    """Tenable.sc writes `N/A` for dates it does not have."""
    return "" if text.strip().upper() == "N/A" else text
