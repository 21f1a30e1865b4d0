"""accord csf ...: the NIST CSF 2.0 profile: catalogue, OSCAL, assessments, benchmark, gaps.

`accord csf catalogue` reads the CSF 2.0 core Accord ships and needs neither a database nor a token;
every other command acts as the user of the token (`accord login`). Figures are the selectors' own
(accord.posture.selectors), so they match the /posture/ pages and the API to the digit.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from accord.cli.context import acting_user, django_ready, fail, new_table, out, user_errors

app = typer.Typer(help="The NIST CSF 2.0 profile: catalogue, OSCAL, assessments, benchmark, gaps.", no_args_is_help=True)
benchmark_app = typer.Typer(help="Benchmark profiles per industry and size.", no_args_is_help=True)
app.add_typer(benchmark_app, name="benchmark")

TOKEN = typer.Option(None, "--token", help="personal API token (default: ACCORD_TOKEN or `accord login`)")
AS_JSON = typer.Option("--json", help="print one JSON document")
MODE = typer.Option("mean", "--mode", help="mean, or strict (all-or-nothing, as C2M2 levels)")
NO_VALUE = "\u2013"


@app.callback()
def _csf() -> None:
    """The NIST CSF 2.0 profile: catalogue, OSCAL, assessments, benchmark, gaps."""


def _dump(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, default=str))


def _figure(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.2f}"


def _existing(file: Path) -> Path:
    if not file.is_file():
        fail(f"{file}: no such file")
    return file


@app.command("catalogue")
def catalogue(
    framework: str = typer.Option("csf-2.0", "--framework", help="csf-2.0, or the key of an imported framework"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """The framework's functions, categories and subcategories (CSF 2.0 with NIST's informative references)."""
    if framework == "csf-2.0":
        from accord.posture.frameworks import csf

        found = csf()
    else:
        django_ready()
        from accord.posture import selectors

        with user_errors():
            found = selectors.framework_by_key(acting_user(token), framework)
    if as_json:
        _dump(found.as_document())
        return
    counts = found.counts()
    table = new_table("id", "title", "references", title=f"{found.title} (version {found.version}): {counts['functions']} "
                  f"functions, {counts['categories']} categories, {counts['subcategories']} subcategories")
    for function in found.functions:
        table.add_row(f"[bold]{function.id}[/]", f"[bold]{function.title}[/] ({len(function.subcategories)} subcategories)", "")
        for category in function.categories:
            table.add_row(f"  {category.id}", category.title, "")
            for sub in category.subcategories:
                refs = found.references.get(sub.id, {})
                table.add_row(f"    {sub.id}", sub.title, "; ".join(f"{k}: {', '.join(v)}" for k, v in refs.items()))
    out.print(table)


@app.command("import-oscal")
def import_oscal(
    file: Path = typer.Argument(..., help="an OSCAL catalogue in JSON"),
    key: str = typer.Option(..., "--key", help="short id for the framework, e.g. csf-2.1"),
    token: str | None = TOKEN,
) -> None:
    """Import an OSCAL catalogue as a further framework (validated against the OSCAL catalogue schema)."""
    _existing(file)
    django_ready()
    from accord.posture import selectors, services

    with user_errors(), file.open("rb") as handle:
        actor = acting_user(token)
        row = services.import_oscal_catalogue(actor=actor, file=handle, filename=file.name, key=key)
        counts = selectors.framework_by_key(actor, row.key).counts()
    out.print(f"[green]✔[/] {row.title} imported as {row.key}: {counts['functions']} functions, "
              f"{counts['categories']} categories, {counts['subcategories']} subcategories")


def _assessment_rows(assessments: Any) -> list[dict[str, Any]]:
    return [{"id": a.pk, "title": a.title, "framework": a.framework_key, "assessed_on": a.assessed_on.isoformat(),
             "tier": a.tier, "tier_label": a.get_tier_display() if a.tier else None} for a in assessments]


@app.command("assessments")
def assessments(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Assessments, newest first."""
    django_ready()
    from accord.posture import selectors

    with user_errors():
        rows = _assessment_rows(selectors.assessments(acting_user(token))[:500])
    if as_json:
        _dump(rows)
        return
    table = new_table("id", "title", "framework", "assessed on", "tier", title="Assessments")
    for r in rows:
        table.add_row(str(r["id"]), r["title"], r["framework"], r["assessed_on"], r["tier_label"] or NO_VALUE)
    out.print(table)


