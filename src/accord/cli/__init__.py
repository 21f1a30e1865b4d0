"""The `accord` command line: one Typer sub-app per domain, each a thin shell over services.

Commands that only run an engine on a file (risks simulate, patch plan, portfolio optimize, vulns
cvss/ssvc) do not touch Django; the others call `django_ready()` first.
"""

from __future__ import annotations

import typer

from accord.cli import (
    acceptances,
    audit,
    clocks,
    csf,
    culture,
    db,
    demo,
    desk,
    feeds,
    incidents,
    jobs,
    leadership,
    metrics,
    org,
    patch,
    portfolio,
    report,
    reviews,
    risks,
    serve,
    steering,
    users,
    vendors,
    vulns,
)

app = typer.Typer(
    name="accord",
    help="Accord: the shared decision desk of the CIO and the CISO.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(db.app, name="db")
app.command("serve")(serve.serve)
app.command("login")(users.login)
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")
app.add_typer(audit.app, name="audit")
app.add_typer(org.app, name="org")
app.add_typer(demo.app, name="demo")
app.add_typer(risks.app, name="risks")
app.add_typer(vulns.app, name="vulns")
app.add_typer(feeds.app, name="feeds")
app.add_typer(patch.app, name="patch")
app.add_typer(portfolio.app, name="portfolio")
app.add_typer(jobs.app, name="jobs")
app.command("worker")(jobs.worker)
app.command("tick")(jobs.tick)
app.command("desk")(desk.desk)
app.add_typer(desk.approvals_app, name="approvals")
app.add_typer(desk.decisions_app, name="decisions")
app.command("inbox")(desk.inbox)
app.add_typer(clocks.app, name="clocks")
app.add_typer(reviews.app, name="reviews")
app.add_typer(incidents.app, name="incidents")
app.add_typer(acceptances.app, name="acceptances")
app.add_typer(steering.app, name="steering")
app.add_typer(metrics.app, name="metrics")
app.add_typer(report.app, name="report")
app.add_typer(csf.app, name="csf")
app.add_typer(vendors.app, name="vendors")
app.add_typer(culture.app, name="culture")
app.add_typer(leadership.app, name="leadership")


def main() -> None:
    app()
