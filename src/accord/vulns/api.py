"""Vulnerabilities API: findings (keyset-paged), triage overrides, scan imports, feeds, SLA policy and compliance."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form, Query, Router, Status, UploadedFile
from pydantic import Field

from accord.core.api_auth import Capability, acting_user
from accord.core.api_common import REFUSALS, DbId, InputSchema, Page, PageQuery, Text, file_download, paginate
from accord.engine.vulns import ScanFormat
from accord.jobs.api import JobOut
from accord.vulns import selectors, services
from accord.vulns.schemas import (
    ClearOverrideIn,
    ComplianceOut,
    ComplianceQuery,
    CountsOut,
    ExportQuery,
    FeedLoadOut,
    FeedResultOut,
    FindingDetailOut,
    FindingPageOut,
    FindingPageQuery,
    FindingQuery,
    GroupListOut,
    GroupQuery,
    ImportRunOut,
    OverrideIn,
    PolicyStateOut,
    SlaPolicyIn,
    SlaPolicyOut,
)

router = Router(tags=["vulnerabilities"])
READ = Capability("vuln.read")


def finding_filter(query: FindingQuery) -> selectors.FindingFilter:
    return selectors.FindingFilter(
        state=query.state, decision=query.decision or "", kev=query.kev, epss_min=query.epss_min,
        service=query.service, team=query.team, sla=query.sla or "", scanner=query.scanner,
        severity=query.severity or "", cve=query.cve, asset=query.asset, fix=query.fix)


def _detail(viewer: Any, finding_id: int) -> dict[str, Any]:
    view = selectors.finding_view(viewer, finding_id)
    f = view.finding
    data = {name: getattr(f, name) for name in FindingDetailOut.model_fields
            if name not in {"hostname", "cves", "explanation", "sla_status", "override_by", "history",
                            "kev_due_date_binds", "service", "team"}}
    data.update({"asset.hostname": f.asset.hostname}, cve_list=f.cve_list, explanation=view.explanation,
                service_name=f.service_name, team_name=f.team_name,
                sla_status=view.sla_status, override_by=f.override_by.username if f.override_by else None,
                history=view.history, kev_due_date_binds=view.kev_due_date_binds)
    return data


# Findings --------------------------------------------------------------------------------------

@router.get("/findings", response={200: FindingPageOut, **REFUSALS}, auth=READ)
def list_findings(request: HttpRequest, query: Query[FindingPageQuery]) -> Any:
    """Most urgent first (by due date). Follow `next_cursor`; counts stop at `count_cap`."""
    findings = selectors.findings_visible_to(acting_user(request), finding_filter(query))
    page = selectors.keyset_page(findings, cursor=query.cursor, page_size=query.page_size)
    return {"count": page.count, "count_exact": page.count_exact, "count_cap": selectors.COUNT_CAP,
            "page_size": query.page_size, "next_cursor": page.next_cursor, "items": page.items}


@router.get("/findings/summary", response={200: CountsOut, **REFUSALS}, auth=READ)
def findings_summary(request: HttpRequest, query: Query[FindingQuery]) -> Any:
    """The counts of the findings page's tiles for these filters: matching, open, in KEV, past due, by decision."""
    return selectors.summary(acting_user(request), finding_filter(query))


@router.get("/findings/groups", response={200: GroupListOut, **REFUSALS}, auth=READ)
def finding_groups(request: HttpRequest, query: Query[GroupQuery]) -> Any:
    """Matching findings grouped by CVE, fix or asset, with counts; most past due, then KEV, then open first.
    List a group's findings with `GET /findings?{param}={key}` and the same filters."""
    return selectors.finding_groups(acting_user(request), finding_filter(query), by=query.by, limit=query.limit)