@app.command("new-assessment")
def new_assessment(
    title: str,
    assessed_on: str = typer.Option(..., "--on", help="the day the profile describes, YYYY-MM-DD"),
    tier: int | None = typer.Option(None, "--tier", help="the organisation's CSF tier, 1 to 4"),
    framework: str = typer.Option("csf-2.0", "--framework"),
    copy_from: int | None = typer.Option(None, "--copy-from", help="start with this assessment's scores"),
    notes: str = typer.Option("", "--notes"),
    token: str | None = TOKEN,
) -> None:
    """Start an assessment (optionally from the scores of an earlier one)."""
    django_ready()
    from accord.posture import selectors, services

    with user_errors():
        actor = acting_user(token)
        source = selectors.assessment_by_id(actor, copy_from) if copy_from else None
        created = services.create_assessment(actor=actor, title=title, assessed_on=_day(assessed_on, "--on"),
                                             tier=tier, framework_key=framework, notes=notes, copy_from=source)
    out.print(f"[green]✔[/] assessment {created.pk} created: {created}")


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: {text!r} is not a day (YYYY-MM-DD)")


@app.command("score")
def score(
    assessment_id: int,
    subcategory: str,
    current: int | None = typer.Option(None, "--current", help="0 to 4"),
    target: int | None = typer.Option(None, "--target", help="0 to 4"),
    evidence: str = typer.Option("", "--evidence"),
    owner: str | None = typer.Option(None, "--owner", help="username of who owns the outcome"),
    scored_on: str | None = typer.Option(None, "--on", help="default: today"),
    token: str | None = TOKEN,
) -> None:
    """Score one subcategory of an assessment: current and target (0 to 4), evidence, owner, day."""
    django_ready()
    from accord.posture import selectors, services

    with user_errors():
        actor = acting_user(token)
        found = selectors.assessment_by_id(actor, assessment_id)
        person = None
        if owner:
            from accord.accounts import selectors as accounts

            person = accounts.user_by_username(actor, owner)
        saved = services.set_score(actor=actor, assessment=found, subcategory=subcategory, current=current,
                                   target=target, evidence=evidence, owner=person,
                                   scored_on=_day(scored_on, "--on") if scored_on else None)
    out.print(f"[green]✔[/] {saved.subcategory}: current {saved.current if saved.current is not None else NO_VALUE}, "
              f"target {saved.target if saved.target is not None else NO_VALUE} (scored on {saved.scored_on})")


@app.command("export-oscal")
def export_oscal(
    assessment_id: int,
    output: Path | None = typer.Option(None, "--out", help="write here (default: standard output)"),
    token: str | None = TOKEN,
) -> None:
    """The assessment as OSCAL assessment results (JSON)."""
    django_ready()
    from accord.posture import selectors

    with user_errors():
        actor = acting_user(token)
        document = selectors.oscal_assessment_results(actor, selectors.assessment_by_id(actor, assessment_id))
    text = json.dumps(document, indent=2)
    if output is None:
        typer.echo(text)
        return
    output.write_text(text + "\n", encoding="utf-8")
    out.print(f"[green]✔[/] {output}: OSCAL assessment results of assessment {assessment_id}")


@app.command("import-results")
def import_results(file: Path = typer.Argument(..., help="OSCAL assessment results written by export-oscal"),
                   token: str | None = TOKEN) -> None:
    """Create an assessment from OSCAL assessment results (e.g. exported from another Accord)."""
    _existing(file)
    django_ready()
    from accord.posture import services

    with user_errors(), file.open("rb") as handle:
        created = services.import_assessment_results(actor=acting_user(token), file=handle, filename=file.name)
    out.print(f"[green]✔[/] assessment {created.pk} created from {file.name}: {created}")


def _benchmark_or_default(viewer: Any, key: str, framework_key: str) -> Any:
    from accord.posture import selectors

    return selectors.benchmark_by_key(viewer, key) if key else selectors.default_benchmark(viewer, framework_key)


