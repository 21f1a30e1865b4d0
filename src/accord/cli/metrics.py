"""accord metrics ...: the joint scorecard: KPIs, KRIs, snapshots, the partnership review.

`show` and `partnership` print the same figures as the pages and the API (`--json`: the API's
document). `snapshot` takes this month's snapshot now; `thresholds` shows, proposes, agrees or
withdraws the KRI thresholds; `retrospective` records a leader's retrospective of a quarter.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from accord.cli.context import acting_user, django_ready, fail, new_table, out, user_errors

app = typer.Typer(help="The joint scorecard: KPIs, KRIs, snapshots, the partnership review.", no_args_is_help=True)
thresholds_app = typer.Typer(help="KRI thresholds (one leader proposes, the other agrees).", no_args_is_help=True)
app.add_typer(thresholds_app, name="thresholds")

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document (the API's)")
STATUS_STYLE = {"red": "bold red", "amber": "yellow", "green": "green"}


@app.callback()
def _metrics() -> None:
    """The joint scorecard: KPIs, KRIs, snapshots, the partnership review."""


def _dump(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


@app.command("show")
def show(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Every KPI and KRI now, with its status, formula and the records behind it."""
    django_ready()
    from accord.metrics import selectors

    with user_errors():
        card = selectors.scorecard(acting_user(token))
    if as_json:
        _dump(selectors.scorecard_document(card))
        return
    table = new_table("metric", "kind", "value", "status", "behind it", title=f"Joint scorecard as of {card.as_of}")
    for m in card.metrics:
        limits = f" [{m.thresholds}{'' if m.thresholds_agreed else ', default'}]" if m.thresholds else ""
        table.add_row(f"{m.label} ({m.key})", m.kind.upper(), m.display, m.status or "-",
                      f"{m.detail}{limits}".strip(), style=STATUS_STYLE.get(m.status, ""))
    out.print(table)
    out.print("Formulas: `accord metrics show --json`, or the scorecard page.", highlight=False)


@app.command("snapshot")
def snapshot(token: str | None = TOKEN) -> None:
    """Take this month's snapshot now (it replaces the month's earlier one; the audit trail keeps it)."""
    django_ready()
    from accord.metrics import services

    with user_errors():
        taken = services.take_snapshot(actor=acting_user(token))
    red = [key for key, entry in taken.values.items() if entry.get("status") == "red"]
    out.print(f"[green]✔[/] snapshot of {taken.month:%Y-%m} taken as of {taken.as_of}: {len(taken.values)} metrics"
              + (f", red: {', '.join(red)}" if red else ""), highlight=False)


