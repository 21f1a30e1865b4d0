"""Every write of the vulnerability area: imports, feeds, triage overrides, the SLA policy, SSVC settings.

`import_scan` lives in `importer.py` (it is long) and is re-exported here. Each service takes a
mandatory actor, checks a capability, writes in one transaction and records one audit row.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.core import audit, clock
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, require
from accord.engine.vulns import Decision, InputFileError, InvalidInput, parse_kev, read_epss
from accord.engine.vulns import SlaPolicy as EngineSlaPolicy
from accord.governance import services as governance
from accord.governance.models import SignOffStatus
from accord.org import selectors as org_selectors
from accord.vulns import exports
from accord.vulns.decisions import Assessor, mission_of, policy_in_force, scan_finding_of
from accord.vulns.importer import (
    DECISION_FIELDS,
    chunks,
    import_scan,
    max_upload_bytes,
    named_service,
    redecide,
    refusal,
)
from accord.vulns.models import (
    OPEN_STATES,
    DecisionChoice,
    EpssScore,
    FeedKind,
    FeedLoad,
    Finding,
    KevEntry,
    PolicyStatus,
    SlaPolicy,
    SsvcSettings,
)
from accord.vulns.selectors import FindingFilter

SLA_POLICY_KIND = "sla_policy"

__all__ = [
    "FeedResult",
    "clear_override",
    "confirm_sla_policy",
    "export_findings",
    "import_scan",
    "load_epss",
    "load_kev",
    "override_decision",
    "propose_sla_policy",
    "redecide_open_findings",
    "set_accepted_until",
    "set_epss_threshold",
    "withdraw_sla_policy",
]


# --- re-deciding stored findings -------------------------------------------------------------

def redecide_open_findings(*, actor: Actor, with_cves_only: bool = False,
                           on_progress: Callable[[int], None] | None = None) -> int:
    """Enrich and decide every open finding again with today's feeds and policies; return how many changed.

    Call inside the transaction of the write that made it necessary (a feed load, a policy change).
    Findings are read in primary-key order, a chunk at a time, and only changed rows are written.
    """
    assessor = Assessor.current()
    today = clock.today()
    missions = {asset_id: mission_of(service, impact) for asset_id, service, impact in
                org_selectors.assets_visible_to(actor).order_by().values_list(
                    "id", "business_service__name", "business_service__mission_impact")}
    base = Finding.objects.filter(state__in=OPEN_STATES)
    if with_cves_only:
        base = base.exclude(cves="")
    changed_total, last, seen = 0, 0, 0
    while True:
        rows = list(base.filter(pk__gt=last).order_by("pk")[:2000])
        if not rows:
            return changed_total
        last = rows[-1].pk
        engine_findings = [scan_finding_of(row) for row in rows]
        assessor.prefetch_epss({cve for f in engine_findings for cve in f.cves})
        changed = []
        for row, finding in zip(rows, engine_findings, strict=True):
            mission, source = missions.get(row.asset_id, (None, ""))
            if redecide(row, assessor.assess(finding, mission, source), assessor, today):
                changed.append(row)
        Finding.objects.bulk_update(changed, fields=list(DECISION_FIELDS), batch_size=200)
        changed_total += len(changed)
        seen += len(rows)
        if on_progress:
            on_progress(seen)


# --- feeds -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedResult:
    load: FeedLoad
    unchanged: bool  # the same file as the last load of this feed: nothing was done


def _read_limited(file: IO[bytes], filename: str) -> bytes:
    limit = max_upload_bytes()
    raw = file.read(limit + 1)
    if len(raw) > limit:
        raise ValidationFailed(Problem(field="file", message=f"over the {limit // 1048576} MB limit"), source=filename)
    return raw


def _same_as_last(kind: str, sha256: str) -> FeedLoad | None:
    last = FeedLoad.objects.filter(kind=kind).order_by("-loaded_at", "-id").first()
    return last if last is not None and last.sha256 == sha256 else None


_KEV_FIELDS = ("vendor_project", "product", "vulnerability_name", "date_added", "due_date", "known_ransomware",
               "short_description", "required_action", "notes", "cwes")


@transaction.atomic
def load_kev(*, actor: Actor, file: IO[bytes], filename: str = "known_exploited_vulnerabilities.json") -> FeedResult:
    """Load the CISA KEV catalogue JSON; the stored catalogue becomes exactly the file's. Idempotent."""
    require(actor, "vuln.feeds")
    raw = _read_limited(file, filename)
    sha256 = hashlib.sha256(raw).hexdigest()
    if (last := _same_as_last(FeedKind.KEV, sha256)) is not None:
        return FeedResult(last, True)
    try:
        catalog = parse_kev(io.BytesIO(raw), source=filename)
    except InputFileError as exc:
        raise refusal(exc, filename) from None
    incoming = {e.cve_id: KevEntry(
        cve_id=e.cve_id, vendor_project=e.vendor_project[:200], product=e.product[:200],
        vulnerability_name=e.vulnerability_name[:500], date_added=e.date_added, due_date=e.due_date,
        known_ransomware=e.ransomware, short_description=e.short_description, required_action=e.required_action,
        notes=e.notes, cwes=",".join(e.cwes)[:300]) for e in catalog.entries}
    stored = {row.cve_id: row for row in KevEntry.objects.all()}
    added = [entry for cve, entry in incoming.items() if cve not in stored]
    changed = []
    for cve, entry in incoming.items():
        row = stored.get(cve)
        if row is not None and any(getattr(row, f) != getattr(entry, f) for f in _KEV_FIELDS):
            for f in _KEV_FIELDS:
                setattr(row, f, getattr(entry, f))
            changed.append(row)
    removed = [cve for cve in stored if cve not in incoming]
    KevEntry.objects.bulk_create(added, batch_size=500)
    KevEntry.objects.bulk_update(changed, fields=list(_KEV_FIELDS), batch_size=200)
    for part in chunks(removed):
        KevEntry.objects.filter(cve_id__in=part).delete()
    load = FeedLoad.objects.create(
        kind=FeedKind.KEV, filename=filename[:255], sha256=sha256, feed_version=catalog.catalog_version[:60],
        feed_date=catalog.date_released, entries=len(incoming), added=len(added), changed=len(changed),
        removed=len(removed), loaded_by_id=actor.pk, loaded_at=timezone.now())
    load.findings_redecided = redecide_open_findings(actor=actor, with_cves_only=True)
    load.save(update_fields=["findings_redecided"])
    audit.record(actor, "feed.kev_loaded", load, after=audit.snapshot(load))
    return FeedResult(load, False)


