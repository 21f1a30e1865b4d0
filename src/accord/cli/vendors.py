"""accord vendors ...: the vendor register: tiers, assessments, review cadence.

Exit codes as everywhere: 2 bad input (nothing written), 3 not allowed or no token, 4 not found.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.context import acting_user, django_ready, fail, new_table, out, user_errors

app = typer.Typer(help="The vendor register: tiers, assessments, review cadence.", no_args_is_help=True)

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document")


@app.callback()
def _vendors() -> None:
    """The vendor register: tiers, assessments, review cadence."""


def _dump(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def _state_text(row: Any) -> str:
    if row.review_state == "overdue":
        return f"OVERDUE by {row.days_overdue} days"
    if row.review_state == "exited":
        return "exited"
    return f"{'due soon' if row.review_state == 'due_soon' else 'on time'}, {row.days_left} days left"


def _person(actor: Any, key: str) -> Any:
    from django.db.models import Q

    from accord.core.errors import ValidationFailed
    from accord.org import selectors as org_selectors

    found = list(org_selectors.people_visible_to(actor).filter(Q(email__iexact=key) | Q(name__iexact=key))[:2])
    if len(found) != 1:
        raise ValidationFailed.field("owner", f"no one in the people directory has the email or name {key!r}"
                                     if not found else f"several people are named {key!r}: give the email address")
    return found[0]


def _services(actor: Any, names: list[str]) -> list[Any]:
    from accord.core.errors import ValidationFailed
    from accord.org import selectors as org_selectors

    known = {s.name.lower(): s for s in org_selectors.services_visible_to(actor)}
    missing = [n for n in names if n.lower() not in known]
    if missing:
        raise ValidationFailed.field("business_service", f"no business service named {', '.join(map(repr, missing))}")
    return [known[n.lower()] for n in names]


@app.command("list")
def list_vendors(
    tier: str = typer.Option("", help="critical, high, medium, low"),
    review: str = typer.Option("", help="overdue, due_soon, on_time, exited"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """The register, most urgent tier first, with each vendor's next review and the critical vendors on time."""
    django_ready()
    from accord.core import clock
    from accord.vendors import selectors

    with user_errors():
        actor = acting_user(token)
        as_of = clock.today()
        rows = selectors.register_rows(actor, selectors.VendorFilter(tier=tier, review=review), as_of=as_of)
        figures = selectors.on_time(actor, as_of)
    if as_json:
        _dump({"as_of": as_of, "critical_on_time_percent": figures.percent, "critical": figures.critical,
               "critical_on_time": figures.on_time, "vendors": [selectors.row_document(r) for r in rows]})
        return
    table = new_table("slug", "name", "tier", "owner", "last assessed", "next due", "review",
                  title=f"Vendors (as of {as_of.isoformat()})")
    for r in rows:
        v = r.vendor
        table.add_row(v.slug, v.name, v.tier + ("*" if r.overridden else ""), v.owner.name,
                      str(r.last_assessed_on or "never"), r.next_due.isoformat(), _state_text(r),
                      style="red" if r.review_state == "overdue" else "")
    out.print(table)
    out.print(f"Critical vendors assessed on time: {figures.display} ({figures.on_time} of {figures.critical}, "
              f"as of {as_of.isoformat()}). * tier overridden.")


