"""accord vulns ...: commands of the vulns domain.

`cvss`, `ssvc` and `parse` only run the engine: no Django is imported.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from accord.cli.context import new_table

if TYPE_CHECKING:  # the engine is imported by the commands that run it: `--help` stays fast
    from accord.engine.vulns.errors import InputFileError, InvalidInput

app = typer.Typer(
    help="Vulnerabilities: CVSS scores, SSVC decisions, scanner files.",
    no_args_is_help=True,
)

FORMAT_HELP = "the file's format: auto (recognised by content) or one `accord vulns formats` lists"


def _format_choices() -> list[str]:
    from accord.engine.vulns.parsers import ScanFormat

    return ["auto", *(item.value for item in ScanFormat)]


@app.callback()
def _vulns() -> None:
    """Vulnerabilities: CVSS scores, SSVC decisions, scanner files."""


@app.command()
def formats() -> None:
    """The scanner formats Accord reads, with the names `--format` takes."""
    from accord.engine.vulns.parsers import ScanFormat

    for item in ScanFormat:
        typer.echo(f"{item.value:<18} {item.label}")


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
    from accord.engine.vulns.cvss import score_vector
    from accord.engine.vulns.errors import InvalidInput

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
    table = new_table(show_header=False)
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
    from accord.engine.vulns.errors import InvalidInput
    from accord.engine.vulns.ssvc import CISA_TREE, decision_point_values

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
        str, typer.Option("--format", help=FORMAT_HELP)
    ] = "auto",
    application: Annotated[
        str | None, typer.Option(help="asset name for code and component findings (SARIF, CycloneDX, DefectDojo "
                                      "without a host; default: from the file)")
    ] = None,
    max_size: Annotated[
        int | None, typer.Option(help="refuse files larger than this many bytes (default: 2 GiB)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Read a scanner file and print its normalised findings counted by severity (nothing is stored)."""
    from accord.engine.vulns.dedup import Repeats, summary
    from accord.engine.vulns.detect import read_scan
    from accord.engine.vulns.errors import InputFileError, InvalidInput
    from accord.engine.vulns.notes import ParseNotes
    from accord.engine.vulns.records import Severity
    from accord.engine.vulns.streams import DEFAULT_MAX_BYTES, check_file_size

    max_size = DEFAULT_MAX_BYTES if max_size is None else max_size
    if file_format not in _format_choices():
        raise _fail(InvalidInput("--format", f"{file_format!r} is not one of {', '.join(_format_choices())}"))
    if not file.is_file():
        raise _fail(InvalidInput("FILE", f"{file}: no such file"))
    started = time.perf_counter()
    by_severity: Counter[str] = Counter()
    assets: set[str] = set()
    suppressed = with_cves = 0
    notes, repeats = ParseNotes(), Repeats()  # the importer's summary and repeat rule
    try:
        check_file_size(file, max_size)
        with file.open("rb") as stream:
            chosen, findings = read_scan(
                stream, source=file.name, format=file_format, application=application, max_bytes=max_size,
                notes=notes,
            )
            for finding in findings:
                if not repeats.is_first(finding.fingerprint(), finding):
                    continue
                by_severity[finding.severity.value] += 1
                assets.add(finding.asset_key)
                suppressed += finding.suppressed
                with_cves += bool(finding.cves)
    except (InputFileError, InvalidInput) as exc:
        raise _fail(exc) from None
    seconds = time.perf_counter() - started
    counts = {severity.value: by_severity[severity.value] for severity in Severity}
    total = sum(counts.values())
    file_summary = summary(notes, repeats)
    if as_json:
        _emit(
            {
                "file": str(file),
                "format": chosen.value,
                "findings": total,
                "duplicates": repeats.merged,
                "by_severity": counts,
                "assets": len(assets),
                "suppressed": suppressed,
                "with_cves": with_cves,
                "summary": file_summary,
                "seconds": round(seconds, 3),
            }
        )
        return
    table = new_table()
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
    print_summary(console, file_summary)