@transaction.atomic
def load_epss(*, actor: Actor, file: IO[bytes], filename: str = "epss_scores.csv") -> FeedResult:
    """Load a FIRST EPSS daily CSV (plain or .gz); the stored scores become exactly the file's. Idempotent."""
    require(actor, "vuln.feeds")
    raw = _read_limited(file, filename)
    sha256 = hashlib.sha256(raw).hexdigest()
    if (last := _same_as_last(FeedKind.EPSS, sha256)) is not None:
        return FeedResult(last, True)
    try:
        feed = read_epss(io.BytesIO(raw), source=filename)
        scores = {score.cve: score for score in feed.scores}
    except (InputFileError, gzip.BadGzipFile, EOFError) as exc:
        if isinstance(exc, InputFileError):
            raise refusal(exc, filename) from None
        raise ValidationFailed(Problem(field="file", message=f"not a readable gzip file: {exc}"),
                               source=filename) from None
    stored = dict(EpssScore.objects.values_list("cve", "epss"))
    added = sum(1 for cve in scores if cve not in stored)
    changed = sum(1 for cve, s in scores.items() if cve in stored and stored[cve] != s.epss)
    removed = sum(1 for cve in stored if cve not in scores)
    EpssScore.objects.all().delete()
    EpssScore.objects.bulk_create((EpssScore(cve=s.cve, epss=s.epss, percentile=s.percentile)
                                   for s in scores.values()), batch_size=300)
    load = FeedLoad.objects.create(
        kind=FeedKind.EPSS, filename=filename[:255], sha256=sha256, feed_version=feed.model_version[:60],
        feed_date=feed.score_date, entries=len(scores), added=added, changed=changed, removed=removed,
        loaded_by_id=actor.pk, loaded_at=timezone.now())
    load.findings_redecided = redecide_open_findings(actor=actor, with_cves_only=True)
    load.save(update_fields=["findings_redecided"])
    audit.record(actor, "feed.epss_loaded", load, after=audit.snapshot(load))
    return FeedResult(load, False)


# --- triage ------------------------------------------------------------------------------------

def _justification(text: str) -> str:
    clean = (text or "").strip()
    if not clean:
        raise ValidationFailed.field("justification", "say why: an override needs a justification")
    if len(clean) > 2000 or "\x00" in clean:
        raise ValidationFailed.field("justification", "at most 2000 characters, no NUL characters")
    return clean


