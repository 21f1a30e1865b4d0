"""accord steering ...: the steering committee: members, meetings, agenda, decisions, follow-ups.

`members`, `meetings`, `agenda [MEETING] [--build] [--add TITLE]`, `decide ITEM`, `actions [--close ID]`,
`pack [MEETING] [--pdf FILE]`, each with `--json` where it lists. MEETING defaults to the next meeting
still scheduled. Every command acts as the user of the personal token (`accord login`) through the
steering services, and prints the same figures as the pages and the API (`pack --json` is the API's
pack document).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from accord.cli.context import new_table

if TYPE_CHECKING:
    from accord.core.permissions import Actor

app = typer.Typer(help="The steering committee: members, meetings, agenda, decisions, follow-ups.",
                  no_args_is_help=True)
TOKEN = typer.Option(None, "--token", help="personal token (default: ACCORD_TOKEN or `accord login`)")
JSON = typer.Option(False, "--json", help="print one JSON document")
MEETING = typer.Argument(help="meeting id (default: the next meeting still scheduled)")


@app.callback()
def _steering() -> None:
    """The steering committee: members, meetings, agenda, decisions, follow-ups."""


def _dump(value: Any) -> None:
    from accord.core.audit import to_primitive

    typer.echo(json.dumps(to_primitive(value), indent=2, ensure_ascii=False))


def _meeting(actor: Actor, meeting_id: int | None) -> Any:
    from accord.cli.context import fail
    from accord.steering import selectors

    if meeting_id is not None:
        return selectors.meeting_by_id(actor, meeting_id)
    meeting = selectors.next_meeting(actor)
    if meeting is None:
        fail("no meeting is scheduled; give a meeting id", code=4)
    return meeting


@app.command("members")
def members_command(as_json: bool = JSON, token: str | None = TOKEN) -> None:
    """Who sits on the committee, in which seat."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.steering import selectors

    with user_errors():
        rows = list(selectors.members_visible_to(acting_user(token)))
    if as_json:
        _dump([{"id": m.pk, "username": m.user.username, "name": str(m.user), "seat": m.seat,
                "business_service": m.business_service.name if m.business_service is not None else None} for m in rows])
        return
    table = new_table("id", "member", "seat", "business unit")
    for m in rows:
        table.add_row(str(m.pk), str(m.user), m.get_seat_display(), m.business_service.name if m.business_service is not None
                      else "-")
    out.print(table)


@app.command("meetings")
def meetings_command(as_json: bool = JSON, token: str | None = TOKEN) -> None:
    """Meetings, newest first, with their status and how many agenda items are open."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.steering import selectors
    from accord.steering.models import ItemStatus

    with user_errors():
        actor = acting_user(token)
        rows = [(m, selectors.items_of(actor, m, status=ItemStatus.OPEN).count())
                for m in selectors.meetings_visible_to(actor)]
    if as_json:
        _dump([{"id": m.pk, "title": m.title, "starts_at": m.starts_at, "status": m.status, "open_items": n,
                "attendees": sorted(u.username for u in m.attendees.all())} for m, n in rows])
        return
    table = new_table("id", "meeting", "starts at", "status", "open items")
    for m, n in rows:
        table.add_row(str(m.pk), m.title, f"{m.starts_at:%Y-%m-%d %H:%M %Z}", m.status, str(n))
    out.print(table)


def _figures(document: dict[str, Any]) -> str:
    return "; ".join(f"{f['label']}: {f['value']}" for f in document["figures"])


@app.command("agenda")
def agenda_command(
    meeting_id: Annotated[int | None, MEETING] = None,
    build: Annotated[bool, typer.Option("--build", help="build or rebuild it from every source first")] = False,
    add: Annotated[str | None, typer.Option("--add", help="add an item by hand with this title")] = None,
    reason: Annotated[str, typer.Option("--reason", help="with --add: why it needs a joint decision")] = "",
    figure: Annotated[list[str] | None, typer.Option("--figure", help="with --add: 'label: figure with its unit'")] = None,
    as_json: bool = JSON,
    token: str | None = TOKEN,
) -> None:
    """A meeting's open agenda grouped by source, each item with its figures (the pack document)."""
    from accord.cli.context import acting_user, django_ready, fail, out, user_errors

    django_ready()
    from accord.steering import selectors, services

    with user_errors():
        actor = acting_user(token)
        meeting = _meeting(actor, meeting_id)
        if build:
            report = services.build_agenda(actor=actor, meeting=meeting)
            out.print(f"agenda built: {report.summary()}", highlight=False) if not as_json else None
        if add:
            pairs = []
            for line in figure or []:
                label, colon, value = line.partition(":")
                if not colon:
                    fail(f"--figure: write 'label: figure with its unit': {line!r}")
                pairs.append((label.strip(), value.strip()))
            item = services.add_item(actor=actor, meeting=meeting, title=add, reason=reason, figures=pairs)
            out.print(f"item #{item.pk} added", highlight=False) if not as_json else None
        document = selectors.pack_document(actor, meeting)
    if as_json:
        _dump(document)
        return
    out.print(f"[bold]{meeting.title}[/] {meeting.starts_at:%Y-%m-%d %H:%M %Z}: {document['item_count']} open items, "
              f"as of {document['as_of']}", highlight=False)
    for section in document["sections"]:
        table = new_table("item", "title", "figures", title=section["label"], show_lines=True)
        for item in section["items"]:
            table.add_row(str(item["id"]), item["title"], _figures(item))
        out.print(table)