@router.get("/findings/export", response=REFUSALS, auth=READ, openapi_extra=file_download(
    "text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    description="The findings or their groups as CSV or XLSX"))
def export_findings(request: HttpRequest, query: Query[ExportQuery]) -> Any:
    """The matching findings (or their groups, with `by`) as a CSV (streamed, no limit) or XLSX file (at most
    100,000 rows); formula-looking cells are escaped. The audit trail records who exported which filters."""
    export = services.export_findings(actor=acting_user(request), filters=finding_filter(query), by=query.by or "",
                                      file_format=query.format)
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@router.get("/findings/{finding_id}", response={200: FindingDetailOut, **REFUSALS}, auth=READ)
def get_finding(request: HttpRequest, finding_id: DbId) -> Any:
    return _detail(acting_user(request), finding_id)


@router.post("/findings/{finding_id}/override", response={200: FindingDetailOut, **REFUSALS},
             auth=Capability("vuln.triage"))
def override_finding(request: HttpRequest, finding_id: DbId, payload: OverrideIn) -> Any:
    actor = acting_user(request)
    finding = selectors.finding_by_id(actor, finding_id)
    services.override_decision(actor=actor, finding=finding, decision=payload.decision,
                               justification=payload.justification)
    return _detail(actor, finding_id)


@router.post("/findings/{finding_id}/clear-override", response={200: FindingDetailOut, **REFUSALS},
             auth=Capability("vuln.triage"))
def clear_finding_override(request: HttpRequest, finding_id: DbId, payload: ClearOverrideIn) -> Any:
    actor = acting_user(request)
    finding = selectors.finding_by_id(actor, finding_id)
    services.clear_override(actor=actor, finding=finding, justification=payload.justification)
    return _detail(actor, finding_id)


# Imports ---------------------------------------------------------------------------------------

class ImportForm(InputSchema):
    format: str = Field(default="auto", max_length=20,
                        description="auto (recognised from the content) or one of "
                                    + ", ".join(item.value for item in ScanFormat))
    scope: Text | None = Field(default=None, max_length=200, description="what the scan covers (default: file name)")
    application: Text | None = Field(default=None, max_length=253,
                                     description="asset for code and component findings (SARIF, CycloneDX, DefectDojo "
                                                 "without a host): an existing asset, else a new application")
    service: Text | None = Field(default=None, max_length=150,
                                 description="business service of the assets the import discovers")


@router.post("/imports", response={201: ImportRunOut, **REFUSALS}, auth=Capability("vuln.import"))
def import_scan(request: HttpRequest, file: File[UploadedFile], form: Form[ImportForm]) -> Any:
    """Upload a scanner file; all or nothing. A refused file answers 422 naming the line or element."""
    run = services.import_scan(actor=acting_user(request), file=file, filename=file.name or "upload",
                               format=form.format, scope=form.scope or None, application=form.application or None,
                               service=form.service or None)
    return Status(201, run)


@router.post("/imports/background", response={202: JobOut, **REFUSALS}, auth=Capability("vuln.import"))
def import_scan_in_background(request: HttpRequest, file: File[UploadedFile], form: Form[ImportForm]) -> Any:
    """Upload a scanner file and import it as a job (for large files): 202 with the job, whose
    `result.url` leads to the import when it has succeeded (GET /api/v1/jobs/{id} follows it)."""
    job = services.import_in_background(actor=acting_user(request), file=file, filename=file.name or "upload",
                                        format=form.format, scope=form.scope or None,
                                        application=form.application or None, service=form.service or None)
    return Status(202, job)


@router.get("/imports", response={200: Page[ImportRunOut], **REFUSALS}, auth=READ)
def list_imports(request: HttpRequest, query: Query[PageQuery]) -> Any:
    return paginate(selectors.import_runs_visible_to(acting_user(request)), page=query.page,
                    page_size=query.page_size)


@router.get("/imports/{run_id}", response={200: ImportRunOut, **REFUSALS}, auth=READ)
def get_import(request: HttpRequest, run_id: DbId) -> Any:
    return selectors.import_run_by_id(acting_user(request), run_id)


# Feeds -----------------------------------------------------------------------------------------

@router.get("/feeds", response={200: list[FeedLoadOut], **REFUSALS}, auth=READ)
def list_feed_loads(request: HttpRequest) -> Any:
    return selectors.feed_loads_visible_to(acting_user(request))[:50]


@router.post("/feeds/kev", response={200: FeedResultOut, **REFUSALS}, auth=Capability("vuln.feeds"))
def load_kev(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Load CISA's known_exploited_vulnerabilities.json; the same file twice changes nothing."""
    result = services.load_kev(actor=acting_user(request), file=file, filename=file.name or "kev.json")
    return {"unchanged": result.unchanged, "load": result.load}


@router.post("/feeds/epss", response={200: FeedResultOut, **REFUSALS}, auth=Capability("vuln.feeds"))
def load_epss(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Load a FIRST EPSS daily CSV (plain or .gz); the same file twice changes nothing."""
    result = services.load_epss(actor=acting_user(request), file=file, filename=file.name or "epss.csv")
    return {"unchanged": result.unchanged, "load": result.load}


# SLA -------------------------------------------------------------------------------------------

@router.get("/sla/policy", response={200: PolicyStateOut, **REFUSALS}, auth=READ)
def get_sla_policy(request: HttpRequest) -> Any:
    state = selectors.sla_policy_state(acting_user(request))
    effective = state.effective
    days = {d.value.replace("*", "_star"): n for d, n in effective.days.items()}
    return {"in_force": {**days, "due_soon_days": effective.due_soon_days, "kev_days": effective.kev_days,
                         "bound_by_bod_22_01": effective.bound_by_bod_22_01, "rule": state.rule_text},
            "active": state.active, "pending": state.pending}


@router.post("/sla/policy", response={201: SlaPolicyOut, **REFUSALS}, auth=Capability("sla.policy"))
def propose_sla_policy(request: HttpRequest, payload: SlaPolicyIn) -> Any:
    """Propose new days per decision; the other leader (CISO or CIO) confirms it."""
    policy = services.propose_sla_policy(actor=acting_user(request), **payload.dict())
    return Status(201, policy)


@router.post("/sla/policy/{policy_id}/confirm", response={200: SlaPolicyOut, **REFUSALS},
             auth=Capability("sla.policy"))
def confirm_sla_policy(request: HttpRequest, policy_id: DbId) -> Any:
    actor = acting_user(request)
    policy = services.confirm_sla_policy(actor=actor, policy=selectors.sla_policy_by_id(actor, policy_id))
    return policy


@router.post("/sla/policy/{policy_id}/withdraw", response={200: SlaPolicyOut, **REFUSALS},
             auth=Capability("sla.policy"))
def withdraw_sla_policy(request: HttpRequest, policy_id: DbId) -> Any:
    actor = acting_user(request)
    policy = services.withdraw_sla_policy(actor=actor, policy=selectors.sla_policy_by_id(actor, policy_id))
    return policy


@router.get("/sla/compliance", response={200: list[ComplianceOut], **REFUSALS}, auth=READ)
def sla_compliance(request: HttpRequest, query: Query[ComplianceQuery]) -> Any:
    """Open findings by SLA status and fixed ones in time or late, per business service or team."""
    return selectors.sla_compliance(acting_user(request), by=query.by)