_OVERRIDE_AUDIT = ("decision", "computed_decision", "override_decision", "override_justification", "due_date",
                   "due_rule", "due_reason", "sla_start")


def _set_decision(actor: Actor, finding: Finding, decision: str, action: str, **override: Any) -> Finding:
    row = Finding.objects.select_for_update().get(pk=finding.pk)
    before = {name: audit.to_primitive(getattr(row, name)) for name in _OVERRIDE_AUDIT}
    Assessor.current().set_decision(row, decision, clock.today())
    for name, value in override.items():
        setattr(row, name, value)
    row.save(update_fields=["decision", "sla_start", "due_date", "due_rule", "due_reason", "due_not_after",
                            *override])
    after = {name: audit.to_primitive(getattr(row, name)) for name in _OVERRIDE_AUDIT}
    audit.record(actor, action, row, before=before, after=after)
    return row


@transaction.atomic
def override_decision(*, actor: Actor, finding: Finding, decision: str, justification: str) -> Finding:
    """An analyst sets the finding's decision, saying why; the due date moves with it. Audited."""
    require(actor, "vuln.triage")
    if decision not in DecisionChoice.values:
        raise ValidationFailed.field("decision", f"{decision!r} is not one of {', '.join(DecisionChoice.values)}")
    reason = _justification(justification)
    return _set_decision(actor, finding, decision, "finding.decision_overridden", override_decision=decision,
                         override_justification=reason, override_by=actor, override_at=timezone.now())


@transaction.atomic
def clear_override(*, actor: Actor, finding: Finding, justification: str) -> Finding:
    """Go back to the computed decision. Audited, with why."""
    require(actor, "vuln.triage")
    reason = _justification(justification)
    if not finding.override_decision:
        raise ValidationFailed.field("decision", "this finding has no override to clear")
    return _set_decision(actor, finding, finding.computed_decision, "finding.override_cleared",
                         override_decision="", override_justification=reason, override_by=actor,
                         override_at=timezone.now())


# --- risk acceptances -----------------------------------------------------------------------------

@transaction.atomic
def set_accepted_until(*, actor: Actor, until_by_finding: dict[int, date | None], reason: str) -> int:
    """Record through which day a granted risk acceptance covers each finding (None: none does any
    more), so that it leaves the breach counts until then. Only the acceptances app calls this, from
    its own services: they check `risk.accept`, or run as the daily review's system actor when an
    acceptance lapses. One audit row per finding that changed; returns how many changed."""
    rows = Finding.objects.select_for_update().filter(pk__in=list(until_by_finding)).only("pk", "accepted_until")
    changed: dict[date | None, list[int]] = {}
    for row in rows:
        until = until_by_finding[row.pk]
        if row.accepted_until == until:
            continue
        changed.setdefault(until, []).append(row.pk)
        audit.record(actor, "finding.acceptance_changed", ("vulns.finding", str(row.pk), f"finding {row.pk}"),
                     before={"accepted_until": row.accepted_until}, after={"accepted_until": until, "reason": reason})
    for until, ids in changed.items():
        Finding.objects.filter(pk__in=ids).update(accepted_until=until)
    return sum(len(ids) for ids in changed.values())


# --- exports -------------------------------------------------------------------------------------

@transaction.atomic
def export_findings(*, actor: Actor, filters: FindingFilter, by: str = "", file_format: str = "csv") -> exports.ExportFile:
    """The findings matching `filters` (or their groups, `by` cve, fix or asset) as CSV or XLSX, to stream.

    An export is a read, but it takes data out of Accord: the audit trail records who exported which
    filters, in which format, before the first byte goes out. Refusals (format, grouping, the XLSX
    bound) record nothing.
    """
    require(actor, "vuln.read")
    export = exports.findings_export(actor, filters, by=by, file_format=file_format)
    audit.record(actor, "findings.exported", ("vulns.finding", "", f"findings export ({file_format})"),
                 after={"format": file_format, "by": by or None, "filters": filters.changed(),
                        "filename": export.filename})
    return export


# --- SLA policy: proposed by the CISO or the CIO, in force when the other one confirms ------------

_DAY_FIELDS = {"act": "act_days", "attend": "attend_days", "track*": "track_star_days", "track": "track_days"}


