"""The vulnerability area's share of the daily tick: one digest of KEV findings past due."""

from __future__ import annotations

from datetime import date
from typing import Any

from accord.jobs.tick import step

# Who hears about KEV findings past due: those who decide on them and those who fix them.
DIGEST_ROLES = ("ciso", "cio", "security_analyst", "it_operations")


@step("vulns.kev_digest", once_a_day=True)
def kev_digest(actor: Any, today: date) -> str:
    """One message a day while any KEV finding is past due (never one per finding)."""
    from accord.accounts.selectors import holders_of
    from accord.core.permissions import ScheduledReader
    from accord.notifications.models import Event
    from accord.notifications.services import notify
    from accord.vulns import selectors

    reader = ScheduledReader()
    past_due = selectors.summary(reader, selectors.FindingFilter(kev=True, sla="breached")).open
    if not past_due:
        return "no KEV finding past due: nothing sent"
    services = selectors.kev_past_due_by_service(reader, limit=5)
    lines = [f"{row.name}: {row.findings:,}" for row in services]
    plural = "s" if past_due != 1 else ""
    sent = notify(event=Event.KEV_PAST_DUE, recipients=holders_of(list(DIGEST_ROLES)),
                  title=f"{past_due:,} KEV finding{plural} past due on {today.isoformat()}",
                  body="Known exploited vulnerabilities past their due date, most by business service:\n"
                       + "\n".join(lines), url="/vulns/?kev=yes&sla=breached",
                  payload={"event": Event.KEV_PAST_DUE, "day": today.isoformat(), "past_due": past_due,
                           "by_service": {row.name: row.findings for row in services}})
    return f"{past_due:,} past due: digest to {len(sent)} inbox{'es' if len(sent) != 1 else ''}"
