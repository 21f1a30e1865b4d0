"""accord clocks ...: business-time and regulatory deadlines, computed from a calendar or a regime file.

These commands only run the clock engine: no Django. The engine (and through it `holidays` and
`yaml`) is imported inside each command, so `accord --help` stays fast.
"""

from __future__ import annotations

import json
import math
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from accord.cli.context import fail

if TYPE_CHECKING:
    from accord.engine.clocks import Deadline, Regime, WorkingCalendar

app = typer.Typer(help="Clocks: business-time due moments and regulatory deadlines.", no_args_is_help=True)

TIME_HELP = "ISO 8601 with an offset or Z, e.g. 2026-12-04T16:00Z"


@app.callback()
def _clocks() -> None:
    """Clocks: business-time due moments and regulatory deadlines."""


def optional_moment(option: str, text: str | None) -> datetime | None:
    return None if text is None else moment(option, text)


def moment(option: str, text: str) -> datetime:
    """The aware moment given to `option`; exits 2 on a time that cannot be read or has no offset."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option}: {text!r} is not an ISO 8601 time such as 2026-12-04T16:00Z")
    if parsed.utcoffset() is None:
        fail(f"{option}: {text!r} has no UTC offset; add one (e.g. +01:00) or Z for UTC")
    return parsed


def iso_utc(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


@app.command()
def deadlines(
    regime: Annotated[str, typer.Option(help="regime: gdpr, nis2, sec, dora (a file in the regimes folder)")],
    aware: Annotated[str, typer.Option(help=f"when the organisation became aware; {TIME_HELP}")],
    classified: Annotated[str | None, typer.Option(help="when the incident was classified (DORA: as major)")] = None,
    determined: Annotated[str | None, typer.Option(help="when the incident was determined material (SEC)")] = None,
    notified: Annotated[str | None, typer.Option(help="when the incident notification was submitted (NIS2)")] = None,
    initial_notified: Annotated[
        str | None, typer.Option(help="when the initial notification was submitted (DORA)")] = None,
    last_intermediate: Annotated[
        str | None, typer.Option(help="when the latest intermediate report was submitted (DORA)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """Each deadline of a regulatory regime from the moments known so far, with its legal basis."""
    from accord.engine.clocks import ClockInputError, MissingMoments, load_regimes, regime_deadlines

    moments = {
        "aware": moment("--aware", aware), "classified": optional_moment("--classified", classified),
        "determined": optional_moment("--determined", determined), "notified": optional_moment("--notified", notified),
        "initial_notified": optional_moment("--initial-notified", initial_notified),
        "last_intermediate": optional_moment("--last-intermediate", last_intermediate),
    }
    try:
        known = load_regimes()
    except ClockInputError as exc:
        fail(f"regime files: {exc}", code=1)
    chosen = known.get(regime.strip().lower())
    if chosen is None:
        fail(f"--regime: unknown regime {regime!r}; known: {', '.join(sorted(known))}")
    given = {name: value for name, value in moments.items() if value is not None}
    try:
        found = regime_deadlines(chosen, **given)
    except MissingMoments as exc:
        options = ", ".join(f"--{name.replace('_', '-')}" for name in exc.moments)
        fail(f"{exc.message} (options: {options})")
    pending = [(rule.key, rule.label, [m for m in rule.moments_needed if m not in given])
               for rule in chosen.deadlines if any(m not in given for m in rule.moments_needed)]
    if as_json:
        sys.stdout.write(json.dumps(_deadlines_document(chosen, given, found, pending), indent=2) + "\n")
    else:
        _print_deadlines(chosen, found, pending)


def _deadline_fields(deadline: Deadline) -> dict[str, Any]:
    return {"key": deadline.key, "label": deadline.label, "due": iso_utc(deadline.due),
            "starts_from": deadline.starts_from, "within": deadline.within, "capped_by": deadline.capped_by or None,
            "basis": deadline.basis, "note": deadline.note}


def _deadlines_document(regime: Regime, given: dict[str, datetime], found: list[Deadline],
                        pending: list[tuple[str, str, list[str]]]) -> dict[str, Any]:
    return {
        "regime": {"key": regime.key, "name": regime.name, "jurisdiction": regime.jurisdiction,
                   "applies_when": regime.applies_when},
        "moments": {name: iso_utc(value.astimezone(UTC)) for name, value in given.items()},
        "deadlines": [_deadline_fields(deadline) for deadline in found],
        "not_yet": [{"key": key, "label": label, "needs": needs} for key, label, needs in pending],
    }


def _print_deadlines(regime: Regime, found: list[Deadline], pending: list[tuple[str, str, list[str]]]) -> None:
    typer.echo(f"{regime.name} ({regime.jurisdiction})")
    for deadline in found:
        counted = f"{deadline.within} after {deadline.starts_from}"
        if deadline.capped_by:
            counted += f", capped at {deadline.capped_by}"
        typer.echo(f"\n  {deadline.label}\n    due    {deadline.due:%a %Y-%m-%d %H:%M} UTC ({counted})"
                   f"\n    basis  {deadline.basis}")
        if deadline.note:
            typer.echo(f"    note   {deadline.note}")
    for _, label, needs in pending:
        options = ", ".join(f"--{name.replace('_', '-')}" for name in needs)
        typer.echo(f"\n  {label}: not yet computable; give {options}")


@app.command()
def add(
    calendar: Annotated[str, typer.Option(help="calendar name (see `accord clocks calendars`)")],
    start: Annotated[str, typer.Option(help=f"when the clock starts; {TIME_HELP}")],
    hours: Annotated[float, typer.Option(help="working hours to count")],
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON document")] = False,
) -> None:
    """The moment a budget of working hours, counted from START on a calendar, is spent."""
    from accord.engine.clocks import ClockInputError, business_due

    started = moment("--start", start)
    if not math.isfinite(hours) or hours < 0:
        fail(f"--hours: {hours:g} is not a number of working hours >= 0")
    chosen = _calendar(calendar)
    try:
        due = business_due(chosen, started, hours)
    except ClockInputError as exc:
        fail(f"--hours: {exc.message}")
    from zoneinfo import ZoneInfo

    local = due.astimezone(ZoneInfo(chosen.zone))
    if as_json:
        document = {"calendar": chosen.name, "zone": chosen.zone, "start": iso_utc(started.astimezone(UTC)),
                    "hours": hours, "due": iso_utc(due), "due_local": local.isoformat()}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        typer.echo(f"{hours:g} working hours on {chosen.name} from {iso_utc(started.astimezone(UTC))}: "
                   f"due {iso_utc(due)} ({local:%a %Y-%m-%d %H:%M} {chosen.zone})")


def _calendar(name: str) -> WorkingCalendar:
    from accord.engine.clocks import ClockInputError, load_calendars

    try:
        known = load_calendars()
    except ClockInputError as exc:
        fail(f"calendar file: {exc}", code=1)
    chosen = known.get(name.strip().lower())
    if chosen is None:
        fail(f"--calendar: unknown calendar {name!r}; known: {', '.join(sorted(known))}")
    return chosen


@app.command()
def regimes() -> None:
    """The regulatory regimes known, from the regime files."""
    from accord.engine.clocks import load_regimes

    for key, regime in sorted(load_regimes().items()):
        count = len(regime.deadlines)
        typer.echo(f"{key:8} {regime.name} ({count} deadline{'' if count == 1 else 's'})")


@app.command()
def calendars() -> None:
    """The named working calendars `add --calendar` accepts."""
    from accord.engine.clocks import load_calendars

    for name, calendar in sorted(load_calendars().items()):
        holidays = "-".join(part for part in (calendar.country, calendar.subdivision) if part) or "none"
        typer.echo(f"{name:10} {calendar.zone:18} holidays: {holidays}")