@transaction.atomic
def propose_sla_policy(*, actor: Actor, act_days: int, attend_days: int, track_star_days: int, track_days: int,
                       due_soon_days: int = 7, kev_days: int | None = None, bound_by_bod_22_01: bool | None = None,
                       reason: str = "") -> SlaPolicy:
    """Propose new remediation days; the other leader (CISO or CIO) must confirm. Replaces a pending proposal.

    `kev_days` and `bound_by_bod_22_01` left out keep the values in force, so proposing new days
    never changes whether CISA's KEV due dates bind by accident.
    """
    require(actor, "sla.policy")
    role = governance.leader_role(actor, "sla.policy")
    in_force = policy_in_force()[0]
    kev_days = in_force.kev_days if kev_days is None else kev_days
    bound_by_bod_22_01 = in_force.bound_by_bod_22_01 if bound_by_bod_22_01 is None else bound_by_bod_22_01
    values = {"act": act_days, "attend": attend_days, "track*": track_star_days, "track": track_days}
    try:
        EngineSlaPolicy(days={Decision(k): v for k, v in values.items()}, due_soon_days=due_soon_days,
                        kev_days=kev_days, bound_by_bod_22_01=bound_by_bod_22_01)
    except InvalidInput as exc:
        field = _DAY_FIELDS.get(exc.path.removeprefix("days."), exc.path)
        raise ValidationFailed.field(field, exc.message) from None
    if len(reason) > 2000 or "\x00" in reason:
        raise ValidationFailed.field("reason", "at most 2000 characters, no NUL characters")
    for pending in SlaPolicy.objects.select_for_update(of=("self",)).select_related("signoff").filter(
            status=PolicyStatus.PROPOSED):
        _close_proposal(actor, pending, "replaced by a newer proposal")
    policy = SlaPolicy.objects.create(
        act_days=act_days, attend_days=attend_days, track_star_days=track_star_days, track_days=track_days,
        due_soon_days=due_soon_days, kev_days=kev_days, bound_by_bod_22_01=bound_by_bod_22_01,
        reason=reason.strip(), proposed_by_id=actor.pk,
        proposed_role=role, proposed_at=timezone.now())
    audit.record(actor, "sla_policy.proposed", policy, after=audit.snapshot(policy))
    policy.signoff = governance.propose_as_leader(
        actor=actor, capability="sla.policy", kind=SLA_POLICY_KIND, subject=policy, inputs=policy_inputs(policy),
        figures=policy_inputs(policy), url="/vulns/sla/policy/",
        summary=f"Remediation days proposed by the {role.upper()}: {policy}. {policy.reason}".strip())
    policy.save(update_fields=["signoff"])
    return policy


def policy_inputs(policy: SlaPolicy) -> dict[str, Any]:
    """What the other leader confirms (the sign-off's inputs hash is of these)."""
    return {"days": policy.days(), "due_soon_days": policy.due_soon_days, "kev_days": policy.kev_days,
            "bound_by_bod_22_01": policy.bound_by_bod_22_01}


def _close_proposal(actor: Actor, row: SlaPolicy, reason: str) -> None:
    if row.signoff is not None and row.signoff.is_open:
        governance.withdraw(actor=actor, signoff=row.signoff, reason=reason)
    row.status = PolicyStatus.WITHDRAWN
    row.save(update_fields=["status"])
    audit.record(actor, "sla_policy.withdrawn", row, before={"status": "proposed"},
                 after={"status": "withdrawn", "reason": reason})


@transaction.atomic
def confirm_sla_policy(*, actor: Actor, policy: SlaPolicy) -> SlaPolicy:
    """The other leader confirms a proposal: it comes into force and open findings' due dates follow."""
    require(actor, "sla.policy")
    row = SlaPolicy.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=policy.pk)
    if row.status != PolicyStatus.PROPOSED or row.signoff is None:
        raise ValidationFailed.field("status", f"this policy is {row.status}, not awaiting confirmation")
    if governance.approve(actor=actor, signoff=row.signoff).status != SignOffStatus.GRANTED:
        return row
    for active in SlaPolicy.objects.select_for_update().filter(status=PolicyStatus.ACTIVE):
        active.status = PolicyStatus.SUPERSEDED
        active.save(update_fields=["status"])
    row.status, row.confirmed_by_id, row.confirmed_at = PolicyStatus.ACTIVE, actor.pk, timezone.now()
    row.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(actor, "sla_policy.confirmed", row, before={"status": "proposed"},
                 after={"status": "active", "days": row.days(), "due_soon_days": row.due_soon_days,
                        "kev_days": row.kev_days, "bound_by_bod_22_01": row.bound_by_bod_22_01})
    redecide_open_findings(actor=actor)
    return row