@app.command("partnership")
def partnership(
    quarter: str = typer.Option(..., "--quarter", help="e.g. 2026Q4"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """The partnership review of a quarter: its figures, conflicts, retrospectives and trend."""
    django_ready()
    from accord.metrics import selectors

    with user_errors():
        document = selectors.partnership_document(acting_user(token), quarter)
    if as_json:
        _dump(document)
        return
    table = new_table("figure", document["quarter"], title=f"Partnership review {document['quarter']} "
                                                       f"({document['start']} to {document['end']}, "
                                                       f"as of {document['as_of']})")
    for row in document["figures"]:
        table.add_row(row["label"], row["figure"])
    out.print(table)
    for c in document["conflicts"]:
        resolved = f"resolved {c['resolved_on']} ({c['days']} days)" if c["resolved_on"] else "open"
        out.print(f"conflict: {c['title']} ({c['source']}), raised {c['raised_on']}, {resolved}", highlight=False)
    for r in document["retrospectives"]:
        out.print(f"retrospective by {r['recorded_by']} ({r['recorded_role'].upper()}): worked: {r['worked']} | "
                  f"strained: {r['strained']} | actions: {len(r['actions'])}", highlight=False)


def _action(text: str) -> dict[str, Any]:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) != 3:
        fail(f"--action {text!r}: give TITLE|OWNER|YYYY-MM-DD")
    try:
        due = date.fromisoformat(parts[2])
    except ValueError:
        fail(f"--action {text!r}: {parts[2]!r} is not a date (YYYY-MM-DD)")
    return {"title": parts[0], "owner": parts[1], "due_on": due}


@app.command("retrospective")
def retrospective(
    quarter: str = typer.Option(..., "--quarter", help="e.g. 2026Q4"),
    worked: str = typer.Option(..., help="what worked"),
    strained: str = typer.Option(..., help="what strained"),
    action: list[str] = typer.Option([], "--action", help="TITLE|OWNER|YYYY-MM-DD (repeat it)"),
    token: str | None = TOKEN,
) -> None:
    """Record your retrospective of a quarter (the CIO or the CISO) on the decision log."""
    django_ready()
    from accord.metrics import selectors, services

    actions = [_action(text) for text in action]
    with user_errors():
        actor = acting_user(token)
        resolved = [{**a, "owner": selectors.action_owner(a["owner"])} for a in actions]
        row = services.record_retrospective(actor=actor, quarter=quarter, worked=worked, strained=strained,
                                            actions=resolved)
    out.print(f"[green]✔[/] retrospective of {row.quarter} recorded: decision #{row.decision_id}, "
              f"{len(row.actions)} action(s)", highlight=False)


@thresholds_app.command("show")
def thresholds_show(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Each KRI's thresholds in force (agreed, or the defaults) and a pending proposal."""
    django_ready()
    from accord.metrics import registry, selectors

    with user_errors():
        state = selectors.threshold_state(acting_user(token))
    rows = [{"key": d.key, "label": d.label, **state.effective[d.key].as_dict(),
             "in_words": state.effective[d.key].in_words(d.unit), "agreed": state.agreed(d.key)}
            for d in registry.kris()]
    pending = state.pending
    if as_json:
        _dump({"in_force": rows, "active": state.active.pk if state.active else None,
               "pending": {"id": pending.pk, "thresholds": pending.thresholds, "by": pending.proposed_by.username}
               if pending else None})
        return
    table = new_table("KRI", "thresholds", "set by", title="KRI thresholds in force")
    for row in rows:
        table.add_row(f"{row['label']} ({row['key']})", row["in_words"], "agreed" if row["agreed"] else "default")
    out.print(table)
    if pending:
        out.print(f"pending proposal #{pending.pk} by {pending.proposed_by} ({pending.proposed_role.upper()}): "
                  f"`accord metrics thresholds agree {pending.pk}`", highlight=False)


def _threshold(text: str) -> tuple[str, dict[str, Any]]:
    key, _, limits = text.partition("=")
    amber, _, red = limits.partition(":")
    if not key or not amber or not red:
        fail(f"--set {text!r}: give KEY=AMBER:RED, e.g. kev_past_due=1:10")
    return key.strip(), {"amber": amber.strip(), "red": red.strip()}


@thresholds_app.command("propose")
def thresholds_propose(
    set_: list[str] = typer.Option(..., "--set", help="KEY=AMBER:RED (repeat it); the others keep theirs"),
    reason: str = typer.Option(""),
    token: str | None = TOKEN,
) -> None:
    """Propose thresholds (the CISO or the CIO); in force when the other leader agrees."""
    django_ready()
    from accord.metrics import services

    given = dict(_threshold(text) for text in set_)
    with user_errors():
        row = services.propose_thresholds(actor=acting_user(token), thresholds=given, reason=reason)
    out.print(f"[green]✔[/] proposal #{row.pk}: in force when the other leader agrees "
              f"(`accord metrics thresholds agree {row.pk}`)", highlight=False)


@thresholds_app.command("agree")
def thresholds_agree(set_id: int, token: str | None = TOKEN) -> None:
    """Agree the other leader's proposal: it comes into force."""
    django_ready()
    from accord.metrics import selectors, services

    with user_errors():
        actor = acting_user(token)
        row = services.agree_thresholds(actor=actor, threshold_set=selectors.threshold_set_by_id(actor, set_id))
    out.print(f"[green]✔[/] KRI thresholds #{row.pk}: {row.get_status_display().lower()}", highlight=False)


@thresholds_app.command("withdraw")
def thresholds_withdraw(set_id: int, token: str | None = TOKEN) -> None:
    """Withdraw your proposal, or decline the other leader's."""
    django_ready()
    from accord.metrics import selectors, services

    with user_errors():
        actor = acting_user(token)
        row = services.withdraw_thresholds(actor=actor, threshold_set=selectors.threshold_set_by_id(actor, set_id))
    out.print(f"[green]✔[/] KRI thresholds #{row.pk}: {row.get_status_display().lower()}", highlight=False)
