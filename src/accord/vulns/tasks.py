"""The vulnerability area's background work: large imports as jobs, and its share of the daily tick
(one digest of KEV findings past due, old uploads cleared)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor
from accord.jobs.registry import JobRun, register
from accord.jobs.tick import step

# Who hears about KEV findings past due: those who decide on them and those who fix them.
DIGEST_ROLES = ("ciso", "cio", "security_analyst", "it_operations")


@step("vulns.kev_digest", once_a_day=True)
def kev_digest(actor: Actor, today: date) -> str:
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


@register("vulns.import", "Import a scanner file", capability="vuln.import")
def import_file(run: JobRun) -> dict[str, Any]:
    """The import of an upload kept by `services.import_in_background`, with its progress by bytes read.
    The upload is removed once imported; a refused or failed import keeps it for a retry."""
    from accord.vulns.importer import import_scan

    path = Path(str(run.args["path"]))
    if not path.is_file():
        raise ValidationFailed.field("file", "the uploaded file is gone (cleared after a week): upload it again")
    size = max(path.stat().st_size, 1)
    megabytes = size / 1048576

    def read(done: int) -> None:
        run.progress(0.95 * min(done / size, 1.0), f"{done / 1048576:,.1f} of {megabytes:,.1f} MB read")

    with path.open("rb") as upload:
        result = import_scan(actor=run.actor, file=upload, filename=str(run.args["filename"]),
                             format=str(run.args.get("format") or "auto"), scope=run.args.get("scope"),
                             application=run.args.get("application"), service=run.args.get("service"),
                             on_progress=read)
    path.unlink(missing_ok=True)
    return {"run": result.pk, "findings": result.findings_read - result.duplicates, "new": result.new,
            "fixed": result.fixed, "url": f"/vulns/imports/#run-{result.pk}"}


@register("vulns.feed", "Load a KEV or EPSS feed", capability="vuln.feeds")
def load_feed(run: JobRun) -> dict[str, Any]:
    """A feed kept by `services.load_feed_in_background`: loaded, then every open finding with a CVE
    decided again (the long part). The file is removed once loaded, kept for a retry otherwise."""
    from accord.vulns import services

    path = Path(str(run.args["path"]))
    if not path.is_file():
        raise ValidationFailed.field("file", "the uploaded file is gone (cleared after a week): upload it again")
    loader = services.load_kev if run.args.get("kind") == "kev" else services.load_epss
    run.progress(0.1, "reading the feed, then deciding the open findings again")
    with path.open("rb") as upload:
        result = loader(actor=run.actor, file=upload, filename=str(run.args["filename"]))
    path.unlink(missing_ok=True)
    load = result.load
    return {"entries": load.entries, "findings_redecided": load.findings_redecided, "unchanged": result.unchanged,
            "url": "/vulns/imports/",
            "summary": "the feed already loaded, nothing changed" if result.unchanged else
                       f"{load.entries:,} entries, {load.findings_redecided:,} open findings decided again"}


UPLOADS_KEPT_DAYS = 7


@step("vulns.old_uploads")
def old_uploads(actor: Actor, today: date) -> str:
    """Uploads whose import failed and was not retried within a week are removed."""
    import time

    from accord.vulns.services import uploads_folder

    folder = uploads_folder()
    cutoff = time.time() - UPLOADS_KEPT_DAYS * 86400
    removed = 0
    for path in folder.glob("*.upload") if folder.is_dir() else []:
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return f"{removed} upload(s) older than {UPLOADS_KEPT_DAYS} days removed"