@app.command("show")
def show(
    slug: str = typer.Argument(..., help="the vendor's id"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """One vendor: facts, tier, review due, assessments, findings, risk scenarios, projects."""
    django_ready()
    from accord.vendors import selectors

    with user_errors():
        actor = acting_user(token)
        document = selectors.detail_document(selectors.vendor_detail(actor, selectors.vendor_by_slug(actor, slug)))
    if as_json:
        _dump(document)
        return
    d = document
    out.print(f"[bold]{d['name']}[/] ({d['slug']}): {d['service_provided']}")
    override = f" (overridden, matrix: {d['matrix_tier']}; why: {d['tier_override_reason']})" \
        if d["tier_override_reason"] else " (the matrix's)"
    out.print(f"tier {d['tier']}{override}; data {d['data_sensitivity']}, criticality {d['criticality']}")
    out.print(f"owner {d['owner']}; status {d['status']}; business services: {', '.join(d['business_services']) or '-'}")
    out.print(f"review every {d['cadence_months']} months; last assessed {d['last_assessed_on'] or 'never'}; "
              f"next due {d['next_review_due']} ({d['review_state']}, {d['days_left']} days, as of {d['as_of']})")
    for a in d["assessments"]:
        out.print(f"  assessment #{a['id']} on {a['assessed_on']}: {a['score']}/100, {len(a['findings'])} findings")
        for f in a["findings"]:
            out.print(f"    - [{f['status']}] {f['text']} ({f['owner']}, due {f['due_on']})")
    out.print(f"risk scenarios: {', '.join(r['slug'] for r in d['risk_scenarios']) or '-'}")
    out.print(f"IT projects: {', '.join(p['slug'] for p in d['projects']) or '-'}")


@app.command("add")
def add(
    name: str = typer.Option(..., help="the vendor's name"),
    service: str = typer.Option(..., "--service", help="the service it provides"),
    owner: str = typer.Option(..., help="email or name of the owner in the people directory"),
    data_accessed: str = typer.Option("", help="which data it reaches"),
    sensitivity: str = typer.Option("internal", help="none, internal, confidential, restricted"),
    criticality: str = typer.Option("medium", help="low, medium, high, critical"),
    business_service: list[str] = typer.Option([], "--business-service", help="a business service it supports "
                                                                               "(repeat)"),
    contract_start: str = typer.Option("", help="YYYY-MM-DD"),
    contract_end: str = typer.Option("", help="YYYY-MM-DD"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Register a vendor; its tier comes from the matrix."""
    django_ready()
    from accord.vendors import selectors, services

    with user_errors():
        actor = acting_user(token)
        vendor = services.create_vendor(
            actor=actor, name=name, service_provided=service, owner=_person(actor, owner), data_accessed=data_accessed,
            data_sensitivity=sensitivity, criticality=criticality,
            business_services=_services(actor, business_service),
            contract_start=_day("contract_start", contract_start), contract_end=_day("contract_end", contract_end))
        row = selectors.row_of(selectors.vendor_by_slug(actor, vendor.slug))
    if as_json:
        _dump(selectors.row_document(row))
        return
    out.print(f"[green]✔[/] {vendor.name} ({vendor.slug}) registered: tier {vendor.tier}, first review due "
              f"{row.next_due.isoformat()}")


def _day(field: str, value: str) -> date | None:
    from accord.core.errors import ValidationFailed

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.field(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


@app.command("import")
def import_vendors(
    file: Path = typer.Argument(..., help="CSV with a header row (see docs/vendors.md)."),
    token: str | None = TOKEN,
) -> None:
    """Import a vendor list from CSV: all rows or none; errors name the line and column."""
    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.vendors.importer import import_vendors_csv

    with user_errors(), file.open("rb") as handle:
        report = import_vendors_csv(actor=acting_user(token), file=handle, filename=file.name)
    out.print(f"[green]✔[/] {file.name}: {report.rows} rows, {report.created} created, {report.updated} updated, "
              f"{report.unchanged} unchanged")


@app.command("questionnaire")
def show_questionnaire(as_json: Annotated[bool, AS_JSON] = False) -> None:
    """The questionnaire in force: question ids, weights and answer keys (for `assess`)."""
    from accord.vendors.questionnaire import current

    form = current()
    if as_json:
        _dump(form.as_dict())
        return
    out.print(f"[bold]{form.title}[/], version {form.version}")
    for q in form.questions:
        keys = ", ".join(f"{a.key} ({'n/a' if a.share is None else f'{a.share:g}'})" for a in q.answers)
        out.print(f"- {q.id} (weight {q.weight:g}): {q.text}\n    answers: {keys}")


def _answers(pairs: list[str], answers_file: Path | None) -> dict[str, str]:
    from accord.core.errors import ValidationFailed

    answers: dict[str, str] = {}
    if answers_file is not None:
        try:
            loaded = json.loads(answers_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValidationFailed.field("answers", f"{answers_file}: not a JSON object of answers ({exc})") from None
        if not isinstance(loaded, dict):
            raise ValidationFailed.field("answers", f"{answers_file}: a JSON object of question id -> answer key")
        answers.update({str(k): str(v) for k, v in loaded.items()})
    for pair in pairs:
        question, sep, answer = pair.partition("=")
        if not sep:
            raise ValidationFailed.field("answer", f"{pair!r} is not QUESTION=ANSWER")
        answers[question.strip()] = answer.strip()
    return answers


@app.command("assess")
def assess(
    slug: str = typer.Argument(..., help="the vendor's id"),
    answer: list[str] = typer.Option([], "--answer", help="QUESTION=ANSWER (repeat; see `accord vendors "
                                                          "questionnaire`)"),
    answers_file: Path | None = typer.Option(None, "--answers", help="a JSON object of question id -> answer key"),
    on: str = typer.Option("", "--on", help="the day it was assessed, YYYY-MM-DD (default today)"),
    notes: str = typer.Option("", help="notes"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Record an assessment: every question answered; prints the score (0-100) and the next review due."""
    django_ready()
    from accord.vendors import selectors, services

    with user_errors():
        actor = acting_user(token)
        vendor = selectors.vendor_by_slug(actor, slug)
        assessment = services.record_assessment(actor=actor, vendor=vendor, answers=_answers(answer, answers_file),
                                                assessed_on=_day("assessed_on", on), notes=notes)
        row = selectors.row_of(selectors.vendor_by_slug(actor, slug))
    if as_json:
        _dump({**selectors.assessment_document(assessment), "next_review_due": row.next_due})
        return
    out.print(f"[green]✔[/] {vendor.name}: {assessment.score}/100 (questionnaire {assessment.questionnaire_version}); "
              f"next review due {row.next_due.isoformat()}")


@app.command("tier")
def tier(
    slug: str = typer.Argument(..., help="the vendor's id"),
    new_tier: str = typer.Argument(..., metavar="TIER", help="critical, high, medium, low, or 'matrix' to go back "
                                                             "to the matrix's"),
    reason: str = typer.Option(..., help="why (required, audited)"),
    token: str | None = TOKEN,
) -> None:
    """Override a vendor's tier with a reason, or go back to the matrix's."""
    django_ready()
    from accord.vendors import selectors, services
    from accord.vendors.tiers import matrix_tier

    with user_errors():
        actor = acting_user(token)
        vendor = services.override_tier(actor=actor, vendor=selectors.vendor_by_slug(actor, slug),
                                        tier="" if new_tier == "matrix" else new_tier, reason=reason)
    matrix = matrix_tier(vendor.data_sensitivity, vendor.criticality)
    out.print(f"[green]✔[/] {vendor.name}: tier {vendor.tier}" + (
        f" (overridden; the matrix gives {matrix})" if vendor.tier_override else " (the matrix's)"))


@app.command("link")
def link(
    slug: str = typer.Argument(..., help="the vendor's id"),
    risk: str = typer.Option("", help="a risk scenario's id"),
    project: str = typer.Option("", help="an IT project's id"),
    remove: bool = typer.Option(False, "--remove", help="unlink instead"),
    token: str | None = TOKEN,
) -> None:
    """Link a vendor to a risk scenario and/or an IT project (or unlink with --remove)."""
    if not risk and not project:
        fail("give --risk or --project")
    django_ready()
    from accord.reviews import selectors as review_selectors
    from accord.risks import selectors as risk_selectors
    from accord.vendors import selectors, services

    with user_errors():
        actor = acting_user(token)
        vendor = selectors.vendor_by_slug(actor, slug)
        if risk:
            scenario = risk_selectors.scenario_by_slug(actor, risk)
            (services.unlink_scenario if remove else services.link_scenario)(actor=actor, vendor=vendor,
                                                                             scenario=scenario)
        if project:
            found = review_selectors.project_by_key(actor, project)
            (services.unlink_project if remove else services.link_project)(actor=actor, vendor=vendor, project=found)
    out.print(f"[green]✔[/] {vendor.name}: {'unlinked' if remove else 'linked'}")
