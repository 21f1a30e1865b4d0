"""accord incidents ...: the incident room from the command line.

`list`, `show ID`, `open TITLE`, `update ID`, `phase ID PHASE`, `notified ID REGIME REPORT`,
`briefing ID [--text | --pdf FILE]`, `exercise SCENARIO`, `times`, `clocks`. Every command acts as
the user of the personal token (`accord login`) through the incidents services.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from accord.cli.context import new_table

if TYPE_CHECKING:
    from accord.core.permissions import Actor

app = typer.Typer(help="Incidents: timeline, executive updates, briefings, regulatory clocks, exercises.",
                  no_args_is_help=True)
TOKEN = typer.Option(None, "--token", help="personal token (default: ACCORD_TOKEN or `accord login`)")
JSON = typer.Option(False, "--json", help="print one JSON document")


@app.callback()
def _incidents() -> None:
    """Incidents: timeline, executive updates, briefings, regulatory clocks, exercises."""


def _moment(option: str, text: str | None) -> datetime | None:
    from accord.cli.context import fail

    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"--{option}: not an ISO 8601 timestamp: {text!r}")
    if moment.tzinfo is None:
        fail(f"--{option}: give a time zone, e.g. 2026-12-03T22:00:00+01:00 or ...Z")
    return moment


def _interval(option: str, text: str | None) -> tuple[float, float] | None:
    """"LOW-HIGH" or "LOW..HIGH" (a 90% interval)."""
    from accord.cli.context import fail

    if not text:
        return None
    cleaned = text.replace(",", "").replace("_", "").strip()
    separator = ".." if ".." in cleaned else ":" if ":" in cleaned else "-"
    low, _, high = cleaned.partition(separator)
    try:
        return float(low), float(high or low)
    except ValueError:
        fail(f"--{option}: give LOW-HIGH, e.g. 24-72 (a 90% interval): {text!r}")


def _when(moment: datetime | None) -> str:
    from accord.incidents.briefing import when

    return when(moment)


def _incident(actor: Actor, incident_id: int) -> Any:
    from accord.incidents import selectors

    return selectors.incident_by_id(actor, incident_id)


def _incident_json(actor: Actor, incident: Any) -> dict[str, Any]:
    from accord.incidents.documents import incident_document
    from accord.incidents.schemas import IncidentDetailOut

    return json.loads(IncidentDetailOut(**incident_document(actor, incident)).model_dump_json())


@app.command("list")
def list_command(
    closed: Annotated[bool, typer.Option("--closed", help="closed incidents instead of open ones")] = False,
    as_json: bool = JSON,
    token: str | None = TOKEN,
) -> None:
    """Open incidents (or closed ones), newest first, exercises labelled."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.incidents import selectors

    with user_errors():
        actor = acting_user(token)
        rows = selectors.incident_rows(actor, is_open=not closed)
    if as_json:
        typer.echo(json.dumps([{"id": r.incident.pk, "reference": r.incident.reference, "title": r.incident.title,
                                "severity": r.incident.severity, "phase": r.incident.phase,
                                "exercise": r.incident.exercise,
                                "next_update_due": r.status.due.isoformat() if r.status.due else None,
                                "update_overdue": r.status.overdue} for r in rows], indent=2))
        return
    table = new_table("id", "incident", "sev", "phase", "next update", "next deadline")
    for r in rows:
        i = r.incident
        due = _when(r.status.due) + (" OVERDUE" if r.status.overdue else "") if r.status.due else "-"
        clock = f"{r.next_clock.short} {r.next_clock.label}: {r.next_clock_left}" if r.next_clock else "-"
        table.add_row(str(i.pk), f"{'[EXERCISE] ' if i.exercise else ''}{i.title}", str(i.severity), i.phase, due, clock)
    out.print(table)


