"""The demo's security culture: nine IT teams in the champions programme, champions in seven of them
(Network & Infrastructure never had one; the Data & Analytics champion stepped down three weeks ago),
their training and activities; two awareness campaigns, the first with GoPhish's results export, the
second with the plain layout another platform's export maps onto (click rate falling, report rate
rising); and eight stakeholders of the CISO and the CIO, three of them overdue for a contact.

Days are counted back from today, so the demo reads the same whenever it is loaded. The CISO acts."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from accord.core import clock
from accord.culture import services
from accord.demo.accounts import DemoContext
from accord.org import selectors as org_selectors

SEED = 1414
PROGRAMME = ("Platform Engineering", "Network & Infrastructure", "Database Administration", "Cloud Operations",
             "Service Desk & End-User Computing", "Application Development: Commerce",
             "Application Development: Logistics", "ERP Competence Centre", "Data & Analytics")
# team -> (focus, days since appointed, days since stepped down or None), one champion each
CHAMPIONS: dict[str, list[tuple[str, int, int | None]]] = {
    "Platform Engineering": [("Identity and privileged access", 420, None), ("Hardening baselines", 200, None)],
    "Database Administration": [("Backups and encryption at rest", 300, None)],
    "Cloud Operations": [("Cloud posture and secrets", 380, None)],
    "Service Desk & End-User Computing": [("Phishing reports and endpoint hygiene", 260, None)],
    "Application Development: Commerce": [("Secure code and PCI scope", 500, None)],
    "Application Development: Logistics": [("Threat modelling new features", 150, None)],
    "ERP Competence Centre": [("SAP roles and segregation of duties", 340, None)],
    "Data & Analytics": [("Data classification", 400, 21)],
}
ACTIVITIES = (
    ("training", "Secure coding fundamentals (2-day course)", 16),
    ("threat_model", "Threat model of a new release", 3),
    ("code_review", "Security review of a merge request", 2),
    ("session", "Lunch-and-learn: spotting phishing", 1),
    ("exercise", "Ransomware tabletop exercise", 4),
    ("training", "Champions' quarterly meet-up", 2),
)
# (name, role, owner, cadence days, days since last contact or None, influence, channel, keeper, priorities, notes)
STAKEHOLDERS: tuple[tuple[str, str, str, int, int | None, str, str, str, str, str], ...] = (
    ("Henrik Lund", "Chief Financial Officer", "both", 30, 12, "high", "in_person", "",
     "Cost of security against the budget; the board's risk appetite in money.",
     "Wants every funding request as expected loss avoided; sceptical of maturity scores."),
    ("Ingrid Solberg", "Chief Operating Officer", "cio", 30, 45, "high", "meeting", "",
     "Warehouse uptime in peak season; the new transport platform on time.",
     "Sees patch windows as lost picking hours; bring the downtime figures, not the CVEs."),
    ("Oliver Grant", "Chief Executive Officer", "both", 30, 8, "high", "in_person", "",
     "Growth in e-commerce; no headline incident.", "Prefers one page and a recommendation."),
    ("Rafael Moreno", "General Counsel and Data Protection Officer", "ciso", 45, 20, "high", "video", "",
     "GDPR and NIS2 reporting duties; customer contract clauses on security.",
     "Ask early about breach-notification wording; he drafts the regulator letters."),
    ("Keisha Walters", "Head of Logistics Operations", "both", 60, 75, "medium", "meeting", "",
     "Scanner-gun fleet replacement; fewer password resets on the warehouse floor.",
     "Champion candidate pool: her shift leads ran the best phishing report rate."),
    ("Nadia Petrenko", "Head of Sales", "cio", 90, 40, "medium", "email", "",
     "CRM uptime; customer security questionnaires answered within a week.", ""),
    ("Jonas Meyer", "Engagement partner, external auditors", "ciso", 90, 110, "medium", "video", "",
     "IT general controls for the annual audit; SOX scope of ERP and Payments.",
     "Last year's finding on privileged access review still open in his eyes."),
    ("Amara Diallo", "Liaison, national CSIRT", "ciso", 60, 30, "low", "email", "analyst",
     "Timely incident notifications; threat intelligence sharing.",
     "Delegated to Priya for the monthly threat-sharing call."),
)


def _ago(days: int) -> date:
    return clock.today() - timedelta(days=days)


def _team_people(actor: Any, team: Any) -> list[Any]:
    return list(org_selectors.people_visible_to(actor, team=team.pk).order_by("name"))


def _gophish_csv(people: list[Any], sent_on: date, rng: random.Random, *, click: float, report: float) -> bytes:
    """A results export as GoPhish writes it (one row per recipient, the furthest step as status)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "status", "ip", "latitude", "longitude", "send_date", "reported", "modified_date",
                     "email", "first_name", "last_name", "position"])
    sent = datetime.combine(sent_on, time(8, 30), tzinfo=UTC)
    for n, person in enumerate(people):
        draw = rng.random()
        status = ("Error" if n == 0 else "Submitted Data" if draw < click / 3 else "Clicked Link" if draw < click
                  else "Email Opened" if draw < 0.6 else "Email Sent")
        reported = status != "Error" and status not in ("Clicked Link", "Submitted Data") and rng.random() < report
        first, _, last = person.name.partition(" ")
        writer.writerow([f"r{n:04d}", status, "" if status == "Email Sent" else "10.40.0.17", "0.000000", "0.000000",
                         (sent + timedelta(minutes=n)).isoformat().replace("+00:00", "Z"), str(reported).lower(),
                         (sent + timedelta(hours=2, minutes=n)).isoformat().replace("+00:00", "Z"), person.email,
                         first, last, person.job_title])
    return buffer.getvalue().encode("utf-8")