@transaction.atomic
def withdraw_sla_policy(*, actor: Actor, policy: SlaPolicy) -> SlaPolicy:
    """Withdraw (or, for the other leader, decline) a pending proposal."""
    require(actor, "sla.policy")
    row = SlaPolicy.objects.select_for_update(of=("self",)).select_related("signoff").get(pk=policy.pk)
    if row.status != PolicyStatus.PROPOSED:
        raise ValidationFailed.field("status", f"this policy is {row.status}, not awaiting confirmation")
    governance.leader_role(actor, "sla.policy")
    _close_proposal(actor, row, "withdrawn" if row.proposed_by_id == actor.pk else "declined by the other leader")
    return row


@transaction.atomic
def set_epss_threshold(*, actor: Actor, threshold: float) -> SsvcSettings:
    """Change the EPSS score at which exploitation counts as public PoC; open findings are decided again."""
    require(actor, "sla.policy")
    if not 0.0 < threshold <= 1.0:
        raise ValidationFailed.field("epss_threshold", "must be above 0 and at most 1")
    settings, _ = SsvcSettings.objects.select_for_update().get_or_create(pk=1)
    before = settings.epss_threshold
    settings.epss_threshold, settings.updated_by_id, settings.updated_at = threshold, actor.pk, timezone.now()
    settings.save()
    audit.record(actor, "ssvc_settings.updated", settings, before={"epss_threshold": before},
                 after={"epss_threshold": threshold})
    redecide_open_findings(actor=actor)
    return settings



# --- Imports in the background -------------------------------------------------------------------

IMPORT_JOB = "vulns.import"


def uploads_folder() -> Path:
    """Where an upload waits for its job (under ACCORD_VAR_DIR: on storage every worker sees)."""
    return Path(settings.VAR_DIR) / "uploads"


def runs_in_background(size: int | None) -> bool:
    """Whether an upload of this many bytes is imported as a job (ACCORD_IMPORT_BACKGROUND_MB)."""
    return size is not None and size > settings.ACCORD_IMPORT_BACKGROUND_MB * 1024 * 1024


def import_in_background(*, actor: Actor, file: IO[bytes], filename: str, format: str = "auto",
                         scope: str | None = None, application: str | None = None,
                         service: str | None = None) -> Any:
    """Keep the upload and queue its import as a job; the job's page follows it. The file stays
    until the import succeeds, so a failed job can be retried; the daily tick clears old ones."""
    from accord.jobs.services import start_job

    require(actor, "vuln.import")
    named_service(actor, service)  # an unknown name is refused now, not when the job runs
    path = _keep_upload(file)
    job = start_job(actor=actor, kind=IMPORT_JOB, title=f"Import {filename[:200]}",
                    args={"path": str(path), "filename": filename, "format": format, "scope": scope,
                          "application": application, "service": service})
    job.refresh_from_db()  # (with jobs run at once, it has already ended)
    return job


def _keep_upload(file: IO[bytes]) -> Path:
    """The upload in the uploads folder, where its job will read it; refused over the size limit."""
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.upload"
    with path.open("wb") as out:
        shutil.copyfileobj(file, out, length=1024 * 1024)
    if path.stat().st_size > max_upload_bytes():
        path.unlink()
        raise ValidationFailed.field("file", f"over the {settings.ACCORD_MAX_UPLOAD_MB} MB limit")
    return path


FEED_JOB = "vulns.feed"


def feed_runs_in_background() -> bool:
    """Whether loading a feed now should be a job: it decides every open finding with a CVE again,
    which takes minutes over hundreds of thousands (ACCORD_FEED_BACKGROUND_FINDINGS)."""
    return Finding.objects.filter(state__in=OPEN_STATES).exclude(cves="").count() > \
        settings.ACCORD_FEED_BACKGROUND_FINDINGS


def load_feed_in_background(*, actor: Actor, file: IO[bytes], filename: str, kind: str) -> Any:
    """Keep a KEV or EPSS file and load it as a job (kind "kev" or "epss"), as large imports are."""
    from accord.jobs.services import start_job

    require(actor, "vuln.feeds")
    if kind not in ("kev", "epss"):
        raise ValidationFailed.field("kind", "kev or epss")
    path = _keep_upload(file)
    label = "KEV catalogue" if kind == "kev" else "EPSS scores"
    job = start_job(actor=actor, kind=FEED_JOB, title=f"Load the {label} {filename[:200]}",
                    args={"path": str(path), "filename": filename, "kind": kind})
    job.refresh_from_db()
    return job