@app.command("show")
def show_command(incident_id: Annotated[int, typer.Argument(help="incident id")], as_json: bool = JSON,
                 token: str | None = TOKEN) -> None:
    """An incident: its details, regulatory clocks, latest bottom line and timeline."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.incidents import selectors

    with user_errors():
        actor = acting_user(token)
        incident = _incident(actor, incident_id)
        if as_json:
            typer.echo(json.dumps(_incident_json(actor, incident), indent=2))
            return
        status = selectors.update_status_of(actor, incident)
        clocks = selectors.regulatory_clocks(actor, incident)
        latest = selectors.latest_update(actor, incident)
        events = list(selectors.timeline_of(actor, incident))
    from django.utils import timezone

    now = timezone.now()
    if incident.exercise:
        out.print("[bold yellow]EXERCISE: not a real incident[/]")
    out.print(f"[bold]{incident.reference}[/] {incident.title}", highlight=False)
    out.print(f"severity {incident.severity} · phase {incident.phase} · commander {incident.commander or '-'}",
              highlight=False)
    if status.due:
        out.print(f"next executive update: {_when(status.due)}{' (OVERDUE)' if status.overdue else ''}")
    if latest is not None:
        out.print(f"bottom line (update #{latest.number}): {latest.bottom_line}", highlight=False)
    if clocks:
        table = new_table("regime", "deadline", "due", "left", "basis", title="Regulatory clocks")
        for c in clocks:
            table.add_row(c.short, c.label, _when(c.due), c.left_text(now), c.basis)
        out.print(table)
    timeline = new_table("at", "kind", "what", title="Timeline")
    for e in events:
        timeline.add_row(_when(e.at), e.get_kind_display(), e.text[:200])
    out.print(timeline)


@app.command("open")
def open_command(
    title: Annotated[str, typer.Argument(help="what happened, in a few words")],
    severity: Annotated[int, typer.Option("--severity", min=1, max=4, help="1 highest .. 4")] = 3,
    detected: Annotated[str | None, typer.Option("--detected", help="ISO 8601 with a zone (default: now)")] = None,
    summary: Annotated[str, typer.Option("--summary")] = "",
    service: Annotated[list[str] | None, typer.Option("--service", help="affected business service (repeat)")] = None,
    asset: Annotated[list[str] | None, typer.Option("--asset", help="affected asset host name (repeat)")] = None,
    personal_data: Annotated[bool, typer.Option("--personal-data", help="GDPR: personal data involved")] = False,
    nis2: Annotated[bool, typer.Option("--nis2", help="NIS2: an essential or important entity")] = False,
    material: Annotated[str | None, typer.Option("--material", help="SEC: when materiality was determined")] = None,
    dora: Annotated[str | None, typer.Option("--dora", help="DORA: when classified as a major incident")] = None,
    as_json: bool = JSON,
    token: str | None = TOKEN,
) -> None:
    """Open an incident (you command it when you are in the people directory)."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    detected_at, determined, classified = _moment("detected", detected), _moment("material", material), \
        _moment("dora", dora)
    django_ready()
    from django.utils import timezone

    from accord.incidents import selectors, services
    from accord.org.selectors import assets_visible_to, services_visible_to

    with user_errors():
        actor = acting_user(token)
        found_services = []
        for name in service or []:
            row = services_visible_to(actor).filter(name=name).first()
            if row is None:
                fail(f"--service: no business service named {name!r}")
            found_services.append(row)
        found_assets = []
        for hostname in asset or []:
            host = assets_visible_to(actor).filter(hostname=hostname).first()
            if host is None:
                fail(f"--asset: no asset named {hostname!r}")
            found_assets.append(host)
        incident = services.open_incident(
            actor=actor, title=title, severity=severity, summary=summary, detected_at=detected_at or timezone.now(),
            services=found_services, assets=found_assets, commander=selectors.commander_for(actor),
            personal_data=personal_data, nis2_entity=nis2, material=determined is not None,
            materiality_determined_at=determined, dora_major=classified is not None, dora_classified_at=classified)
        if as_json:
            typer.echo(json.dumps(_incident_json(actor, incident), indent=2))
            return
    out.print(f"[green]✔[/] {incident.reference} opened: {incident.title}", highlight=False)