def _plain_csv(people: list[Any], rng: random.Random, *, click: float, report: float) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["email", "opened", "clicked", "submitted_data", "reported"])
    for person in people:
        clicked = rng.random() < click
        reported = not clicked and rng.random() < report
        writer.writerow([person.email, "yes" if clicked or rng.random() < 0.5 else "no", "yes" if clicked else "no",
                         "yes" if clicked and rng.random() < 0.3 else "no", "yes" if reported else "no"])
    return buffer.getvalue().encode("utf-8")


def _champions(ciso: Any, rng: random.Random) -> int:
    teams = {t.name: t for t in org_selectors.teams_visible_to(ciso)}
    for name in PROGRAMME:
        services.add_programme_team(actor=ciso, team=teams[name])
    count = 0
    for team_name, specs in CHAMPIONS.items():
        members = _team_people(ciso, teams[team_name])
        for position, (focus, appointed, stepped_down) in enumerate(specs):
            person = members[(position + 1) % len(members)]
            champion = services.appoint_champion(actor=ciso, person=person, appointed_on=_ago(appointed), focus=focus)
            for kind, title, hours in rng.sample(ACTIVITIES, 3):
                on = _ago(rng.randint(stepped_down or 5, min(appointed, 170)))
                services.log_champion_activity(actor=ciso, champion=champion, kind=kind, title=title, on=on,
                                               hours=hours)
            if stepped_down is not None:
                services.step_down_champion(actor=ciso, champion=champion, on=_ago(stepped_down))
            count += 1
    return count


def _campaigns(ciso: Any, rng: random.Random) -> None:
    people = [p for p in org_selectors.people_visible_to(ciso).order_by("name") if p.email]
    spring = services.create_campaign(
        actor=ciso, name="Spring awareness: phishing and passwords", audience="All staff with a mailbox",
        audience_size=len(people), starts_on=_ago(150), ends_on=_ago(120),
        training_completed=round(len(people) * 0.86))
    services.import_phishing_results(actor=ciso, campaign=spring, filename="gophish-spring-results.csv",
                                     raw=_gophish_csv(people, _ago(140), rng, click=0.19, report=0.22))
    autumn = services.create_campaign(
        actor=ciso, name="Autumn exercise: invoice fraud", audience="Finance, sales and IT teams",
        audience_size=len(people), starts_on=_ago(40), ends_on=_ago(26), training_completed=round(len(people) * 0.64))
    services.import_phishing_results(actor=ciso, campaign=autumn, filename="autumn-invoice-fraud.csv",
                                     raw=_plain_csv(people, rng, click=0.09, report=0.45))


def _stakeholders(context: DemoContext) -> int:
    ciso = context.users["ciso"]
    directory = {p.name: p for p in org_selectors.people_visible_to(ciso)}
    for name, role, owner, cadence, last, influence, channel, keeper, priorities, notes in STAKEHOLDERS:
        stakeholder = services.create_stakeholder(
            actor=ciso, name=name, role=role, person=directory.get(name), owner=owner, cadence_days=cadence,
            influence=influence, preferred_channel=channel, keeper=context.users[keeper] if keeper else None,
            priorities=priorities, notes=notes)
        if last is not None:
            leader = context.users["cio" if owner == "cio" else "ciso"]
            services.log_contact(actor=leader, stakeholder=stakeholder, on=_ago(last), channel=channel,
                                 summary=f"Regular catch-up: {priorities.split(';')[0].lower()}")
    return len(STAKEHOLDERS)


def build_culture(context: DemoContext) -> str:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    ciso = context.users["ciso"]
    champions = _champions(ciso, rng)
    _campaigns(ciso, rng)
    stakeholders = _stakeholders(context)
    return f"{champions} security champions, 2 awareness campaigns, {stakeholders} stakeholders"