def _action(text: str, index: int) -> Any:
    """'TITLE|USERNAME|YYYY-MM-DD' as a follow-up draft."""
    from accord.cli.context import fail
    from accord.steering import selectors, services

    parts = text.split("|")
    if len(parts) != 3:
        fail(f"--action: write 'title|owner username|YYYY-MM-DD': {text!r}")
    try:
        due = date.fromisoformat(parts[2].strip())
    except ValueError:
        fail(f"--action: not a date (YYYY-MM-DD): {parts[2]!r}")
    return services.FollowUpDraft(parts[0].strip(), selectors.assignable_user(f"follow_ups[{index}].owner",
                                                                               parts[1].strip()), due)


@app.command("decide")
def decide_command(
    item_id: Annotated[int, typer.Argument(help="agenda item id")],
    question: Annotated[str, typer.Option("--question")],
    outcome: Annotated[str, typer.Option("--outcome", help="what was decided")],
    rationale: Annotated[str, typer.Option("--rationale")] = "",
    option: Annotated[list[str] | None, typer.Option("--option", help="an option considered (repeat)")] = None,
    action: Annotated[list[str] | None, typer.Option("--action", help="a follow-up 'title|owner|YYYY-MM-DD' (repeat)")] = None,
    refer: Annotated[bool, typer.Option("--refer-to-board", help="ask the board to decide")] = False,
    reverses: Annotated[int | None, typer.Option("--reverses", help="the decision id this one reverses")] = None,
    as_json: bool = JSON,
    token: str | None = TOKEN,
) -> None:
    """Record the committee's decision on an agenda item on the append-only decision log."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.steering import selectors, services

    with user_errors():
        actor = acting_user(token)
        item = selectors.item_by_id(actor, item_id)
        drafts = [_action(text, k) for k, text in enumerate(action or [])]
        row = services.decide(actor=actor, item=item, question=question, outcome=outcome, rationale=rationale,
                              options=option or [], refer_to_board=refer, reverses_id=reverses, follow_ups=drafts)
    if as_json:
        document = selectors.decision_document(row)
        document["follow_ups"] = [{"id": a.pk, "title": a.title, "owner": a.owner.username, "due_on": a.due_on}
                                  for a in row.follow_ups]
        _dump(document)
        return
    out.print(f"decision #{row.decision.pk} recorded on item #{item.pk}"
              f"{' and referred to the board' if refer else ''}; {len(row.follow_ups)} follow-up action(s)",
              highlight=False)


@app.command("actions")
def actions_command(
    every: Annotated[bool, typer.Option("--all", help="done ones too")] = False,
    close: Annotated[int | None, typer.Option("--close", help="mark this action done")] = None,
    note: Annotated[str, typer.Option("--note", help="with --close: what was done")] = "",
    as_json: bool = JSON,
    token: str | None = TOKEN,
) -> None:
    """Follow-up actions (open ones, soonest due first), overdue ones marked; --close ID marks one done."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.core import clock
    from accord.steering import selectors, services

    with user_errors():
        actor = acting_user(token)
        if close is not None:
            done = services.close_follow_up(actor=actor, follow_up=selectors.follow_up_by_id(actor, close), note=note)
            out.print(f"action #{done.pk} done", highlight=False) if not as_json else None
        today = clock.today()
        rows = list(selectors.follow_ups_visible_to(actor, status="" if every else "open"))
    if as_json:
        _dump([{"id": a.pk, "title": a.title, "owner": a.owner.username, "due_on": a.due_on, "status": a.status,
                "overdue": selectors.is_overdue(a, today), "decision_id": a.decision_id} for a in rows])
        return
    table = new_table("id", "action", "owner", "due", "status", title=f"as of {today}")
    for a in rows:
        late = " OVERDUE" if selectors.is_overdue(a, today) else ""
        table.add_row(str(a.pk), a.title, str(a.owner), f"{a.due_on}{late}", a.status)
    out.print(table)


@app.command("pack")
def pack_command(
    meeting_id: Annotated[int | None, MEETING] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="print the PDF to this file")] = None,
    as_json: bool = JSON,
    token: str | None = TOKEN,
) -> None:
    """The steering pack of a meeting: its document (--json), or printed to a PDF (--pdf FILE)."""
    from accord.cli.context import acting_user, django_ready, out, user_errors

    django_ready()
    from accord.steering import selectors, services

    with user_errors():
        actor = acting_user(token)
        meeting = _meeting(actor, meeting_id)
        if pdf is not None:
            pack = services.render_pack(actor=actor, meeting=meeting)
            pdf.write_bytes(bytes(pack.pdf))
            out.print(f"steering pack #{pack.pk} written to {pdf} (sha256 {pack.sha256})", highlight=False)
            return
        document = selectors.pack_document(actor, meeting)
    if as_json:
        _dump(document)
        return
    out.print(f"[bold]Steering pack: {meeting.title}[/], as of {document['as_of']}: {document['item_count']} open "
              f"items, {len(document['follow_ups'])} open actions", highlight=False)
    for section in document["sections"]:
        out.print(f"\n[bold]{section['label']}[/]", highlight=False)
        for item in section["items"]:
            out.print(f"  #{item['id']} {item['title']}\n    {_figures(item)}", highlight=False)
