"""accord desk, accord approvals, accord decisions, accord inbox: the desk from the command line.

The figures are the home page's (the same selectors); answering a sign-off happens on its subject's
own command (`accord patch sign`, `accord portfolio approve`, ...), which applies its effect.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document")

approvals_app = typer.Typer(help="Sign-offs: what waits for you, what is open, granted, voided, expired.",
                            no_args_is_help=True)
decisions_app = typer.Typer(help="The decision log (append-only).", no_args_is_help=True)


def _signoff_dict(s: Any) -> dict[str, Any]:
    return {"id": s.pk, "kind": s.kind, "kind_label": s.kind_label, "subject": s.subject_label, "url": s.subject_url,
            "summary": s.summary, "status": s.status, "requested_by": str(s.requested_by),
            "requested_at": s.requested_at.isoformat(), "expires_on": s.expires_on.isoformat() if s.expires_on else None,
            "close_reason": s.close_reason,
            "approvals": [{"role": a.role, "user": str(a.user), "approved": a.approved, "at": a.at.isoformat(),
                           "comment": a.comment} for a in s.approvals.all()]}


def desk(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Your home page's tiles and what waits for you, as on the web."""
    from accord.cli.context import acting_user, django_ready, new_table, out, user_errors

    django_ready()
    from accord.desk.selectors import desk_for

    with user_errors():
        mine = desk_for(acting_user(token))
    if as_json:
        typer.echo(json.dumps({
            "desk": mine.role, "title": mine.title, "currency": mine.currency,
            "tiles": [{"label": t.label, "value": t.value, "note": t.note, "url": t.url} for t in mine.tiles],
            "waiting": {"total": mine.waiting.total, "signoffs": [s.pk for s in mine.waiting.single],
                        "batches": [{"kind": b.kind_label, "count": b.count, "url": b.url}
                                    for b in mine.waiting.batches]},
            "kev_past_due_by_service": {line.label: line.count for line in mine.kev_by_service},
        }, indent=2))
        return
    out.print(f"[bold]{mine.title}[/]")
    table = new_table("", "figure", "", "open it at")
    for tile in mine.tiles:
        colour = {"bad": "red", "warn": "yellow"}.get(tile.tone, "")
        table.add_row(tile.label, f"[{colour}]{tile.value}[/]" if colour else tile.value, tile.note, tile.url)
    out.print(table)
    if mine.role != "board":
        out.print(f"Waiting for you: {mine.waiting.total}")
        for batch in mine.waiting.batches:
            out.print(f"  {batch.count} of {batch.kind_label}  {batch.url}")
        for signoff in mine.waiting.single[:20]:
            out.print(f"  #{signoff.pk} {signoff.kind_label}: {signoff.subject_label}  {signoff.subject_url}")
    for line in mine.kev_by_service:
        out.print(f"KEV past due, {line.label}: {line.value}")


@approvals_app.command("list")
def approvals_list(
    waiting: Annotated[bool, typer.Option("--waiting", help="only those waiting for you")] = False,
    status: Annotated[str, typer.Option("--status", help="open, granted, rejected, voided, expired, withdrawn")] = "",
    kind: Annotated[str, typer.Option("--kind", help="e.g. patch_plan, emergency_change, portfolio_selection")] = "",
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Sign-offs you may see, newest first (at most 200)."""
    from accord.cli.context import acting_user, django_ready, new_table, out, user_errors

    django_ready()
    from accord.governance import selectors

    with user_errors():
        actor = acting_user(token)
        rows = (selectors.waiting_for(actor, limit=200) if waiting else
                list(selectors.signoffs_visible_to(actor, status=status, kind=kind).prefetch_related(
                    "approvals__user")[:200]))
    if as_json:
        typer.echo(json.dumps([_signoff_dict(s) for s in rows], indent=2))
        return
    table = new_table("#", "kind", "what", "asked", "answers", "status")
    for s in rows:
        answers = ", ".join(f"{a.role.upper()} {a.user} {'yes' if a.approved else 'no'}" for a in s.approvals.all())
        table.add_row(str(s.pk), s.kind_label, s.subject_label[:60], f"{s.requested_at:%Y-%m-%d} {s.requested_by}",
                      answers or "none yet", s.status)
    out.print(table)


@approvals_app.command("show")
def approvals_show(signoff_id: Annotated[int, typer.Argument(help="the sign-off's number")],
                   as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """One sign-off: what it approves, on which figures, who answered, and why it closed."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.governance import selectors

    with user_errors():
        signoff = selectors.signoff_by_id(acting_user(token), signoff_id)
    data = _signoff_dict(signoff) | {"figures": signoff.figures, "inputs_hash": signoff.inputs_hash,
                                     "slots": signoff.slots}
    if as_json:
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    out.print(f"[bold]#{signoff.pk} {signoff.kind_label}[/]: {signoff.subject_label} ({signoff.status})")
    out.print(signoff.summary)
    out.print(f"needs: {' and '.join(' or '.join(r.upper() for r in slot) for slot in signoff.slots)}"
              f"{', different people' if signoff.distinct_people else ''}")
    for a in data["approvals"]:
        out.print(f"  {a['role'].upper()} {a['user']}: {'approved' if a['approved'] else 'refused'} {a['at']}"
                  f" {a['comment']}")
    if signoff.close_reason:
        out.print(f"closed: {signoff.close_reason}")


@decisions_app.command("list")
def decisions_list(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Decisions on the log, newest first (at most 200)."""
    from accord.cli.context import acting_user, django_ready, new_table, out, user_errors

    django_ready()
    from accord.governance import selectors

    with user_errors():
        rows = list(selectors.decisions_visible_to(acting_user(token))[:200])
    if as_json:
        typer.echo(json.dumps([{"id": d.pk, "question": d.question, "outcome": d.outcome, "rationale": d.rationale,
                                "options": d.options, "figures": d.figures, "decided_by": str(d.decided_by),
                                "decided_on": d.decided_on.isoformat(), "reverses": d.reverses_id,
                                "subject": d.subject_label, "url": d.subject_url} for d in rows], indent=2,
                              default=str))
        return
    table = new_table("#", "day", "question", "outcome", "by")
    for d in rows:
        table.add_row(str(d.pk), d.decided_on.isoformat(), d.question[:70], d.outcome[:90]
                      + (f" (reverses #{d.reverses_id})" if d.reverses_id else ""), str(d.decided_by))
    out.print(table)


def inbox(
    unread: Annotated[bool, typer.Option("--unread", help="only what you have not read")] = False,
    mark_read: Annotated[bool, typer.Option("--mark-read", help="mark everything shown as read")] = False,
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Your notifications, newest first (at most 50)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.notifications import selectors, services

    with user_errors():
        actor = acting_user(token)
        mine = selectors.inbox_of(actor)
        rows = list((mine.filter(read_at__isnull=True) if unread else mine)[:50])
        if mark_read and rows:
            services.mark_read(actor=actor, notification_ids=[n.pk for n in rows])
    if as_json:
        typer.echo(json.dumps([{"id": n.pk, "event": n.event, "title": n.title, "body": n.body, "url": n.url,
                                "created_at": n.created_at.isoformat(), "read": n.read_at is not None}
                               for n in rows], indent=2))
        return
    if not rows:
        out.print("Nothing in your inbox." if not unread else "Nothing unread.")
    for n in rows:
        out.print(f"{'' if n.read_at else '[bold]● '}{n.created_at:%Y-%m-%d %H:%M} {n.title}{'' if n.read_at else '[/]'}"
                  f"  {n.url}")
