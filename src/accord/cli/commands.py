"""Every top-level `accord` command: its name, where it lives and its one-line summary.

This table imports nothing, so `accord --help` can be printed from it alone, and a command's module is
imported only when that command runs (the modules together take longer to import than the 200 ms
`--help` may take). tests/cli/test_cli_startup.py checks each summary against the command's own help.
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class Entry(NamedTuple):
    name: str
    module: str  # under accord.cli
    attribute: str  # a Typer app (kind "group") or a command function (kind "command")
    kind: Literal["command", "group"]
    summary: str


PROGRAM_SUMMARY = "Accord: the shared decision desk of the CIO and the CISO."

COMMANDS: tuple[Entry, ...] = (
    Entry("serve", "serve", "serve", "command", "Migrate the database, collect static files and serve Accord."),
    Entry("login", "users", "login", "command",
          "Sign in with your password and save a personal token for this command line."),
    Entry("worker", "jobs", "worker", "command",
          "Run job consumers (with Redis: start one per machine; without it, `accord serve` runs them)."),
    Entry("tick", "jobs", "tick", "command",
          "Run the daily tick once now (expiries, reminders, digests); safe to run twice a day."),
    Entry("desk", "desk", "desk", "command", "Your home page's tiles and what waits for you, as on the web."),
    Entry("inbox", "desk", "inbox", "command", "Your notifications, newest first (at most 50)."),
    Entry("backup", "backup", "backup", "command", "Back up the database to FILE, consistently while the server runs."),
    Entry("restore", "backup", "restore", "command",
          "Restore the database from FILE; with --yes, over a database that holds data."),
    Entry("db", "db", "app", "group", "The database: bring it up to date."),
    Entry("user", "users", "user_app", "group", "Users and their roles."),
    Entry("token", "users", "token_app", "group", "Personal API tokens (for the API and this command line)."),
    Entry("two-factor", "two_factor", "app", "group",
          "The second factor: the roles that must have one, and resetting a lost one."),
    Entry("audit", "audit", "app", "group", "The audit trail."),
    Entry("org", "org", "app", "group", "Business services, teams, people and assets."),
    Entry("demo", "demo", "app", "group", "The demo organisation."),
    Entry("risks", "risks", "app", "group", "Quantified risk: Open FAIR Monte Carlo simulation."),
    Entry("vulns", "vulns", "app", "group", "Vulnerabilities: CVSS scores, SSVC decisions, scanner files."),
    Entry("feeds", "feeds", "app", "group", "Threat feeds (CISA KEV, FIRST EPSS) loaded from files."),
    Entry("patch", "patch", "app", "group", "Patch planner: schedule remediation into maintenance windows."),
    Entry("portfolio", "portfolio", "app", "group",
          "Security portfolio: budget-optimal selection and the spend-versus-risk frontier."),
    Entry("jobs", "jobs", "app", "group", "Jobs: long work in the background."),
    Entry("approvals", "desk", "approvals_app", "group",
          "Sign-offs: what waits for you, what is open, granted, voided, expired."),
    Entry("decisions", "desk", "decisions_app", "group", "The decision log (append-only)."),
    Entry("clocks", "clocks", "app", "group", "Clocks: business-time due moments and regulatory deadlines."),
    Entry("reviews", "reviews", "app", "group",
          "Security reviews of IT projects: roadmap, reviews on SLA clocks, pipeline gate."),
    Entry("incidents", "incidents", "app", "group",
          "Incidents: timeline, executive updates, briefings, regulatory clocks, exercises."),
    Entry("acceptances", "acceptances", "app", "group", "Risk acceptances and exceptions."),
    Entry("steering", "steering", "app", "group",
          "The steering committee: members, meetings, agenda, decisions, follow-ups."),
    Entry("metrics", "metrics", "app", "group", "The joint scorecard: KPIs, KRIs, snapshots, the partnership review."),
    Entry("report", "report", "app", "group", "Packs: the board pack."),
    Entry("csf", "csf", "app", "group", "The NIST CSF 2.0 profile: catalogue, OSCAL, assessments, benchmark, gaps."),
    Entry("vendors", "vendors", "app", "group", "The vendor register: tiers, assessments, review cadence."),
    Entry("culture", "culture", "app", "group", "Security culture: champions, awareness campaigns, stakeholders."),
    Entry("leadership", "leadership", "app", "group",
          "Leadership: the CISO's time, skills and mentoring, the technology radar."),
)

BY_NAME = {entry.name: entry for entry in COMMANDS}
