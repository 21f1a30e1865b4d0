"""accord acceptances ...: risk acceptances and exceptions.

`list` and `show` read; `request` asks for an acceptance (a scenario, a finding, a CVE's or a fix's
open findings); `approve` and `reject` answer it (a leader who did not ask); `revoke` withdraws a
request or ends a granted acceptance; `renew` asks again on today's figures; `threshold` shows or
changes from which residual annual expected loss both leaders approve. `--json` prints the same
document the API gives.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from accord.cli.context import acting_user, django_ready, fail, new_table, out, user_errors

app = typer.Typer(help="Risk acceptances and exceptions.", no_args_is_help=True)

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document")


@app.callback()
def _acceptances() -> None:
    """Risk acceptances and exceptions."""


def _dump(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{field}: {text!r} is not a date (YYYY-MM-DD)")


def _status(doc: dict[str, Any]) -> str:
    if doc["stale"]:
        return f"stale since {doc['stale_since']}"
    if doc["status"] == "granted" and doc["days_left"] <= 30:
        return f"in force, expires in {doc['days_left']} days"
    return {"granted": "in force", "requested": "awaiting approval"}.get(doc["status"], doc["status"])


def _print(doc: dict[str, Any]) -> None:
    out.print(f"[bold]Risk acceptance #{doc['id']}[/]: {doc['subject_label']} ({_status(doc)})", highlight=False)
    out.print(f"until {doc['expires_on']} ({doc['days_left']} days left); approvers: {doc['approvers']}",
              highlight=False)
    out.print(f"asked by {doc['requested_by']} on {doc['requested_at']:%Y-%m-%d}; justification: "
              f"{doc['justification']}", highlight=False)
    if doc["compensating_controls"]:
        out.print(f"compensating controls: {doc['compensating_controls']}", highlight=False)
    table = new_table("figure", "granted on", "today")
    today = doc.get("current_display") or {}
    for label, value in doc["frozen_display"].items():
        table.add_row(label, value, today.get(label, "-"))
    out.print(table)
    for reason in doc["stale_reasons"] if doc["stale"] else []:
        out.print(f"  stale: {reason}", highlight=False)
    for answer in doc.get("approvals", []):
        verb = "approved" if answer["approved"] else "rejected"
        out.print(f"  {answer['role'].upper()} {answer['user']} {verb} {answer['at']:%Y-%m-%d %H:%M} "
                  f"{answer['comment']}".rstrip(), highlight=False)
    if doc["end_reason"]:
        out.print(f"ended: {doc['end_reason']}", highlight=False)


def _detail(actor: Any, acceptance_id: int) -> dict[str, Any]:
    from accord.acceptances import selectors

    row = selectors.acceptance_by_id(actor, acceptance_id)
    return selectors.document(row, current=selectors.current_figures(actor, row))


@app.command("list")
def list_acceptances(
    state: Annotated[str, typer.Option(help="active, requested, stale, expiring, ended, all")] = "active",
    kind: Annotated[str, typer.Option(help="scenario, finding, cve, fix")] = "",
    finding: Annotated[int | None, typer.Option(help="those covering this finding")] = None,
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Risk acceptances, those expiring soonest first."""
    django_ready()
    from accord.acceptances import selectors

    with user_errors():
        actor = acting_user(token)
        rows = selectors.acceptances_visible_to(actor, selectors.AcceptanceFilter(state=state, kind=kind,
                                                                                  finding=finding))
        docs = [selectors.document(r) for r in rows[:500]]
        limit = selectors.threshold()
    if as_json:
        _dump({"count": rows.count(), "threshold": {"amount": limit.amount, "currency": limit.currency},
               "items": docs})
        return
    table = new_table("#", "subject", "status", "until", "residual annual loss", "approvers")
    for doc in docs:
        table.add_row(str(doc["id"]), doc["subject_label"][:70], _status(doc), str(doc["expires_on"]),
                      doc["frozen_display"]["residual annual expected loss"],
                      "CIO and CISO" if doc["dual_approval"] else "CISO or CIO")
    out.print(table)
    out.print(f"{rows.count():,} acceptance(s); both leaders approve from {limit} of residual annual expected loss",
              highlight=False)


