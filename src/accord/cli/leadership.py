"""accord leadership ...: the CISO's time, skills and mentoring, the technology radar.

`time log` and `time show` keep and read your weekly time log; `skills` reads and edits skills plans
(your own, your mentees', every plan for the CISO and the CIO); `radar` lists entries and lets one
leader propose a stance that the other agrees. Each read takes --json and prints the API's document.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

import typer

from accord.cli.context import acting_user, django_ready, new_table, out, user_errors

app = typer.Typer(help="Leadership: the CISO's time, skills and mentoring, the technology radar.", no_args_is_help=True)
time_app = typer.Typer(help="Your weekly time log: hours by activity, strategic or tactical.", no_args_is_help=True)
skills_app = typer.Typer(help="Skills plans: assessments, goals, mentors, learning; the team's gaps.",
                         no_args_is_help=True)
radar_app = typer.Typer(help="The technology radar: entries and their joint stance.", no_args_is_help=True)
app.add_typer(time_app, name="time")
app.add_typer(skills_app, name="skills")
app.add_typer(radar_app, name="radar")

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document")


@app.callback()
def _leadership() -> None:
    """Leadership: the CISO's time, skills and mentoring, the technology radar."""


def _dump(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def _hours(value: Any) -> str:
    from accord.leadership.selectors import hours_text

    return hours_text(value)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


# The time log --------------------------------------------------------------------------------------

@time_app.command("log")
def time_log(
    week: str = typer.Option(..., help="ISO week, e.g. 2026-W48 (or a date inside it)"),
    activity: str = typer.Option(..., help="what the time went to"),
    hours: str = typer.Option(..., help="hours that week (0-168)"),
    nature: str = typer.Option(..., help="strategic or tactical"),
    handoff: str = typer.Option("keep", help="keep, delegable or outsourceable"),
    note: str = typer.Option("", help="a short note"),
    token: str | None = TOKEN,
) -> None:
    """Set the hours of one activity in one week of your own time log."""
    django_ready()
    from accord.leadership import services, weeks

    with user_errors():
        entry = services.log_time(actor=acting_user(token), week=week, activity=activity, hours=hours, nature=nature,
                                  handoff=handoff, note=note)
    out.print(f"{weeks.label(entry.week)}: {entry.activity}, {_hours(entry.hours)} h {entry.nature} ({entry.handoff}).")


@time_app.command("show")
def time_show(
    owner: str = typer.Option("", help="username of a log shared with you (default: your own)"),
    weeks_count: int = typer.Option(8, "--weeks", min=1, max=104, help="how many ISO weeks, ending with this one"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """The strategic/tactical split per week and the delegation candidates."""
    django_ready()
    from accord.core.errors import NotFound
    from accord.leadership import documents, selectors

    with user_errors():
        actor = acting_user(token)
        owners = {o.username: o.pk for o in selectors.time_logs_visible_to(actor)} | {actor.username: actor.pk}
        name = owner or actor.username
        if name not in owners:
            raise NotFound("time log of", name)
        document = documents.time_report_document(selectors.time_report(actor, owners[name], count=weeks_count), name)
    if as_json:
        _dump(document)
        return
    table = new_table("week", "strategic h", "tactical h", "total h", "strategic share",
                  title=f"Time log of {name}, {document['first_week']} to {document['last_week']} "
                        f"(as of {document['as_of']})")
    for week in document["weeks"]:
        table.add_row(week["week"], _hours(week['strategic_hours']), _hours(week['tactical_hours']),
                      _hours(week['total_hours']), _percent(week["strategic_share_percent"]))
    table.add_row("all", _hours(document['strategic_hours']), "", _hours(document['total_hours']),
                  _percent(document["strategic_share_percent"]), style="bold")
    out.print(table)
    candidates = new_table("#", "activity", "hand-off", "hours", "tactical h", "share if handed off", "cumulative",
                       title="Delegation candidates (most strategic hours freed first)")
    for rank, c in enumerate(document["delegation_candidates"], start=1):
        candidates.add_row(str(rank), c["activity"], c["handoff"], _hours(c['hours']), _hours(c['tactical_hours']),
                           _percent(c["strategic_share_if_handed_off_percent"]),
                           _percent(c["cumulative_strategic_share_percent"]))
    out.print(candidates)
    out.print(document["formula"], highlight=False)


@time_app.command("share")
def time_share(reader: str, token: str | None = TOKEN) -> None:
    """Let another user read your time log."""
    django_ready()
    from accord.accounts import selectors as accounts
    from accord.leadership import services

    with user_errors():
        actor = acting_user(token)
        services.share_time_log(actor=actor, reader=accounts.user_by_username(actor, reader))
    out.print(f"Your time log is shared with {reader}.")


@time_app.command("unshare")
def time_unshare(reader: str, token: str | None = TOKEN) -> None:
    """Stop sharing your time log with a user."""
    django_ready()
    from accord.accounts import selectors as accounts
    from accord.leadership import services

    with user_errors():
        actor = acting_user(token)
        removed = services.unshare_time_log(actor=actor, reader=accounts.user_by_username(actor, reader))
    out.print(f"No longer shared with {reader}." if removed else f"It was not shared with {reader}.")


# Skills ---------------------------------------------------------------------------------------------------

@skills_app.command("catalogue")
def skills_catalogue(as_json: Annotated[bool, AS_JSON] = False) -> None:
    """The skill catalogue: technical and business skills, and what each level means."""
    django_ready()
    from accord.leadership import documents

    document = documents.catalogue_document()
    if as_json:
        _dump(document)
        return
    table = new_table("key", "kind", "skill", "description", title="Skill catalogue (levels 0-4)")
    for skill in document["skills"]:
        table.add_row(skill["key"], skill["kind"], skill["name"], skill["description"])
    out.print(table)
    for level, meaning in document["levels"].items():
        out.print(f"{level}: {meaning}", highlight=False)


@skills_app.command("plan")
def skills_plan(
    person: str = typer.Argument("", help="username (default: you)"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """A skills plan: levels and gaps, goals, mentors, learning."""
    django_ready()
    from accord.leadership import documents, selectors

    with user_errors():
        actor = acting_user(token)
        document = documents.plan_document(selectors.plan_of_username(actor, person or actor.username))
    if as_json:
        _dump(document)
        return
    table = new_table("skill", "kind", "target", "self", "mentor", "gap",
                  title=f"Skills plan of {document['person']} ({document['title']})")
    for line in document["skills"]:
        table.add_row(line["name"], line["kind"], str(line["target"]), _level(line["self_level"]),
                      _level(line["mentor_level"]), "not assessed" if line["gap"] is None else str(line["gap"]))
    out.print(table)
    track = document["goals_on_track"]
    out.print(f"Goals on track: {_percent(track['percent'])} ({track['on_track']} of {track['counted']}, "
              f"{track['overdue']} overdue; as of {track['as_of']})", highlight=False)
    for goal in document["goals"]:
        flag = " OVERDUE" if goal["overdue"] else ""
        out.print(f"  #{goal['id']} {goal['title']} (due {goal['due_on']}, {goal['status']}){flag}", highlight=False)
    for mentor in document["mentors"]:
        until = f" to {mentor['ended_on']}" if mentor["ended_on"] else ""
        out.print(f"Mentor: {mentor['mentor']}{' (external)' if mentor['external'] else ''}, since "
                  f"{mentor['started_on']}{until}: {mentor['focus']}", highlight=False)
    out.print(f"Learning in the last 365 days: {_hours(document['learning_hours_last_365_days'])} hours", highlight=False)


def _level(value: int | None) -> str:
    return "—" if value is None else str(value)


@skills_app.command("gaps")
def skills_gaps(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """The team's gaps per skill (the CISO and the CIO)."""
    django_ready()
    from accord.leadership import documents, selectors

    with user_errors():
        document = documents.team_gaps_document(selectors.team_gaps(acting_user(token)))
    if as_json:
        _dump(document)
        return
    table = new_table("skill", "kind", "total gap (levels)", "people short", "not assessed", "who",
                  title="The team's skill gaps (gap = target - assessed)")
    for gap in document:
        table.add_row(gap["name"], gap["kind"], str(gap["total_gap"]), str(gap["people_short"]),
                      str(gap["not_assessed"]), ", ".join(f"{p['person']} {p['gap']}" for p in gap["people"]))
    out.print(table)


@skills_app.command("assess")
def skills_assess(
    person: str, skill: str,
    target: int | None = typer.Option(None, help="target level 0-4 (leaders)"),
    self_level: int | None = typer.Option(None, "--self", help="your own level 0-4 (the person)"),
    mentor_level: int | None = typer.Option(None, "--mentor", help="the mentor's view 0-4 (their mentor)"),
    token: str | None = TOKEN,
) -> None:
    """Set a skill's target, own level or mentor's level."""
    django_ready()
    from accord.leadership import selectors, services

    with user_errors():
        actor = acting_user(token)
        row = services.assess_skill(actor=actor, plan=selectors.plan_of_username(actor, person), skill=skill,
                                    target=target, self_level=self_level, mentor_level=mentor_level)
    out.print(f"{person} {row.skill}: target {row.target}, self {_level(row.self_level)}, "
              f"mentor {_level(row.mentor_level)}.", highlight=False)


@skills_app.command("goal")
def skills_goal(
    person: str, title: str,
    due: str = typer.Option(..., help="due day YYYY-MM-DD"),
    skill: str = typer.Option("", help="skill key it develops"),
    token: str | None = TOKEN,
) -> None:
    """Add a development goal to a plan."""
    django_ready()
    from accord.core.errors import ValidationFailed
    from accord.leadership import selectors, services

    with user_errors():
        try:
            due_on = date.fromisoformat(due)
        except ValueError:
            raise ValidationFailed.field("due", f"{due!r} is not a date (YYYY-MM-DD)") from None
        actor = acting_user(token)
        goal = services.add_goal(actor=actor, plan=selectors.plan_of_username(actor, person), title=title,
                                 due_on=due_on, skill=skill)
    out.print(f"Goal #{goal.pk} added, due {goal.due_on}.")


@skills_app.command("mentor")
def skills_mentor(
    person: str,
    mentor: str = typer.Option("", help="username of a colleague"),
    external: str = typer.Option("", help="name of an external mentor"),
    organisation: str = typer.Option("", help="the external mentor's organisation"),
    focus: str = typer.Option("", help="what the mentoring is about"),
    token: str | None = TOKEN,
) -> None:
    """Pair a person with a mentor (the CISO and the CIO)."""
    django_ready()
    from accord.accounts import selectors as accounts
    from accord.leadership import selectors, services

    with user_errors():
        actor = acting_user(token)
        row = services.add_mentorship(
            actor=actor, plan=selectors.plan_of_username(actor, person),
            mentor=accounts.user_by_username(actor, mentor) if mentor else None, external_name=external,
            external_organisation=organisation, focus=focus)
    out.print(f"{row.mentor_name} mentors {person} from {row.started_on}.")


# The radar --------------------------------------------------------------------------------------------------

@radar_app.command("list")
def radar_list(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Every entry with its agreed stance, a pending proposal and its security prerequisites."""
    django_ready()
    from accord.leadership import selectors

    with user_errors():
        actor = acting_user(token)
        document = [selectors.radar_document(e, actor) for e in selectors.radar_entries(actor)]
    if as_json:
        _dump(document)
        return
    table = new_table("id", "entry", "quadrant", "stance", "proposed", "security prerequisites", title="Technology radar")
    for e in document:
        table.add_row(str(e["id"]), e["name"], e["quadrant"], e["stance"] or "not agreed", e["proposed_stance"] or "",
                      "; ".join(e["prerequisites"]))
    out.print(table)


@radar_app.command("add")
def radar_add(
    name: str,
    quadrant: str = typer.Option(..., help="platforms, tools, techniques or roadmap"),
    description: str = typer.Option("", help="what it is"),
    prerequisite: list[str] = typer.Option([], help="a security prerequisite (repeat)"),
    project: str = typer.Option("", help="IT project id or slug"),
    review: int | None = typer.Option(None, help="review id"),
    initiative: str = typer.Option("", help="initiative slug"),
    token: str | None = TOKEN,
) -> None:
    """Put a technology or a roadmap item on the radar (no stance until both leaders agree one)."""
    django_ready()
    from accord.leadership import documents, services

    with user_errors():
        actor = acting_user(token)
        fields = documents.radar_fields(actor, {
            "name": name, "quadrant": quadrant, "description": description, "prerequisites": list(prerequisite),
            "project": project or None, "review_id": review, "initiative": initiative or None})
        entry = services.create_radar_entry(actor=actor, **fields)
    out.print(f"Radar entry #{entry.pk} {entry.name} added.")


@radar_app.command("propose")
def radar_propose(entry_id: int, stance: str, reason: str = typer.Option("", help="why"),
                  token: str | None = TOKEN) -> None:
    """Propose a stance (adopt, trial, assess, hold); the other leader agrees."""
    django_ready()
    from accord.leadership import selectors, services

    with user_errors():
        actor = acting_user(token)
        entry = services.propose_stance(actor=actor, entry=selectors.radar_entry_by_id(actor, entry_id), stance=stance,
                                        reason=reason)
    out.print(f"{entry.name}: {entry.proposed_stance} proposed (sign-off #{entry.signoff_id}); the other leader agrees.")


@radar_app.command("agree")
def radar_agree(entry_id: int, comment: str = typer.Option("", help="a comment"), token: str | None = TOKEN) -> None:
    """Agree the stance the other leader proposed."""
    django_ready()
    from accord.leadership import selectors, services

    with user_errors():
        actor = acting_user(token)
        entry = services.agree_stance(actor=actor, entry=selectors.radar_entry_by_id(actor, entry_id), comment=comment)
    out.print(f"{entry.name}: stance {entry.stance or 'not agreed yet'}.")
