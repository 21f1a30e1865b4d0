"""The culture app's records as plain documents: what the API answers and `accord culture --json` prints,
so both show the same fields and the same figures (computed in accord.culture.selectors)."""

from __future__ import annotations

from typing import Any

from accord.core import clock
from accord.culture import selectors
from accord.culture.models import Champion, Contact


def coverage_document(figures: selectors.Coverage) -> dict[str, Any]:
    return {"as_of": figures.as_of, "unit": "%", "percent": figures.percent, "covered": figures.covered,
            "total": figures.total,
            "teams": [{"team_id": t.team_id, "team": t.team, "covered": t.covered, "champions": list(t.champions)}
                      for t in figures.teams]}


def champion_document(champion: Champion) -> dict[str, Any]:
    return {"id": champion.pk, "person_id": champion.person_id, "person": champion.person.name,
            "team_id": champion.team_id, "team": champion.team.name, "appointed_on": champion.appointed_on,
            "stepped_down_on": champion.stepped_down_on, "focus": champion.focus,
            "active": champion.active_on(clock.today()),
            "activity_count": getattr(champion, "activity_count", 0)}


def phishing_document(rates: selectors.PhishingRates | None) -> dict[str, Any] | None:
    if rates is None:
        return None
    return {"delivered": rates.delivered, "opened": rates.opened, "clicked": rates.clicked,
            "submitted_data": rates.submitted_data, "reported": rates.reported, "click_rate": rates.click_rate,
            "report_rate": rates.report_rate, "submit_rate": rates.submit_rate}


def campaign_document(row: selectors.CampaignRow) -> dict[str, Any]:
    c = row.campaign
    return {"id": c.pk, "name": c.name, "audience": c.audience, "audience_size": c.audience_size,
            "starts_on": c.starts_on, "ends_on": c.ends_on, "training_completed": c.training_completed,
            "completion_rate": row.completion_rate, "phishing": phishing_document(row.phishing),
            "phishing_source": c.phishing_source, "phishing_format": c.phishing_format}


def stakeholder_document(row: selectors.StakeholderRow) -> dict[str, Any]:
    s = row.stakeholder
    return {"id": s.pk, "name": s.name, "role": s.role, "person_id": s.person_id, "priorities": s.priorities,
            "influence": s.influence, "preferred_channel": s.preferred_channel, "owner": s.owner,
            "keeper": s.keeper.username if s.keeper else None, "cadence_days": s.cadence_days,
            "last_contact_on": s.last_contact_on, "next_contact_due": row.due_on, "overdue": row.overdue,
            "days_overdue": row.days_overdue, "as_of": row.as_of, "notes": row.notes}


def contact_document(contact: Contact, notes_visible: bool) -> dict[str, Any]:
    return {"id": contact.pk, "on": contact.on, "channel": contact.channel, "logged_by": contact.logged_by.username,
            "summary": contact.summary if notes_visible else None}