def print_summary(console: Console, document: dict[str, Any]) -> None:
    """The import summary in words: repeats merged, columns or elements ignored, notes."""
    merged = int(document.get("repeats_merged") or 0)
    if merged:
        differing = int(document.get("repeats_differing") or 0)
        console.print(f"{merged:,} repeated finding(s) merged into the first of their kind"
                      + (f" ({differing:,} with other details: the first one's kept)" if differing else ""),
                      highlight=False)
    ignored = document.get("ignored") or {}
    if ignored:
        listed = ", ".join(f"{name} ({count:,})" for name, count in ignored.items())
        console.print(f"Not imported (columns or elements, with the rows or elements that had a value): {listed}",
                      highlight=False, soft_wrap=True, markup=False)
    for note in document.get("notes") or []:
        console.print(f"Note: {note}", highlight=False, soft_wrap=True, markup=False)


# --- commands over the database (Django is imported inside them) -------------------------------

WHO_HELP = "personal token (default: ACCORD_TOKEN or the one `accord login` saved)"


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="scanner file to import")],
    file_format: Annotated[
        str, typer.Option("--format", help=FORMAT_HELP)
    ] = "auto",
    scope: Annotated[
        str | None, typer.Option(help="what the scan covers; findings open in it and absent from the file are fixed "
                                      "(default: the file name)")
    ] = None,
    application: Annotated[
        str | None, typer.Option(help="asset for code and component findings (SARIF, CycloneDX, DefectDojo without "
                                      "a host): an existing asset of that name, else a new application (default: "
                                      "named from the file)")
    ] = None,
    service: Annotated[
        str | None, typer.Option(help="business service of the assets this import discovers")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    background: Annotated[bool, typer.Option("--background", help="queue it as a job (run by `accord worker`, "
                                                                   "or here without Redis) and follow it")] = False,
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """Import a scanner file: all findings or none; prints new, unchanged, fixed and reopened."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    from accord.cli.context import acting_user, django_ready, fail, user_errors

    if file_format not in _format_choices():
        fail(f"--format: {file_format!r} is not one of {', '.join(_format_choices())}")
    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.vulns.services import import_in_background, import_scan

    if background:
        from accord.cli.jobs import follow_job, run_here

        with user_errors(), file.open("rb") as handle:
            job = import_in_background(actor=acting_user(token), file=handle, filename=file.name, format=file_format,
                                       scope=scope, application=application, service=service)
        run_here(None)
        follow_job(job.pk)
        return
    size = file.stat().st_size
    progress = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True, disable=as_json)
    with user_errors(), progress, file.open("rb") as handle:
        actor = acting_user(token)
        task = progress.add_task(f"importing {file.name}", total=size)
        run = import_scan(actor=actor, file=handle, filename=file.name, format=file_format, scope=scope,
                          application=application, service=service,
                          on_progress=lambda done: progress.update(task, completed=done))
    counts = {name: getattr(run, name) for name in ("findings_read", "new", "unchanged", "updated", "fixed",
                                                     "reopened", "suppressed", "duplicates", "assets_created")}
    if as_json:
        _emit({"id": run.pk, "file": run.filename, "format": run.source_format, "scope": run.scope,
               "sha256": run.sha256, "seconds": run.duration_seconds,
               "findings": run.findings_read - run.duplicates, **counts, "summary": run.summary})
        return
    table = new_table("outcome", "findings")
    for name, value in counts.items():
        table.add_row(name.replace("_", " "), f"{value:,}")
    console = Console()
    console.print(f"[green]✔[/] {file.name} ({run.source_format}, scope {run.scope!r}) imported in "
                  f"{run.duration_seconds:.1f} s as run #{run.pk}", highlight=False)
    console.print(table)
    print_summary(console, run.summary)


@app.command("list")
def list_findings(
    decision: Annotated[str, typer.Option(help="track, track*, attend or act")] = "",
    kev: Annotated[bool | None, typer.Option("--kev/--no-kev", help="only findings in KEV (or not)")] = None,
    epss_min: Annotated[float | None, typer.Option(help="EPSS at least this (0-1)")] = None,
    service: Annotated[str, typer.Option(help="business service name")] = "",
    team: Annotated[str, typer.Option(help="team name")] = "",
    asset: Annotated[str, typer.Option(help="asset hostname")] = "",
    sla: Annotated[str, typer.Option(help="on_track, due_soon or breached")] = "",
    scanner: Annotated[str, typer.Option(help="e.g. nessus, openvas, qualys")] = "",
    severity: Annotated[str, typer.Option(help="critical, high, medium, low or info")] = "",
    cve: Annotated[str, typer.Option(help="one CVE id, e.g. CVE-2024-3400")] = "",
    fix: Annotated[str, typer.Option(help="a fix key (see --by fix)")] = "",
    state: Annotated[str, typer.Option(help="open, reopened, fixed, suppressed or all")] = "open",
    by: Annotated[str, typer.Option(help="group by cve, fix or asset, with counts")] = "",
    limit: Annotated[int, typer.Option(help="rows (or groups) to show")] = 50,
    export: Annotated[Path | None, typer.Option(
        help="write the whole filtered (or grouped) list to FILE.csv or FILE.xlsx (audited); - for CSV on stdout")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """List findings, most urgent first, with the filters of the findings page; group them or export them."""
    from accord.cli.context import acting_user, django_ready, user_errors

    file_format = _export_format(export) if export else ""
    django_ready()
    from accord.org import selectors as org_selectors
    from accord.vulns import selectors, services

    with user_errors():
        actor = acting_user(token)
        filters = selectors.FindingFilter(
            state=state, decision=decision, kev=kev, epss_min=epss_min, sla=sla, scanner=scanner, severity=severity,
            cve=cve, fix=fix, service=_id_named(org_selectors.services_visible_to(actor), "name", service, "--service"),
            team=_id_named(org_selectors.teams_visible_to(actor), "name", team, "--team"),
            asset=_id_named(org_selectors.assets_visible_to(actor), "hostname", asset, "--asset"))
        if export:
            written = _write_export(services.export_findings(actor=actor, filters=filters, by=by,
                                                             file_format=file_format), export)
            Console(stderr=True).print(f"[green]✔[/] {written}", highlight=False)
            return
        if by:
            _print_groups(selectors.finding_groups(actor, filters, by=by, limit=max(1, limit)), as_json)
            return
        found = selectors.finding_rows(actor, filters, page_size=max(1, limit))
    _print_findings(found, as_json)


def _export_format(target: Path) -> str:
    from accord.cli.context import fail

    if str(target) == "-" or target.suffix.lower() == ".csv":
        return "csv"
    if target.suffix.lower() == ".xlsx":
        return "xlsx"
    fail(f"--export: {target} should end in .csv or .xlsx (or be - for CSV on stdout)")


def _id_named(rows: Any, field: str, name: str, option: str) -> int | None:
    """The id of the row whose `field` is `name` (any case), or a refusal naming the option."""
    from accord.cli.context import fail

    if not name:
        return None
    found = rows.filter(**{f"{field}__iexact": name}).values_list("id", flat=True).first()
    if found is None:
        fail(f"{option}: nothing named {name!r}")
    return int(found)


def _write_export(export: Any, target: Path) -> str:
    if str(target) == "-":
        for chunk in export.chunks:
            sys.stdout.buffer.write(chunk)
        return "exported to stdout"
    with target.open("wb") as handle:
        for chunk in export.chunks:
            handle.write(chunk)
    return f"exported to {target} ({target.stat().st_size:,} bytes)"


def _print_findings(found: Any, as_json: bool) -> None:
    from accord.cli.context import out

    page = found.page
    if as_json:
        _emit({"count": page.count, "count_exact": page.count_exact, "items": [
            {"id": f.pk, "asset": f.asset.hostname, "service": f.service_name, "team": f.team_name,
             "asset_exposure_review": f.asset_exposure_review, "title": f.title, "cves": f.cve_list,
             "decision": f.decision, "kev": f.kev, "epss": f.epss, "due_date": f.due_date.isoformat(),
             "due_rule": f.due_rule, "sla_status": status, "state": f.state} for f, status, _ in found.rows]})
        return
    table = new_table("id", "asset", "service", "team", "title", "decision", "KEV", "EPSS", "due", "SLA")
    for f, _, label in found.rows:
        table.add_row(str(f.pk), f.asset.hostname + (" (review exposure)" if f.asset_exposure_review else ""),
                      f.service_name or "", f.team_name or "", f.title[:60], f.decision, "yes" if f.kev else "",
                      f"{f.epss:.3f}" if f.epss is not None else "", f.due_date.isoformat(), label)
    out.print(table)
    tiles = found.tiles
    count = f"{page.count:,}" + ("" if page.count_exact else "+")
    out.print(f"{len(page.items)} of {count} finding(s); open {tiles.open:,}, act {tiles.act:,}, attend "
              f"{tiles.attend:,}, in KEV {tiles.kev:,}, past due {tiles.past_due:,}", highlight=False)


def _print_groups(groups: Any, as_json: bool) -> None:
    from accord.cli.context import out

    if as_json:
        _emit({"by": groups.by, "exact": groups.exact, "groups": [
            {"key": g.key, "label": g.label, "param": g.param, "detail": g.detail, "service": g.service,
             "team": g.team, "exposure_review": g.exposure_review,
             "counts": {**g.counts.as_dict(), "earliest_due": g.counts.earliest_due.isoformat()
                        if g.counts.earliest_due else None}} for g in groups.rows]})
        return
    table = new_table(groups.by, "key", "findings", "open", "KEV", "past due", "act", "attend", "track*", "track")
    for g in groups.rows:
        c = g.counts
        table.add_row(g.label[:70], g.key, *(f"{n:,}" for n in (c.findings, c.open, c.kev, c.past_due, c.act,
                                                                  c.attend, c.track_star, c.track)))
    out.print(table)
    how = {"cve": "--cve CVE", "fix": "--fix KEY", "asset": "--asset HOSTNAME"}[groups.by]
    out.print(f"{len(groups.rows)}{'' if groups.exact else '+'} group(s), most past due first; list a group's "
              f"findings with `accord vulns list {how}`", highlight=False)


def _kev_text(view: Any) -> str:
    f = view.finding
    if not f.kev:
        return "not listed"
    text = f"listed since {f.kev_date_added.isoformat()}"
    if f.kev_due_date:
        binds = "binding: bound by BOD 22-01" if view.kev_due_date_binds else "a reference, not binding"
        text += f"; CISA's due date {f.kev_due_date.isoformat()} ({binds})"
    return text


@app.command()
def show(
    finding_id: Annotated[int, typer.Argument(help="finding id (see `accord vulns list`)")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """One finding: its decision and why, its due date and the rule that set it, KEV and EPSS."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.vulns import selectors

    with user_errors():
        view = selectors.finding_view(acting_user(token), finding_id)
    f = view.finding
    if as_json:
        _emit({"id": f.pk, "asset": f.asset.hostname, "title": f.title, "cves": f.cve_list, "state": f.state,
               "decision": f.decision, "explanation": view.explanation, "kev": f.kev,
               "kev_date_added": f.kev_date_added.isoformat() if f.kev_date_added else None,
               "kev_due_date": f.kev_due_date.isoformat() if f.kev_due_date else None,
               "kev_due_date_binds": view.kev_due_date_binds, "epss": f.epss,
               "opened_on": f.opened_on.isoformat(), "sla_start": f.sla_start.isoformat(),
               "due_date": f.due_date.isoformat(), "due_rule": f.due_rule, "due_reason": f.due_reason,
               "sla_status": view.sla_status})
        return
    out.print(f"#{f.pk} {f.title} on {f.asset.hostname} ({f.get_state_display()})", highlight=False)
    out.print(view.explanation, highlight=False)
    out.print(f"due {f.due_date.isoformat()} ({view.sla_status.replace('_', ' ') or 'no SLA'}), set by "
              f"{f.get_due_rule_display()}: {f.due_reason}", highlight=False)
    out.print(f"KEV: {_kev_text(view)}", highlight=False)
    out.print(f"EPSS: {f.epss:.4f}" if f.epss is not None else "EPSS: no score", highlight=False)


@app.command()
def override(
    finding_id: Annotated[int, typer.Argument(help="finding id (see `accord vulns list`)")],
    decision: Annotated[str, typer.Option(help="track, track*, attend or act")],
    justification: Annotated[str, typer.Option(help="why (kept in the audit trail)")],
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """Override a finding's SSVC decision, with a justification (audited)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.vulns import selectors, services

    with user_errors():
        actor = acting_user(token)
        finding = services.override_decision(actor=actor, finding=selectors.finding_by_id(actor, finding_id),
                                             decision=decision, justification=justification)
    out.print(f"[green]✔[/] finding {finding.pk}: decision {finding.decision} (computed "
              f"{finding.computed_decision}), due {finding.due_date.isoformat()}", highlight=False)


@app.command("sla")
def sla_report(
    by: Annotated[str, typer.Option(help="service or team")] = "service",
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """SLA compliance of open findings per business service or team."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.vulns import selectors

    with user_errors():
        rows = selectors.sla_compliance(acting_user(token), by=by)
    if as_json:
        _emit({"by": by, "rows": [{"id": r.key, "name": r.name, "open": r.open, "on_track": r.on_track,
                                   "due_soon": r.due_soon, "breached": r.breached,
                                   "fixed_in_time": r.fixed_in_time, "fixed_late": r.fixed_late,
                                   "within_sla_percent": r.within_sla} for r in rows]})
        return
    table = new_table(by, "open", "on track", "due soon", "breached", "within SLA", "fixed in time", "fixed late")
    for r in rows:
        table.add_row(r.name, str(r.open), str(r.on_track), str(r.due_soon), str(r.breached),
                      f"{r.within_sla:.1f} %" if r.within_sla is not None else "—", str(r.fixed_in_time),
                      str(r.fixed_late))
    out.print(table)


sla_policy_app = typer.Typer(help="The remediation SLA policy: the CISO or the CIO proposes, the other confirms.",
                             no_args_is_help=True)
app.add_typer(sla_policy_app, name="sla-policy")


@sla_policy_app.command("show")
def sla_policy_show(token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None) -> None:
    """Show the policy in force and any proposal awaiting confirmation."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.vulns import selectors

    with user_errors():
        state = selectors.sla_policy_state(acting_user(token))
    days = ", ".join(f"{d.value} {n} days" for d, n in sorted(state.effective.days.items(), key=lambda i: -i[0].rank))
    source = "built-in defaults" if state.active is None else f"policy #{state.active.pk}"
    bound = "bound by CISA BOD 22-01" if state.effective.bound_by_bod_22_01 else "not bound by CISA BOD 22-01"
    out.print(f"In force ({source}): {days}; KEV-listed {state.effective.kev_days} days; {bound}; due soon within "
              f"{state.effective.due_soon_days} days", highlight=False)
    out.print(state.rule_text, highlight=False)
    if state.pending:
        p = state.pending
        out.print(f"Awaiting confirmation: #{p.pk} by {p.proposed_by} ({p.proposed_role.upper()}): {p}",
                  highlight=False)


@sla_policy_app.command("propose")
def sla_policy_propose(
    act: Annotated[int, typer.Option(help="days for act")],
    attend: Annotated[int, typer.Option(help="days for attend")],
    track_star: Annotated[int, typer.Option("--track-star", help="days for track*")],
    track: Annotated[int, typer.Option(help="days for track")],
    due_soon: Annotated[int, typer.Option(help="'due soon' starts this many days before the due date")] = 7,
    kev_days: Annotated[int | None, typer.Option(
        help="days for a KEV-listed finding from the later of first seen and the KEV listing [default: in force]",
    )] = None,
    bound_by_bod_22_01: Annotated[bool | None, typer.Option(
        "--bound-by-bod-22-01/--not-bound-by-bod-22-01",
        help="whether CISA's KEV due dates bind (US federal civilian agencies) [default: in force]",
    )] = None,
    reason: Annotated[str, typer.Option(help="why the change")] = "",
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """Propose new remediation days (CISO or CIO); the other one confirms."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.vulns import services

    with user_errors():
        policy = services.propose_sla_policy(actor=acting_user(token), act_days=act, attend_days=attend,
                                             track_star_days=track_star, track_days=track, due_soon_days=due_soon,
                                             kev_days=kev_days, bound_by_bod_22_01=bound_by_bod_22_01, reason=reason)
    other = "CIO" if policy.proposed_role == "ciso" else "CISO"
    out.print(f"[green]✔[/] proposed as #{policy.pk}; the {other} confirms with "
              f"`accord vulns sla-policy confirm {policy.pk}`", highlight=False)


@sla_policy_app.command("confirm")
def sla_policy_confirm(
    policy_id: Annotated[int, typer.Argument(help="the proposal's number")],
    token: Annotated[str | None, typer.Option("--token", help=WHO_HELP)] = None,
) -> None:
    """Confirm the other leader's proposal: it comes into force and due dates follow."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.vulns import selectors, services

    with user_errors():
        actor = acting_user(token)
        policy = services.confirm_sla_policy(actor=actor, policy=selectors.sla_policy_by_id(actor, policy_id))
    out.print(f"[green]✔[/] policy #{policy.pk} in force: {policy}", highlight=False)