@app.command("update")
def update_command(
    incident_id: Annotated[int, typer.Argument(help="incident id")],
    bottom_line: Annotated[str | None, typer.Option("--bottom-line", help="what it means for the business")] = None,
    fact: Annotated[list[str] | None, typer.Option("--fact", help="what we know (repeat)")] = None,
    judgement: Annotated[list[str] | None, typer.Option(
        "--judgement", help="STATEMENT|LIKELIHOOD|CONFIDENCE|BASIS, e.g. 'Data was taken|likely|moderate|egress "
                            "logs' (repeat)")] = None,
    unknown: Annotated[list[str] | None, typer.Option("--unknown", help="what we do not know yet (repeat)")] = None,
    decision: Annotated[list[str] | None, typer.Option("--decision", help="decision needed (repeat)")] = None,
    records: Annotated[str | None, typer.Option("--records", help="records affected, LOW-HIGH (90%)")] = None,
    downtime: Annotated[str | None, typer.Option("--downtime", help="downtime hours, LOW-HIGH (90%)")] = None,
    cost: Annotated[str | None, typer.Option("--cost", help="other costs, LOW-HIGH (90%), organisation's currency")] = None,
    cost_note: Annotated[str, typer.Option("--cost-note", help="what the other costs are")] = "",
    action: Annotated[list[str] | None, typer.Option("--action", help="an action to take (repeat)")] = None,
    next_update: Annotated[str | None, typer.Option("--next", help="next update time, ISO 8601 with a zone")] = None,
    from_file: Annotated[Path | None, typer.Option("--file", help="the update as JSON (the API's body)")] = None,
    token: str | None = TOKEN,
) -> None:
    """Write an executive update (facts, judgements with ICD 203 likelihood, impact ranges, ...)."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    fields: dict[str, Any] = {}
    if from_file is not None:
        try:
            document = json.loads(from_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            fail(f"--file: {exc}")
        if not isinstance(document, dict):
            fail("--file: a JSON object, as the API's update body")
        fields.update(document)
        for name in ("records", "downtime_hours", "other_cost"):
            value = fields.get(name)
            if isinstance(value, dict):
                fields[name] = (value.get("low"), value.get("high"))
        if fields.get("next_update_at"):
            fields["next_update_at"] = _moment("file next_update_at", str(fields["next_update_at"]))
        fields["actions"] = [{"text": a.get("text", ""), "owner": None, "due": _moment("file due", a.get("due"))}
                             for a in fields.get("actions", [])]
    judgements = []
    for k, text in enumerate(judgement or []):
        parts = [p.strip() for p in text.split("|")]
        if len(parts) != 4:
            fail(f"--judgement #{k + 1}: STATEMENT|LIKELIHOOD|CONFIDENCE|BASIS (four parts separated by |)")
        judgements.append(dict(zip(("statement", "likelihood", "confidence", "basis"), parts, strict=True)))
    overrides = {"bottom_line": bottom_line, "facts": fact, "unknowns": unknown, "decisions_needed": decision,
                 "judgements": judgements or None, "records": _interval("records", records),
                 "downtime_hours": _interval("downtime", downtime), "other_cost": _interval("cost", cost),
                 "cost_note": cost_note or None, "next_update_at": _moment("next", next_update),
                 "actions": [{"text": a, "owner": None, "due": None} for a in action] if action else None}
    fields.update({k: v for k, v in overrides.items() if v is not None})
    if not fields.get("bottom_line"):
        fail("--bottom-line: required (or give it in --file)")
    django_ready()
    from accord.incidents import services

    with user_errors():
        actor = acting_user(token)
        update = services.write_update(actor=actor, incident=_incident(actor, incident_id), **fields)
    out.print(f"[green]✔[/] update #{update.number} written; next update {_when(update.next_update_at)}",
              highlight=False)


@app.command("phase")
def phase_command(
    incident_id: Annotated[int, typer.Argument(help="incident id")],
    phase: Annotated[str, typer.Argument(help="detect, analyse, contain, eradicate, recover or closed")],
    at: Annotated[str | None, typer.Option("--at", help="when, ISO 8601 with a zone (default: now)")] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    token: str | None = TOKEN,
) -> None:
    """Move an incident to a phase (closing it marks it resolved)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    moment = _moment("at", at)
    django_ready()
    from accord.incidents import services

    with user_errors():
        actor = acting_user(token)
        incident = services.change_phase(actor=actor, incident=_incident(actor, incident_id), phase=phase, at=moment,
                                         note=note)
    out.print(f"[green]✔[/] {incident.reference} is in {incident.phase}")