@app.command("gaps")
def gaps(
    assessment_id: int | None = typer.Option(None, "--assessment", help="default: the latest CSF 2.0 assessment"),
    benchmark: str = typer.Option("", "--benchmark", help="benchmark key (default: imported, else synthetic)"),
    mode: str = MODE,
    categories: bool = typer.Option(False, "--categories", help="also every category"),
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Gap to target and to benchmark per function (and category), with the initiatives that advance each."""
    django_ready()
    from accord.posture import selectors

    with user_errors():
        actor = acting_user(token)
        found = selectors.assessment_by_id(actor, assessment_id) if assessment_id else selectors.latest_assessment(actor)
        if found is None:
            fail("no CSF 2.0 assessment yet: start one with `accord csf new-assessment`", code=4)
        document = selectors.profile(actor, found, benchmark=_benchmark_or_default(actor, benchmark, found.framework_key),
                                     mode=mode).as_document()
    if as_json:
        _dump(document)
        return
    bench = document["benchmark"]
    a = document["assessment"]
    out.print(f"{a['title']} of {a['assessed_on']} ({a['tier_label'] or 'no tier'}); scores 0 to 4, {mode} roll-up; "
              f"benchmark: {bench['label'] if bench else 'none'}")
    rows = [document["overall"], *document["functions"], *(document["categories"] if categories else [])]
    table = new_table("id", "title", "current", "target", "benchmark", "gap to target", "gap to benchmark", "scored",
                  "initiatives", title=f"Gaps as of {document['as_of']}")
    for r in rows:
        links = ", ".join(i["title"] for i in r.get("initiatives", []))
        table.add_row(r["id"], r["title"], _figure(r["current"]), _figure(r["target"]), _figure(r["benchmark"]),
                      _figure(r["gap_to_target"]), _figure(r["gap_to_benchmark"]), f"{r['scored']}/{r['total']}", links)
    out.print(table)


@app.command("compare")
def compare(
    ids: list[int] = typer.Argument(None, help="assessment ids (default: every CSF 2.0 assessment)"),
    mode: str = MODE,
    as_json: Annotated[bool, AS_JSON] = False,
    token: str | None = TOKEN,
) -> None:
    """Assessments side by side, oldest first: each function's current level."""
    django_ready()
    from accord.posture import selectors

    with user_errors():
        actor = acting_user(token)
        chosen = selectors.assessments_by_ids(actor, ",".join(str(i) for i in ids or []))
        document = selectors.comparison(actor, chosen, mode=mode).as_document()
    if as_json:
        _dump(document)
        return
    table = new_table("function", *(f"{a['title']}\n{a['assessed_on']}" for a in document["assessments"]),
                  title=f"Current level over time (scores 0 to 4, {mode} roll-up)")
    for row in document["functions"]:
        table.add_row(f"{row['id']} {row['title']}", *(_figure(v) for v in row["current"]))
    table.add_row("[bold]overall[/]", *(_figure(v) for v in document["overall"]))
    out.print(table)


@benchmark_app.command("list")
def benchmark_list(as_json: Annotated[bool, AS_JSON] = False, token: str | None = TOKEN) -> None:
    """Benchmark profiles: imported ones, then the synthetic one Accord ships."""
    django_ready()
    from accord.posture import selectors

    with user_errors():
        found = [b.as_dict() for b in selectors.benchmarks(acting_user(token))]
    if as_json:
        _dump(found)
        return
    table = new_table("key", "title", "industry", "size", "as of", "source", title="Benchmarks")
    for b in found:
        table.add_row(b["key"], b["label"], b["industry"], b["size"], b["as_of"], b["source"])
    out.print(table)


@benchmark_app.command("import")
def benchmark_import(file: Path = typer.Argument(..., help="a benchmark profile (JSON, see docs/posture.md)"),
                     token: str | None = TOKEN) -> None:
    """Import a benchmark profile (e.g. your sector's information-sharing centre's); same key replaces."""
    _existing(file)
    django_ready()
    from accord.posture import services

    with user_errors(), file.open("rb") as handle:
        row = services.import_benchmark(actor=acting_user(token), file=handle, filename=file.name)
    out.print(f"[green]✔[/] benchmark {row.key} loaded: {row} ({len(row.values)} values, as of {row.as_of})")
