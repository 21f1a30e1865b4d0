"""The demo's leadership data: eight weeks of the CISO's time log (shared with the CIO), a skills matrix of
the CISO, the CIO, the security analyst and the change manager with two mentoring pairs (the CISO mentors
the analyst; an outside mentor, a retired CFO, mentors the CISO in finance), goals and learning, and a
technology radar of seven entries: agreed stances, one proposal waiting for the CISO, links to the
roadmap, a review and initiatives. Weeks and days count back from today, so the demo reads the same
whenever it is loaded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from accord.core import clock
from accord.leadership import services, weeks
from accord.portfolio import selectors as portfolio
from accord.reviews import selectors as reviews

# activity, nature, hand-off, hours per week (cycled over the eight weeks)
TIME_LOG: tuple[tuple[str, str, str, tuple[float, ...]], ...] = (
    ("Security strategy and roadmap", "strategic", "keep", (6, 4, 5, 3, 6, 4, 5, 6)),
    ("Board and executive reporting", "strategic", "keep", (2, 5, 2, 2, 6, 2, 2, 3)),
    ("Steering committee and CIO partnership", "strategic", "keep", (3, 3, 4, 3, 3, 4, 3, 3)),
    ("Team one-to-ones and mentoring", "strategic", "keep", (3, 3, 3, 2, 3, 3, 3, 3)),
    ("Risk quantification reviews", "strategic", "delegable", (2, 3, 2, 2, 3, 2, 2, 3)),
    ("Incident triage and escalations", "tactical", "delegable", (8, 6, 10, 12, 5, 7, 9, 6)),
    ("Vendor security questionnaires", "tactical", "outsourceable", (5, 4, 6, 4, 5, 6, 4, 5)),
    ("SIEM rule tuning", "tactical", "outsourceable", (3, 4, 3, 5, 2, 3, 4, 3)),
    ("Access review approvals", "tactical", "delegable", (3, 2, 3, 3, 2, 3, 2, 3)),
    ("Project security review meetings", "tactical", "keep", (5, 5, 4, 5, 6, 5, 5, 4)),
    ("Email and administration", "tactical", "keep", (7, 8, 7, 6, 7, 8, 7, 7)),
)

# username, title, {skill: (target, self, mentor)}
MATRIX: tuple[tuple[str, str, dict[str, tuple[int, int | None, int | None]]], ...] = (
    ("ciso", "Chief Information Security Officer", {
        "risk_quantification": (4, 3, None), "security_architecture": (3, 3, None), "incident_response": (4, 4, None),
        "stakeholder_management": (4, 3, None), "budgeting": (4, 3, None), "finance": (3, 2, None),
        "risk_communication": (4, 3, None), "negotiation": (3, 2, None)}),
    ("cio", "Chief Information Officer", {
        "cloud_security": (3, 2, None), "secure_development": (2, 1, None), "stakeholder_management": (4, 4, None),
        "budgeting": (4, 4, None), "project_management": (4, 4, None), "risk_communication": (3, 2, None)}),
    ("analyst", "Security Analyst", {
        "incident_response": (3, 3, 2), "vulnerability_management": (3, 3, 3), "cloud_security": (3, 1, 1),
        "risk_quantification": (2, 1, 1), "stakeholder_management": (2, 1, 1), "risk_communication": (3, 1, 1),
        "project_management": (2, None, None)}),
    ("itops", "Change Manager", {
        "vulnerability_management": (3, 2, None), "secure_development": (2, 1, None),
        "project_management": (3, 3, None), "negotiation": (3, 2, None), "budgeting": (2, 1, None)}),
)


def _time_log(ciso: Any, cio: Any) -> int:
    mondays = weeks.window(clock.today(), 8)
    for index, monday in enumerate(mondays):
        for activity, nature, handoff, hours in TIME_LOG:
            services.log_time(actor=ciso, week=monday, activity=activity, hours=hours[index], nature=nature,
                              handoff=handoff)
    services.share_time_log(actor=ciso, reader=cio)
    return len(mondays)


def _skills(users: dict[str, Any]) -> None:
    ciso, cio = users["ciso"], users["cio"]
    today = clock.today()
    plans = {}
    for username, title, skills in MATRIX:
        plans[username] = plan = services.create_plan(actor=ciso, person=users[username], title=title)
        for skill, (target, _, _) in skills.items():
            services.assess_skill(actor=cio if username == "ciso" else ciso, plan=plan, skill=skill, target=target)
    services.add_mentorship(actor=cio, plan=plans["ciso"], external_name="Ingrid Halvorsen",
                            external_organisation="retired CFO, Nordhavn Shipping",
                            focus="Finance and budgeting: reading the accounts, making the case in ROI",
                            started_on=today - timedelta(days=120))
    services.add_mentorship(actor=cio, plan=plans["analyst"], mentor=ciso,
                            focus="From analyst to security lead: stakeholders and risk in business terms",
                            started_on=today - timedelta(days=90))
    for username, _, skills in MATRIX:
        for skill, (_, own, _mentor) in skills.items():
            if own is not None:
                services.assess_skill(actor=users[username], plan=plans[username], skill=skill, self_level=own)
    # The CISO assesses their mentee as the mentor (an outside mentor has no account, so gives no levels).
    for skill, (_, _, mentor) in MATRIX[2][2].items():
        if mentor is not None:
            services.assess_skill(actor=ciso, plan=plans["analyst"], skill=skill, mentor_level=mentor)
    goals = (
        ("ciso", "Present the annual security budget to the CFO in ROI terms", 40, "budgeting", ""),
        ("ciso", "Complete a finance for non-financial managers course", 75, "finance", ""),
        ("ciso", "Hand incident triage to the analyst on-call rota", -10, "", ""),
        ("cio", "Sponsor one DevSecOps pilot team", 60, "secure_development", ""),
        ("cio", "Cloud security foundations certificate", -30, "cloud_security", "done"),
        ("analyst", "Run the quarterly risk review with a business owner", 30, "risk_communication", ""),
        ("analyst", "Cloud security certification", 120, "cloud_security", ""),
        ("analyst", "Present one incident to the steering committee", -20, "stakeholder_management", "done"),
        ("itops", "Lead the patch window negotiation with two business owners", 45, "negotiation", ""),
    )
    for username, title, due_in, skill, status in goals:
        goal = services.add_goal(actor=users[username], plan=plans[username], title=title,
                                 due_on=today + timedelta(days=due_in), skill=skill)
        if status:
            services.set_goal_status(actor=users[username], goal=goal, status=status)
    learning = (
        ("ciso", "course", "Finance for non-financial managers (module 1 of 3)", 6, 20, "finance"),
        ("ciso", "conference", "European CISO summit", 14, 55, "stakeholder_management"),
        ("ciso", "mentoring", "Mentoring with Ingrid Halvorsen: the budget cycle", 1.5, 12, "budgeting"),
        ("cio", "certification", "Cloud security foundations", 24, 35, "cloud_security"),
        ("analyst", "course", "Open FAIR analysis fundamentals", 16, 40, "risk_quantification"),
        ("analyst", "mentoring", "Mentoring with the CISO: preparing a board update", 1, 8, "risk_communication"),
        ("itops", "course", "Negotiation skills workshop", 8, 25, "negotiation"),
    )
    for username, kind, title, hours, days_ago, skill in learning:
        services.log_learning(actor=users[username], plan=plans[username], kind=kind, title=title, hours=hours,
                              on=today - timedelta(days=days_ago), skill=skill)


def _radar(ciso: Any, cio: Any) -> int:
    projects = {p.name: p for p in reviews.projects_visible_to(ciso)}
    initiatives = {i.slug: i for i in portfolio.initiatives(ciso)}
    lake = projects.get("Cloud data lake")
    lake_review = reviews.reviews_visible_to(ciso, project=lake).first() if lake else None
    entries: tuple[tuple[Any, str, str, str, list[str], dict[str, Any], tuple[str, Any] | None], ...] = (
        (ciso, "Passkeys for staff sign-in", "techniques", "Phishing-resistant sign-in with FIDO2 passkeys.",
         ["Identity provider supports FIDO2 with attestation", "Recovery path without SMS"], {}, ("adopt", cio)),
        (cio, "Kubernetes platform", "platforms", "One container platform for the new services.",
         ["Admission control with signed images", "Network policies by default", "Secrets in a vault, not manifests"],
         {}, ("trial", ciso)),
        (cio, "Cloud data lake", "roadmap", "Telematics and orders in one analytics store.",
         ["Data classification of every source", "Row-level access for customer data", "Customer-managed keys"],
         {"project": lake, "review": lake_review}, ("assess", ciso)),
        (ciso, "Infrastructure as code scanning", "tools", "Scan Terraform before it reaches the cloud.",
         ["Pipeline gate on critical findings"], {"initiative": initiatives.get("vuln-mgmt-automation")},
         ("adopt", cio)),
        (cio, "Generative AI coding assistants", "tools", "Assistants in the developers' IDEs.",
         ["No customer data in prompts", "Licence and code provenance checks", "Secrets scanning on commit"],
         {}, ("trial", None)),
        (ciso, "Legacy VPN concentrator", "platforms", "The remote access VPN of 2015.",
         ["Replace with MFA-protected access"], {"initiative": initiatives.get("mfa-remote-access")}, ("hold", cio)),
        (cio, "Driver mobile app", "roadmap", "Proof of delivery and route updates for drivers.",
         ["Mobile app security testing before launch", "Certificate pinning"],
         {"project": projects.get("Driver mobile app")}, None),
    )
    for author, name, quadrant, description, prerequisites, links, stance in entries:
        entry = services.create_radar_entry(actor=author, name=name, quadrant=quadrant, description=description,
                                            prerequisites="\n".join(prerequisites),
                                            **{k: v for k, v in links.items() if v is not None})
        if stance is not None:
            value, agreer = stance
            entry = services.propose_stance(actor=author, entry=entry, stance=value)
            if agreer is not None:
                services.agree_stance(actor=agreer, entry=entry)
    return len(entries)


def build_leadership(context: Any) -> str:
    users = context.users
    weeks_logged = _time_log(users["ciso"], users["cio"])
    _skills(users)
    radar_entries = _radar(users["ciso"], users["cio"])
    return (f"{weeks_logged} weeks of the CISO's time log, a skills matrix of {len(MATRIX)} people with 2 mentoring "
            f"pairs, {radar_entries} radar entries")
