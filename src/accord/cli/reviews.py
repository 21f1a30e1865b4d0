"""accord reviews ...: security reviews of the CIO's projects from the command line.

`accord reviews gate --project P FILE` is for CI pipelines: exit 0 when the SARIF file passes the
project's policy, 1 when it fails (the reasons on stderr, or all of it with --json), 2 on bad input
(no such file, not SARIF 2.1.0, unknown project), 3 when the token is missing or not allowed.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.context import acting_user, django_ready, err, fail, new_table, out, user_errors

app = typer.Typer(help="Security reviews of IT projects: roadmap, reviews on SLA clocks, pipeline gate.",
                  no_args_is_help=True)
sla_app = typer.Typer(help="The review SLA per tier (one leader proposes, the other confirms).", no_args_is_help=True)
app.add_typer(sla_app, name="sla")

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document")


@app.callback()
def _reviews() -> None:
    """Security reviews of IT projects: roadmap, reviews on SLA clocks, pipeline gate."""


def _dump(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} business h"


def _clock_text(clock: Any) -> str:
    if clock.stopped:
        return f"decided after {clock.elapsed_hours:.1f} of {clock.sla_hours:g} business h" + (
            " (late)" if clock.breached else "")
    if clock.paused:
        return f"paused (waiting on the requester), {clock.remaining_hours:.1f} business h left"
    due = clock.due.strftime("%Y-%m-%d %H:%M %Z") if clock.due else "—"
    if clock.breached:
        return f"BREACHED: due {due}, over by {-clock.remaining_hours:.1f} business h"
    return f"due {due}, {clock.remaining_hours:.1f} business h left"


def _review_table(rows: list[Any], title: str) -> Any:
    table = new_table("id", "project", "tier", "state", "clock", "next", title=title)
    for row in rows:
        r = row.review
        style = "red" if row.clock.breached else ""
        table.add_row(str(r.pk), r.project.slug, r.tier, r.get_state_display(), _clock_text(row.clock), row.action,
                      style=style)
    return table


# The roadmap ----------------------------------------------------------------------------------------

@app.command("projects")
def projects(
    mine: bool = typer.Option(False, "--mine", help="only the projects you own or sponsor"),
    status: str = typer.Option("", help="idea, planned, in_progress, live, cancelled"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """List IT projects with the review tier the table gives them."""
    django_ready()
    from accord.reviews import selectors
    from accord.reviews.tiers import suggested_tier

    with user_errors():
        rows = list(selectors.projects_visible_to(acting_user(token), selectors.ProjectFilter(status=status,
                                                                                              mine=mine)))
    if as_json:
        _dump([{"id": p.pk, "slug": p.slug, "name": p.name, "owner": p.owner.name, "status": p.status,
                "go_live": p.go_live, "data_classification": p.data_classification, "exposure": p.exposure,
                "third_parties": p.third_parties,
                "tier": suggested_tier(p.data_classification, p.exposure, p.third_parties).tier} for p in rows])
        return
    table = new_table("slug", "name", "owner", "status", "go-live", "data", "exposure", "3rd parties", "tier")
    for p in rows:
        table.add_row(p.slug, p.name, p.owner.name, p.status, str(p.go_live or ""), p.data_classification, p.exposure,
                      p.third_party_names or ("yes" if p.third_parties else ""),
                      suggested_tier(p.data_classification, p.exposure, p.third_parties).tier)
    out.print(table)


@app.command("import")
def import_projects(
    file: Path = typer.Argument(..., help="CSV with a header row (see docs/reviews.md)."),
    token: str | None = TOKEN,
) -> None:
    """Import IT projects from CSV: all rows or none; errors name the line and column."""
    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.reviews.services import import_projects_csv

    with user_errors(), file.open("rb") as handle:
        report = import_projects_csv(actor=acting_user(token), file=handle, filename=file.name)
    out.print(f"[green]✔[/] {file.name}: {report.rows} rows, {report.created} created, {report.updated} updated, "
              f"{report.unchanged} unchanged")


@app.command("export")
def export_projects(
    output: Path | None = typer.Option(None, "--out", help="write here (default: standard output)"),
    token: str | None = TOKEN,
) -> None:
    """Export the roadmap as CSV (the import's columns)."""
    django_ready()
    from accord.reviews.services import export_projects_csv

    with user_errors():
        text = export_projects_csv(actor=acting_user(token))
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"[green]✔[/] {output}")


