"""accord culture ...: security champions and their coverage, awareness campaigns with phishing results,
and the stakeholder map. The figures are the ones the pages and the API show (accord.culture.selectors);
`--json` prints the API's documents."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer

from accord.cli.context import acting_user, django_ready, fail, new_table, out, user_errors

app = typer.Typer(help="Security culture: champions, awareness campaigns, stakeholders.", no_args_is_help=True)

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option(False, "--json", help="print one JSON document")


@app.callback()
def _culture() -> None:
    """Security culture: champions, awareness campaigns, stakeholders."""


def _dump(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@app.command("champions")
def champions(as_json: bool = AS_JSON, token: str | None = TOKEN) -> None:
    """Champion coverage of the programme's IT teams, and every champion."""
    django_ready()
    from accord.culture import selectors
    from accord.culture.documents import champion_document, coverage_document

    with user_errors():
        actor = acting_user(token)
        figures = selectors.coverage(actor)
        people = [champion_document(c) for c in selectors.champions_visible_to(actor)]
    if as_json:
        _dump({"coverage": coverage_document(figures), "champions": people})
        return
    out.print(f"Champion coverage as of {figures.as_of}: [bold]{_pct(figures.percent)}[/] "
              f"({figures.covered} of {figures.total} programme teams have an active champion)")
    table = new_table("id", "champion", "team", "since", "status", "activities")
    for c in people:
        status = "active" if c["active"] else f"stepped down {c['stepped_down_on']}"
        table.add_row(str(c["id"]), c["person"], c["team"], str(c["appointed_on"]), status, str(c["activity_count"]),
                      style="" if c["active"] else "dim")
    out.print(table)
    for team in figures.uncovered:
        out.print(f"[red]no active champion:[/] {team.team}")


@app.command("campaigns")
def campaigns(as_json: bool = AS_JSON, token: str | None = TOKEN) -> None:
    """Awareness campaigns with their completion rate and phishing click and report rates."""
    django_ready()
    from accord.core import clock
    from accord.culture import selectors
    from accord.culture.documents import campaign_document

    with user_errors():
        documents = [campaign_document(r) for r in selectors.campaign_rows(acting_user(token))]
    if as_json:
        _dump({"as_of": clock.today(), "campaigns": documents})
        return
    table = new_table("id", "campaign", "starts", "completed", "reached", "clicked", "reported")
    for c in documents:
        p = c["phishing"]
        table.add_row(str(c["id"]), c["name"], str(c["starts_on"]), _pct(c["completion_rate"]),
                      str(p["delivered"]) if p else "—", _pct(p["click_rate"]) if p else "—",
                      _pct(p["report_rate"]) if p else "—")
    out.print(table)
    out.print("Rates are % of the recipients the phishing email reached; completion is % of the audience.")


@app.command("import-phishing")
def import_phishing(
    file: Path = typer.Argument(..., help="results CSV: GoPhish's export, or email,clicked,reported (docs/culture.md)"),
    campaign: int = typer.Option(..., "--campaign", help="the campaign id (accord culture campaigns)"),
    token: str | None = TOKEN,
) -> None:
    """Import a phishing exercise's results into a campaign: all rows or none; errors name the line and column."""
    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.culture import selectors, services

    with user_errors():
        actor = acting_user(token)
        row = selectors.campaign_by_id(actor, campaign)
        report = services.import_phishing_results(actor=actor, campaign=row.campaign, raw=file.read_bytes(),
                                                  filename=file.name)
        rates = selectors.campaign_by_id(actor, campaign).phishing
    out.print(f"[green]✔[/] {file.name} ({report.layout}): {report.recipients} recipients, replacing "
              f"{report.replaced}; click rate {_pct(rates.click_rate if rates else None)}, report rate "
              f"{_pct(rates.report_rate if rates else None)} of {rates.delivered if rates else 0} delivered")


@app.command("stakeholders")
def stakeholders(
    overdue: bool = typer.Option(False, "--overdue", help="only those whose contact is overdue"),
    mine: bool = typer.Option(False, "--mine", help="only the overdue contacts of your own relationships"),
    as_json: bool = AS_JSON, token: str | None = TOKEN,
) -> None:
    """The stakeholder map: cadence, last contact and whether a contact is overdue (notes with --json,
    for those who may read them)."""
    django_ready()
    from accord.core import clock
    from accord.culture import selectors
    from accord.culture.documents import stakeholder_document

    with user_errors():
        actor = acting_user(token)
        rows = selectors.overdue_contacts(actor) if mine else selectors.stakeholder_rows(actor, overdue_only=overdue)
        documents = [stakeholder_document(r) for r in rows]
    if as_json:
        _dump({"as_of": clock.today(), "stakeholders": documents})
        return
    table = new_table("id", "stakeholder", "whose", "every", "last contact", "status")
    for s in documents:
        status = "never contacted" if s["last_contact_on"] is None else (
            f"overdue {s['days_overdue']} d" if s["overdue"] else f"due {s['next_contact_due']}")
        table.add_row(str(s["id"]), s["name"], s["owner"].upper() if s["owner"] != "both" else "both",
                      f"{s['cadence_days']} d", str(s["last_contact_on"] or "—"), status,
                      style="red" if s["overdue"] else "")
    out.print(table)
    out.print(f"as of {clock.today()}; overdue: last contact + cadence before today, or never contacted")


@app.command("contact")
def contact(
    stakeholder: int = typer.Argument(..., help="stakeholder id (accord culture stakeholders)"),
    on: str = typer.Option("", "--on", help="day of the conversation, YYYY-MM-DD (default: today)"),
    channel: str = typer.Option("in_person", "--channel", help="in_person, video, phone, email, chat, meeting"),
    summary: str = typer.Option("", "--summary", help="what was discussed (sensitive, like the notes)"),
    token: str | None = TOKEN,
) -> None:
    """Log a contact with a stakeholder (an audited write)."""
    django_ready()
    from accord.core import clock
    from accord.culture import selectors, services

    try:
        day = date.fromisoformat(on) if on else clock.today()
    except ValueError:
        fail(f"--on: {on!r} is not a date (YYYY-MM-DD)")
    with user_errors():
        actor = acting_user(token)
        row = selectors.stakeholder_by_id(actor, stakeholder)
        services.log_contact(actor=actor, stakeholder=row.stakeholder, on=day, channel=channel, summary=summary)
        after = selectors.stakeholder_by_id(actor, stakeholder)
    out.print(f"[green]✔[/] contact with {after.stakeholder.name} on {day} logged; next due {after.due_on}")