@app.command("show")
def show(acceptance_id: Annotated[int, typer.Argument(help="the acceptance's number")],
         as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """One acceptance: its figures when granted and today, its approvals, why it is stale."""
    django_ready()
    with user_errors():
        doc = _detail(acting_user(token), acceptance_id)
    if as_json:
        _dump(doc)
    else:
        _print(doc)


@app.command("request")
def request(
    until: Annotated[str, typer.Option("--until", help="the last day it is in force (YYYY-MM-DD)")],
    justification: Annotated[str, typer.Option(help="why the risk is accepted")],
    scenario: Annotated[str, typer.Option(help="a risk scenario's id")] = "",
    finding: Annotated[int | None, typer.Option(help="one finding's number")] = None,
    cve: Annotated[str, typer.Option(help="all open findings of this CVE")] = "",
    fix: Annotated[str, typer.Option(help="all open findings this fix closes (its fix key)")] = "",
    controls: Annotated[str, typer.Option("--controls", help="compensating controls")] = "",
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Ask for a risk acceptance of exactly one subject: --scenario, --finding, --cve or --fix."""
    named = [k for k, v in (("scenario", scenario), ("finding", finding), ("cve", cve), ("fix", fix)) if v]
    if len(named) != 1:
        fail("subject: name exactly one of --scenario, --finding, --cve, --fix")
    expires_on = _day(until, "until")
    django_ready()
    from accord.acceptances import services

    with user_errors():
        actor = acting_user(token)
        row = services.request_acceptance(actor=actor, subject_kind=named[0], expires_on=expires_on,
                                          justification=justification, compensating_controls=controls,
                                          scenario=scenario, finding=finding, cve=cve, fix=fix)
        doc = _detail(actor, row.pk)
    if as_json:
        _dump(doc)
    else:
        _print(doc)


def _answer(acceptance_id: int, token: str | None, as_json: bool, call: str, **kwargs: Any) -> None:
    django_ready()
    from accord.acceptances import selectors, services

    with user_errors():
        actor = acting_user(token)
        row = selectors.acceptance_by_id(actor, acceptance_id)
        result = getattr(services, call)(actor=actor, acceptance=row, **kwargs)
        doc = _detail(actor, result.pk)
    if as_json:
        _dump(doc)
    else:
        _print(doc)


ROLE = typer.Option(help="the role you answer as when you hold both: ciso or cio")


@app.command("approve")
def approve(acceptance_id: Annotated[int, typer.Argument()], comment: str = "", role: Annotated[str, ROLE] = "",
            as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Approve an acceptance you did not ask for (a leader); the last approval grants it."""
    _answer(acceptance_id, token, as_json, "approve_acceptance", role=role or None, comment=comment)


@app.command("reject")
def reject(acceptance_id: Annotated[int, typer.Argument()],
           comment: Annotated[str, typer.Option(help="why not (required)")],
           role: Annotated[str, ROLE] = "", as_json: Annotated[bool, AS_JSON] = False,
           token: str | None = TOKEN) -> None:
    """Reject an acceptance you were asked to approve, saying why."""
    _answer(acceptance_id, token, as_json, "reject_acceptance", role=role or None, comment=comment)


@app.command("revoke")
def revoke(acceptance_id: Annotated[int, typer.Argument()],
           reason: Annotated[str, typer.Option(help="why (required to revoke a granted acceptance)")] = "",
           as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Withdraw a request, or revoke a granted acceptance (what it covered counts again from today)."""
    _answer(acceptance_id, token, as_json, "end_acceptance", reason=reason)


@app.command("renew")
def renew(acceptance_id: Annotated[int, typer.Argument()],
          until: Annotated[str, typer.Option("--until", help="the new last day (YYYY-MM-DD)")],
          justification: str = "", as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Ask again, on today's figures, for a granted (stale, expiring) or expired acceptance."""
    _answer(acceptance_id, token, as_json, "renew_acceptance", expires_on=_day(until, "until"),
            justification=justification)


@app.command("threshold")
def threshold(amount: Annotated[float | None, typer.Argument(help="new threshold (a leader)")] = None,
              as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Show, or change (the CISO or the CIO), the residual annual expected loss from which both approve."""
    django_ready()
    from accord.acceptances import selectors, services

    with user_errors():
        actor = acting_user(token)
        if amount is not None:
            services.set_threshold(actor=actor, amount=amount)
        else:
            selectors.acceptances_visible_to(actor)  # reading it needs the steering area, as the page does
        limit = selectors.threshold()
    if as_json:
        _dump({"dual_approval_threshold": limit.amount, "currency": limit.currency, "updated_by": limit.updated_by})
    else:
        out.print(f"both the CIO and the CISO approve from {limit} of residual annual expected loss", highlight=False)