# Reviews ------------------------------------------------------------------------------------------------

@app.command("request")
def request(
    project: str = typer.Argument(..., help="project slug or id"),
    scope: str = typer.Option("", help="what to review"),
    tier: str | None = typer.Option(None, help="triage, light, full, vendor, emergency (default: the table's)"),
    reason: str = typer.Option("", help="why, when the tier differs from the table's"),
    token: str | None = TOKEN,
) -> None:
    """Ask for a security review of a project; its SLA clock starts now."""
    django_ready()
    from accord.reviews import selectors, services

    with user_errors():
        actor = acting_user(token)
        review = services.request_review(actor=actor, project=selectors.project_by_key(actor, project), scope=scope,
                                         tier=tier, tier_reason=reason)
    out.print(f"[green]✔[/] review #{review.pk} requested: {review.get_tier_display()}, SLA {review.sla_days.normalize():f} "
              f"business days ({review.sla_hours:g} business hours)")


@app.command("list")
def list_reviews(
    open_only: bool = typer.Option(False, "--open", help="only open reviews"),
    state: str = typer.Option("", help="requested, triaged, in_review, waiting, approved, conditions, rejected"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Reviews with their SLA clocks, newest first."""
    django_ready()
    from accord.reviews import selectors

    with user_errors():
        rows = selectors.rows_of(selectors.reviews_visible_to(acting_user(token), state=state, open_only=open_only)[:200])
    if as_json:
        _dump([selectors.review_document(row) for row in rows])
        return
    out.print(_review_table(rows, "Reviews"))


@app.command("queue")
def queue(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """What you must act on (as a reviewer, or as a requester asked a question), most urgent first."""
    django_ready()
    from accord.reviews import selectors

    with user_errors():
        rows = selectors.queue_for(acting_user(token))
    if as_json:
        _dump([selectors.review_document(row) for row in rows])
        return
    out.print(_review_table(rows, "Your queue"))


@app.command("show")
def show(review_id: int, as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """A review: its clock, timeline and conditions."""
    django_ready()
    from accord.reviews import selectors

    with user_errors():
        actor = acting_user(token)
        review = selectors.review_by_id(actor, review_id)
        row = selectors.rows_of([review])[0]
        timeline = selectors.timeline_of(actor, review)
        conditions = list(selectors.conditions_of(actor, review))
    if as_json:
        _dump({**selectors.review_document(row),
               "timeline": [{"from": t.from_state, "to": t.to_state, "actor": t.actor.username, "at": t.at,
                             "note": t.note} for t in timeline],
               "conditions": [{"id": c.pk, "text": c.text, "owner": c.owner.name, "due_on": c.due_on,
                               "status": c.status} for c in conditions]})
        return
    out.print(f"[bold]Review #{review.pk}[/] of {review.project} ({review.project.slug}): {review.get_state_display()}")
    out.print(f"tier: {review.get_tier_display()} (table: {review.suggested_tier}){': ' + review.tier_reason if review.tier_reason else ''}")
    out.print(f"clock: {_clock_text(row.clock)}")
    steps = new_table("at", "step", "by", "note", title="Timeline")
    for t in timeline:
        steps.add_row(t.at.strftime("%Y-%m-%d %H:%M"), f"{t.from_state or 'new'} → {t.to_state}", t.actor.username,
                      t.note)
    out.print(steps)
    if conditions:
        table = new_table("id", "condition", "owner", "due", "status", title="Conditions")
        for c in conditions:
            table.add_row(str(c.pk), c.text, c.owner.name, c.due_on.isoformat(), c.status)
        out.print(table)


def _step(review_id: int, token: str | None, action: Any) -> None:
    django_ready()
    from accord.reviews import selectors

    with user_errors():
        actor = acting_user(token)
        review = action(actor, selectors.review_by_id(actor, review_id))
    out.print(f"[green]✔[/] review #{review.pk}: {review.get_state_display().lower()}")


@app.command("triage")
def triage(
    review_id: int,
    tier: str | None = typer.Option(None, help="a different tier (with --reason)"),
    reason: str = typer.Option("", help="why the tier differs from the table's"),
    reviewer: str | None = typer.Option(None, help="username of the reviewer"),
    note: str = typer.Option(""),
    token: str | None = TOKEN,
) -> None:
    """Triage a requested review (the security side)."""
    from accord.core.errors import ValidationFailed

    def act(actor: Any, review: Any) -> Any:
        from accord.reviews import selectors, services

        person = None
        if reviewer:
            person = next((u for u in selectors.reviewers() if u.username == reviewer), None)
            if person is None:
                raise ValidationFailed.field("reviewer", f"{reviewer!r} is not an active user who runs reviews")
        return services.triage_review(actor=actor, review=review, tier=tier, tier_reason=reason, reviewer=person,
                                      note=note)

    _step(review_id, token, act)


@app.command("start")
def start(review_id: int, note: str = typer.Option(""), token: str | None = TOKEN) -> None:
    """Start a triaged review."""
    from accord.reviews import services

    _step(review_id, token, lambda actor, review: services.start_review(actor=actor, review=review, note=note))


@app.command("ask")
def ask(review_id: int, question: str, token: str | None = TOKEN) -> None:
    """Ask the requester something: the review waits on them, its clock paused."""
    from accord.reviews import services

    _step(review_id, token, lambda actor, review: services.ask_requester(actor=actor, review=review,
                                                                          question=question))


@app.command("answer")
def answer(review_id: int, text: str, token: str | None = TOKEN) -> None:
    """Answer the reviewer (as the requester or the project's owner): the clock runs again."""
    from accord.reviews import services

    _step(review_id, token, lambda actor, review: services.answer_requester(actor=actor, review=review, answer=text))


@app.command("tier")
def change_tier(review_id: int, tier: str, reason: str = typer.Option(..., help="why"),
                token: str | None = TOKEN) -> None:
    """Change an open review's tier (its SLA follows)."""
    from accord.reviews import services

    _step(review_id, token, lambda actor, review: services.change_tier(actor=actor, review=review, tier=tier,
                                                                        reason=reason))


def _condition(actor: Any, text: str) -> Any:
    from accord.core.errors import ValidationFailed
    from accord.org.selectors import people_visible_to
    from accord.reviews.services import NewCondition

    parts = [p.strip() for p in text.split("|")]
    if len(parts) != 3:
        raise ValidationFailed.field("--condition", f"{text!r}: write 'what must be done|owner email|YYYY-MM-DD'")
    what, owner, due = parts
    person = people_visible_to(actor).filter(email__iexact=owner).first()
    if person is None:
        raise ValidationFailed.field("--condition", f"no one in the people directory has the email {owner!r}")
    try:
        return NewCondition(what, person, date.fromisoformat(due))
    except ValueError:
        raise ValidationFailed.field("--condition", f"{due!r} is not a date (YYYY-MM-DD)") from None


@app.command("decide")
def decide(
    review_id: int,
    outcome: str = typer.Argument(..., help="approved, conditions or rejected"),
    note: str = typer.Option("", help="why (required to reject)"),
    condition: list[str] = typer.Option([], help="'what must be done|owner email|YYYY-MM-DD', repeatable"),
    token: str | None = TOKEN,
) -> None:
    """Decide a review."""
    from accord.reviews import services

    def act(actor: Any, review: Any) -> Any:
        return services.decide_review(actor=actor, review=review, outcome=outcome, note=note,
                                      conditions=[_condition(actor, c) for c in condition])

    _step(review_id, token, act)


@app.command("condition")
def close_condition(
    condition_id: int,
    status: str = typer.Argument(..., help="met or waived"),
    note: str = typer.Option(..., help="how it was met, or why it is waived"),
    token: str | None = TOKEN,
) -> None:
    """Close a condition of an approval."""
    django_ready()
    from accord.reviews import selectors, services

    with user_errors():
        actor = acting_user(token)
        condition = services.close_condition(actor=actor, condition=selectors.condition_by_id(actor, condition_id),
                                             status=status, note=note)
    out.print(f"[green]✔[/] condition #{condition.pk}: {condition.status}")


# Metrics and escalations ----------------------------------------------------------------------------------

@app.command("metrics")
def metrics(
    since: str | None = typer.Option(None, help="only reviews requested since this day (YYYY-MM-DD)"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """SLA attainment per tier, time to decision (median, 90th percentile), queue age, rework rate."""
    try:
        day = date.fromisoformat(since) if since else None
    except ValueError:
        fail(f"--since {since!r} is not a date (YYYY-MM-DD)")
    django_ready()
    from accord.reviews import selectors

    with user_errors():
        m = selectors.metrics(acting_user(token), since=day)
    if as_json:
        _dump({**{k: v for k, v in m.__dict__.items() if k != "tiers"}, "attainment": m.attainment,
               "rework_rate": m.rework_rate,
               "tiers": [{**{k: v for k, v in t.__dict__.items() if k != "hours"}, "attainment": t.attainment,
                          "median_hours": t.median_hours} for t in m.tiers]})
        return
    table = new_table("tier", "SLA", "decided", "within SLA", "open", "open past due", "attainment", "median to decision",
                  title="SLA attainment per tier")
    for t in m.tiers:
        table.add_row(t.label, f"{t.sla_days.normalize():f} business days", str(t.decided), str(t.met), str(t.open),
                      str(t.open_breached), "—" if t.attainment is None else f"{t.attainment:.1f}%",
                      _hours(t.median_hours))
    out.print(table)
    rate = "—" if m.rework_rate is None else f"{m.rework_rate:.1f}%"
    out.print(f"time to decision: median {_hours(m.median_hours)}, 90th percentile {_hours(m.p90_hours)} "
              f"({m.decided} decided)")
    out.print(f"queue: {m.open} open, median age {_hours(m.queue_median_hours)}, oldest {_hours(m.queue_oldest_hours)}")
    out.print(f"rework: {m.reworked} of {m.reviews} reviews ({rate})")


@app.command("escalations")
def escalations(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """The steering committee's queue: open reviews past their SLA, and standing rejections."""
    django_ready()
    from accord.reviews import selectors

    with user_errors():
        found = selectors.escalations(acting_user(token))
    if as_json:
        _dump([{"kind": e.kind, "review_id": e.review.pk, "project": e.project.slug, "reason": e.reason,
                "since": e.since, "url": e.url} for e in found])
        return
    table = new_table("kind", "review", "project", "reason", title="Escalations to the steering committee")
    for e in found:
        table.add_row(e.kind, f"#{e.review.pk}", e.project.name, e.reason)
    out.print(table)


# The SLA policy ------------------------------------------------------------------------------------------

@sla_app.command("show")
def sla_show(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """The SLA per tier in force, a pending proposal and the working calendar."""
    django_ready()
    from accord.reviews import selectors

    with user_errors():
        state = selectors.sla_policy_state(acting_user(token))
    if as_json:
        _dump({"days": state.days, "hours": state.hours, "hours_per_day": state.hours_per_day,
               "active": state.active.pk if state.active else None,
               "pending": {"id": state.pending.pk, "days": state.pending.days(), "by": str(state.pending.proposed_by)}
               if state.pending else None})
        return
    table = new_table("tier", "business days", "business hours", title="Review SLA in force")
    for tier, days in state.days.items():
        table.add_row(tier, f"{days.normalize():f}", f"{state.hours[tier]:g}")
    out.print(table)
    row = state.settings
    out.print(f"a business day: {row.day_start:%H:%M}-{row.day_end:%H:%M} ({state.hours_per_day:g} h), weekdays "
              f"{row.workdays} (0 = Monday), holidays: {row.country or 'none'} {row.subdivision}".rstrip())
    if state.pending:
        out.print(f"pending proposal #{state.pending.pk} by {state.pending.proposed_by} "
                  f"({state.pending.proposed_role.upper()}): {state.pending}")


@sla_app.command("propose")
def sla_propose(
    triage: str = typer.Option(..., help="business days"),
    light: str = typer.Option(..., help="business days"),
    full: str = typer.Option(..., help="business days"),
    vendor: str = typer.Option(..., help="business days"),
    emergency: str = typer.Option(..., help="business days"),
    reason: str = typer.Option(""),
    token: str | None = TOKEN,
) -> None:
    """Propose business days per tier (the CISO or the CIO); the other leader confirms."""
    django_ready()
    from accord.reviews import services

    with user_errors():
        policy = services.propose_review_sla(actor=acting_user(token), triage_days=triage, light_days=light,
                                             full_days=full, vendor_days=vendor, emergency_days=emergency,
                                             reason=reason)
    out.print(f"[green]✔[/] proposal #{policy.pk}: in force when the other leader confirms it "
              f"(`accord reviews sla confirm {policy.pk}`)")


@sla_app.command("confirm")
def sla_confirm(policy_id: int, token: str | None = TOKEN) -> None:
    """Confirm the other leader's proposal: it comes into force."""
    django_ready()
    from accord.reviews import selectors, services

    with user_errors():
        actor = acting_user(token)
        policy = services.confirm_review_sla(actor=actor, policy=selectors.sla_policy_by_id(actor, policy_id))
    out.print(f"[green]✔[/] review SLA #{policy.pk}: {policy.get_status_display().lower()}")


@sla_app.command("withdraw")
def sla_withdraw(policy_id: int, token: str | None = TOKEN) -> None:
    """Withdraw your proposal, or decline the other leader's."""
    django_ready()
    from accord.reviews import selectors, services

    with user_errors():
        actor = acting_user(token)
        services.withdraw_review_sla(actor=actor, policy=selectors.sla_policy_by_id(actor, policy_id))
    out.print(f"[green]✔[/] proposal #{policy_id} withdrawn")


# The pipeline gate -----------------------------------------------------------------------------------------

@app.command("gate")
def gate(
    file: Path = typer.Argument(..., help="a SARIF 2.1.0 file from the pipeline's scanners"),
    project: str = typer.Option(..., "--project", help="project slug or id"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Pass or fail a SARIF file under the project's policy. Exit 0 pass, 1 fail, 2 bad input."""
    if not file.is_file():
        fail(f"{file}: no such file")
    django_ready()
    from accord.core.errors import NotFound
    from accord.reviews import selectors, services

    with user_errors(), file.open("rb") as handle:
        actor = acting_user(token)
        try:
            found = selectors.project_by_key(actor, project)
        except NotFound as exc:
            fail(str(exc), code=2)
        run = services.run_gate(actor=actor, project=found, file=handle, filename=file.name)
    notes = list(getattr(run, "notes", []))
    if as_json:
        _dump({"id": run.pk, "result": run.result, "reasons": run.reasons, "notes": notes, "project": found.slug,
               "review_id": run.review_id, "baseline_id": run.baseline_id, "results": run.results,
               "counts": run.counts})
    else:
        mark = "[green]PASS[/]" if run.result == "pass" else "[bold red]FAIL[/]"
        out.print(f"{mark} {found.slug}: {file.name}, {run.results} results (gate run #{run.pk})")
        for reason in run.reasons:
            err.print(f"  - {reason}", highlight=False)
        for note in notes:
            out.print(f"  note: {note}", highlight=False)
    raise typer.Exit(0 if run.result == "pass" else 1)
