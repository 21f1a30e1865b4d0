"""accord vulns ...: commands of the vulns domain.

`cvss`, `ssvc` and `parse` only run the engine: no Django is imported.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from accord.engine.vulns.cvss import score_vector
from accord.engine.vulns.detect import read_scan
from accord.engine.vulns.errors import InputFileError, InvalidInput
from accord.engine.vulns.parsers import ScanFormat
from accord.engine.vulns.records import Severity
from accord.engine.vulns.ssvc import CISA_TREE, decision_point_values
from accord.engine.vulns.streams import DEFAULT_MAX_BYTES, check_file_size

app = typer.Typer(
    help="Vulnerabilities: CVSS scores, SSVC decisions, scanner files.",
    no_args_is_help=True,
)

FORMAT_CHOICES = ["auto", *(item.value for item in ScanFormat)]


@app.callback()
def _vulns() -> None:
    """Vulnerabilities: CVSS scores, SSVC decisions, scanner files."""


def _fail(exc: InvalidInput | InputFileError) -> typer.Exit:
    Console(stderr=True).print(f"[red]error[/red] {exc}", highlight=False, soft_wrap=True, markup=True)
    return typer.Exit(2)


def _emit(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


@app.command()
def cvss(
    vector: Annotated[str, typer.Argument(help="CVSS:3.0/..., CVSS:3.1/... or CVSS:4.0/... vector")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Print the score and severity of a CVSS v3.x or v4.0 vector."""
    try:
        result = score_vector(vector)
    except InvalidInput as exc:
        raise _fail(exc) from None
    document = {
        "version": result.version,
        "vector": result.vector,
        "score": result.score,
        "severity": result.severity,
        "nomenclature": result.nomenclature,
        "base_score": result.base_score,
        "base_severity": result.base_severity,
    }
    if as_json:
        _emit(document)
        return
    table = Table(show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in document.items():
        table.add_row(key.replace("_", " "), str(value))
    Console().print(f"CVSS v{result.version}", table)


@app.command()
def ssvc(
    exploitation: Annotated[str, typer.Option(help="none, public_poc or active")],
    automatable: Annotated[str, typer.Option(help="no or yes")],
    technical_impact: Annotated[str, typer.Option("--technical-impact", help="partial or total")],
    mission_wellbeing: Annotated[
        str, typer.Option("--mission-wellbeing", "--mission-well-being", help="low, medium or high")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Print CISA's SSVC decision (track, track*, attend, act) for four decision-point values."""
    try:
        values = decision_point_values(exploitation, automatable, technical_impact, mission_wellbeing)
    except InvalidInput as exc:
        raise _fail(exc) from None
    decision = CISA_TREE[values]
    names = ("exploitation", "automatable", "technical_impact", "mission_wellbeing")
    if as_json:
        _emit(
            {
                **{name: value.value for name, value in zip(names, values, strict=True)},
                "decision": decision.value,
            }
        )
        return
    inputs = ", ".join(
        f"{name.replace('_', ' ')} {value.value}" for name, value in zip(names, values, strict=True)
    )
    Console().print(f"SSVC decision: [bold]{decision.value}[/bold] ({inputs})", highlight=False)


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="scanner file to read")],
    file_format: Annotated[
        str, typer.Option("--format", help=f"one of {', '.join(FORMAT_CHOICES)}")
    ] = "auto",
    application: Annotated[
        str | None, typer.Option(help="asset name for SARIF/CycloneDX findings (default: from the file)")
    ] = None,
    max_size: Annotated[
        int, typer.Option(help="refuse files larger than this many bytes")
    ] = DEFAULT_MAX_BYTES,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Read a scanner file and print its normalised findings counted by severity (nothing is stored)."""
    if file_format not in FORMAT_CHOICES:
        raise _fail(InvalidInput("--format", f"{file_format!r} is not one of {', '.join(FORMAT_CHOICES)}"))
    if not file.is_file():
        raise _fail(InvalidInput("FILE", f"{file}: no such file"))
    started = time.perf_counter()
    by_severity: Counter[str] = Counter()
    assets: set[str] = set()
    suppressed = with_cves = 0
    try:
        check_file_size(file, max_size)
        with file.open("rb") as stream:
            chosen, findings = read_scan(
                stream, source=file.name, format=file_format, application=application, max_bytes=max_size
            )
            for finding in findings:
                by_severity[finding.severity.value] += 1
                assets.add(finding.asset_key)
                suppressed += finding.suppressed
                with_cves += bool(finding.cves)
    except (InputFileError, InvalidInput) as exc:
        raise _fail(exc) from None
    seconds = time.perf_counter() - started
    counts = {severity.value: by_severity[severity.value] for severity in Severity}
    total = sum(counts.values())
    if as_json:
        _emit(
            {
                "file": str(file),
                "format": chosen.value,
                "findings": total,
                "by_severity": counts,
                "assets": len(assets),
                "suppressed": suppressed,
                "with_cves": with_cves,
                "seconds": round(seconds, 3),
            }
        )
        return
    table = Table()
    table.add_column("severity")
    table.add_column("findings", justify="right")
    for severity, count in counts.items():
        table.add_row(severity, str(count))
    table.add_row("[bold]total[/bold]", f"[bold]{total}[/bold]")
    console = Console()
    console.print(f"{file.name}: {chosen.label}", highlight=False)
    console.print(table)
    console.print(
        f"{len(assets)} asset(s), {with_cves} finding(s) naming a CVE, {suppressed} suppressed; "
        f"read in {seconds:.2f} s",
        highlight=False,
    )