@app.command("notified")
def notified_command(
    incident_id: Annotated[int, typer.Argument(help="incident id")],
    regime: Annotated[str, typer.Argument(help="gdpr, nis2, sec or dora")],
    report: Annotated[str, typer.Argument(help="the report's key, e.g. early_warning (see `accord incidents show`)")],
    at: Annotated[str | None, typer.Option("--at", help="when it was sent (default: now)")] = None,
    authority: Annotated[str, typer.Option("--authority", help="e.g. the national CSIRT")] = "",
    reference: Annotated[str, typer.Option("--reference", help="the regulator's reference")] = "",
    token: str | None = TOKEN,
) -> None:
    """Mark a report as sent to a regulator: it meets that deadline and starts the later ones."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    moment = _moment("at", at)
    django_ready()
    from accord.incidents import services

    with user_errors():
        actor = acting_user(token)
        event = services.mark_regulator_notified(actor=actor, incident=_incident(actor, incident_id), regime=regime,
                                                 deadline=report, at=moment, authority=authority, reference=reference)
    out.print(f"[green]✔[/] {event.text}", highlight=False)


@app.command("briefing")
def briefing_command(
    incident_id: Annotated[int, typer.Argument(help="incident id")],
    text: Annotated[bool, typer.Option("--text", help="plain text (the default)")] = False,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="write the briefing as a PDF to this file")] = None,
    token: str | None = TOKEN,
) -> None:
    """The executive briefing from the latest update: plain text, or a PDF file."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    django_ready()
    from accord.incidents import briefing, selectors

    with user_errors():
        actor = acting_user(token)
        b = selectors.briefing(actor, _incident(actor, incident_id))
    if pdf is not None:
        try:
            pdf.write_bytes(briefing.briefing_pdf(b))
        except OSError as exc:
            fail(f"--pdf: {exc}")
        out.print(f"[green]✔[/] {pdf} ({pdf.stat().st_size:,} bytes)", highlight=False)
        if not text:
            return
    typer.echo(briefing.briefing_text(b), nl=False)


@app.command("exercise")
def exercise_command(
    scenario: Annotated[str | None, typer.Argument(help="scenario key (none: list them)")] = None,
    token: str | None = TOKEN,
) -> None:
    """Start a tabletop exercise from a built-in scenario (its first update is written)."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    django_ready()
    from accord.incidents import selectors, services

    with user_errors():
        actor = acting_user(token)
        scenarios = selectors.scenarios(actor)
        if scenario is None:
            table = new_table("scenario", "title", "severity")
            for s in scenarios:
                table.add_row(s.key, s.title, str(s.severity))
            out.print(table)
            return
        if scenario not in {s.key for s in scenarios}:
            fail(f"no scenario {scenario!r}: one of {', '.join(s.key for s in scenarios)}", code=4)
        incident = services.start_exercise(actor=actor, scenario=scenario, commander=selectors.commander_for(actor))
    out.print(f"[green]✔[/] EXERCISE {incident.reference} started: {incident.title}", highlight=False)


@app.command("times")
def times_command(as_json: bool = JSON, token: str | None = TOKEN) -> None:
    """Median and p90 hours to detect, acknowledge, contain and resolve (exercises left out)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.incidents import selectors

    with user_errors():
        times = selectors.response_times(acting_user(token))
    if as_json:
        typer.echo(json.dumps({"incidents": times.incidents, "exercises_excluded": times.exercises_excluded,
                               "measures": [m.__dict__ for m in times.measures]}, indent=2))
        return
    table = new_table("measure", "median h", "p90 h", "incidents",
                  title=f"{times.incidents} incidents, {times.exercises_excluded} exercises left out")
    for m in times.measures:
        table.add_row(m.label, "-" if m.median_hours is None else f"{m.median_hours:.1f}",
                      "-" if m.p90_hours is None else f"{m.p90_hours:.1f}", str(m.count))
    out.print(table)
