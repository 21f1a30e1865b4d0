"""accord audit ...: the hash-chained audit trail."""

from __future__ import annotations

from pathlib import Path

import typer

from accord.cli.context import acting_user, django_ready, new_table, out, user_errors

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@app.command()
def verify(
    anchor: str = typer.Option("", "--anchor", metavar="ROW:HASH",
                               help="A row number and its hash written down earlier (the board pack prints one): "
                                    "also fail when that row or any row before it was removed or changed."),
    anchor_file: str = typer.Option("", "--anchor-file", metavar="FILE",
                                    help="Take the anchor from the last line `accord audit anchor --to FILE` wrote."),
    token: str | None = typer.Option(None, "--token", help="Personal token (default: ACCORD_TOKEN)."),
) -> None:
    """Recompute the hash chain and report the first broken row."""
    django_ready()
    from accord.core.errors import ValidationFailed
    from accord.core.selectors import verify_audit_chain

    with user_errors():
        if anchor and anchor_file:
            raise ValidationFailed.field("anchor-file", "give --anchor or --anchor-file, not both")
        if anchor_file:
            from accord.core.anchors import latest_anchor_in

            anchor = latest_anchor_in(Path(anchor_file))
        report = verify_audit_chain(acting_user(token), anchor=anchor)
    if report.ok:
        held = f"; anchor row #{report.anchor.split(':')[0]} holds" if report.anchor else ""
        out.print(f"[green]✔[/] audit chain intact: {report.rows_checked} rows verified{held}")
        return
    out.print(f"[red]✘ audit chain broken at row #{report.first_broken_seq}[/]: {report.reason} "
              f"({report.rows_checked} rows verified before it)")
    raise typer.Exit(1)


@app.command()
def anchor(
    to: str = typer.Option("", "--to", metavar="FILE", help="Append the anchor to this file, one JSON line each."),
    webhook: str = typer.Option("", "--webhook", metavar="URL", help="POST the anchor as JSON to this address."),
    token: str | None = typer.Option(None, "--token", help="Personal token (default: ACCORD_TOKEN)."),
) -> None:
    """Export the chain's head (row number and hash, with the time and the database) as an anchor kept
    outside the database; without --to or --webhook, print it. `verify --anchor-file` reads it back."""
    django_ready()
    import json

    from accord.core.anchors import append_anchor, current_anchor, post_anchor

    with user_errors():
        document = current_anchor(acting_user(token))
        if to:
            append_anchor(document, Path(to))
            out.print(f"[green]✔[/] anchor {document['anchor']} appended to {to}", highlight=False)
        if webhook:
            status = post_anchor(document, webhook)
            out.print(f"[green]✔[/] anchor row #{document['row']} posted to {webhook} (HTTP {status})",
                      highlight=False)
    if not to and not webhook:
        print(json.dumps(document, sort_keys=True))  # plain stdout: meant for a pipe


@app.command("list")
def list_events(
    action: str = typer.Option("", help="Actions starting with this, e.g. 'asset.'"),
    actor: str = typer.Option("", help="Username."),
    limit: int = typer.Option(30, help="How many of the latest rows."),
    token: str | None = typer.Option(None, "--token"),
) -> None:
    """The latest audit rows."""
    django_ready()
    from accord.core.selectors import AuditFilter, audit_events_visible_to

    with user_errors():
        events = audit_events_visible_to(acting_user(token), AuditFilter(action=action, actor=actor))[:limit]
    table = new_table("#", "when (UTC)", "who", "action", "object")
    for e in events:
        table.add_row(str(e.seq), f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor_name, e.action,
                      f"{e.object_type}:{e.object_id} {e.object_repr}")
    out.print(table)
