"""Vulnerability pages: findings (filters, keyset pages), a finding, imports and feeds, SLA compliance and policy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render

from accord.core import clock
from accord.core.charts import PALETTE, chart
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, is_partial, show_problems, viewer
from accord.governance.selectors import is_leader, may_answer
from accord.org import selectors as org_selectors
from accord.vulns import selectors, services
from accord.vulns.decisions import SLA_STATUS_LABELS
from accord.vulns.forms import FeedForm, OverrideForm, ScanImportForm, SlaPolicyForm
from accord.vulns.models import DecisionChoice, SeverityChoice


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 19 else None


def _float(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if 0.0 <= number <= 1.0 else None


def _filters(request: HttpRequest) -> selectors.FindingFilter:
    g = request.GET
    state = g.get("state", "open")
    return selectors.FindingFilter(
        state=state if state in selectors.STATE_FILTERS else "open",
        decision=g.get("decision", "") if g.get("decision") in DecisionChoice.values else "",
        kev={"yes": True, "no": False}.get(g.get("kev", "")), epss_min=_float(g.get("epss_min")),
        service=_int(g.get("service")), team=_int(g.get("team")),
        sla=g.get("sla", "") if g.get("sla") in selectors.SLA_STATUSES else "",
        scanner=g.get("scanner", "")[:60], severity=g.get("severity", "") if g.get("severity") in
        SeverityChoice.values else "", cve=g.get("cve", "").strip()[:40], asset=_int(g.get("asset")),
        fix=g.get("fix", "").strip()[:40])


def _by(request: HttpRequest) -> str:
    by = request.GET.get("by", "")
    return by if by in selectors.GROUP_BY else ""


def _params(request: HttpRequest) -> dict[str, str]:
    """The filters of the request as given (a page cursor is not a filter)."""
    return {k: str(v) for k, v in request.GET.items() if k != "cursor"}


def _query(params: dict[str, str], **changes: str | None) -> str:
    """The current filters as a query string (blank ones left out), with `changes` (None removes)."""
    merged = {k: v for k, v in params.items() if v}
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return urlencode(merged)


def _results(user: Any, params: dict[str, str], filters: selectors.FindingFilter, by: str,
             cursor: str) -> dict[str, Any]:
    """The results part of the findings page: the tiles for the filters, then the findings or their groups.
    Links add a filter to the current ones (`query`); a group's links drop the grouping (`group_query`)."""
    context: dict[str, Any] = {"query": _query(params), "group_query": _query(params, by=None), "by": by,
                               "first_page": not cursor, "unnarrowed_query": _query(params, asset=None, fix=None)}
    if by:
        groups = selectors.finding_groups(user, filters, by=by)
        return {**context, "groups": groups, "tiles": groups.totals or selectors.summary(user, filters)}
    try:
        found = selectors.finding_rows(user, filters, cursor=cursor)
    except ValidationFailed as exc:
        if exc.problems[0].field != "cursor":
            raise
        found = selectors.finding_rows(user, filters)  # a cursor edited by hand: start over
        context["first_page"] = True
    return {**context, "page": found.page, "rows": found.rows, "tiles": found.tiles}


def _drill_down_labels(user: Any, filters: selectors.FindingFilter) -> dict[str, str]:
    """Names of the asset and fix the list is narrowed to (they come from links, not from the form)."""
    labels = {}
    if filters.asset:
        labels["asset"] = org_selectors.asset_by_id(user, filters.asset).hostname
    if filters.fix:
        labels["fix"] = selectors.fix_label(user, filters.fix)
    return labels


@capability_required("vuln.read")
def findings(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    filters, by = _filters(request), _by(request)
    params = _params(request)
    try:
        context = _results(user, params, filters, by, request.GET.get("cursor", ""))
        context["drill_down"] = _drill_down_labels(user, filters)
    except ValidationFailed as exc:
        context = {"problems": exc, "query": _query(params)}
    context["filters"] = request.GET
    if is_partial(request):  # 200 even for a refused filter: htmx swaps only successful answers
        return render(request, "vulns/_results.html", context)
    context.update({
        "decisions": DecisionChoice.choices, "severities": SeverityChoice.choices,
        "states": [("open", "open or reopened"), ("reopened", "reopened"), ("fixed", "fixed"),
                   ("suppressed", "suppressed"), ("all", "any state")],
        "groupings": [("cve", "CVE"), ("fix", "fix"), ("asset", "asset")], "scanners": selectors.scanners(user),
        "services": org_selectors.services_visible_to(user).values("id", "name"),
        "teams": org_selectors.teams_visible_to(user).values("id", "name")})
    return render(request, "vulns/findings.html", context, status=422 if "problems" in context else 200)


@capability_required("vuln.read")
def export_findings(request: HttpRequest) -> HttpResponseBase:
    """The filtered (or grouped) list as CSV or XLSX, streamed; audited as an export."""
    try:
        export = services.export_findings(actor=viewer(request), filters=_filters(request), by=_by(request),
                                          file_format=request.GET.get("format", "csv"))
    except ValidationFailed as exc:
        return render(request, "vulns/export_refused.html",
                      {"problems": exc, "query": _query(_params(request), format=None)}, status=422)
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@capability_required("vuln.read")
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    form = OverrideForm(request.POST or None, initial={"decision": selectors.finding_by_id(user, pk).decision})
    if request.method == "POST":
        if not can(user, "vuln.triage"):
            raise NotAllowed("vuln.triage")
        if form.is_valid():
            try:
                services.override_decision(actor=user, finding=selectors.finding_by_id(user, pk),
                                           decision=form.cleaned_data["decision"],
                                           justification=form.cleaned_data["justification"])
            except ValidationFailed as exc:
                show_problems(form, exc)
            else:
                messages.success(request, "Decision overridden; the due date follows it.")
                return redirect("vulns:finding", pk)
    view = selectors.finding_view(user, pk)
    f = view.finding
    return render(request, "vulns/finding_detail.html", {
        "view": view, "f": f, "form": form, "sla_label": SLA_STATUS_LABELS[view.sla_status],
        "reasons": [(p["point"].replace("_", " "), p["value"], p["reason"], p["source"]) for p in f.decision_points],
    }, status=422 if form.errors else 200)


@capability_required("vuln.read")
def imports(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    scan_form = ScanImportForm(prefix="scan")
    feed_form = FeedForm(prefix="feed")
    problems: ValidationFailed | None = None
    if request.method == "POST":
        try:
            if "scan-file" in request.FILES:
                scan_form = ScanImportForm(request.POST, request.FILES, prefix="scan")
                if scan_form.is_valid():
                    upload = scan_form.cleaned_data["file"]
                    if services.runs_in_background(upload.size):
                        job = services.import_in_background(
                            actor=user, file=upload, filename=upload.name, format=scan_form.cleaned_data["format"],
                            scope=scan_form.cleaned_data["scope"] or None,
                            application=scan_form.cleaned_data["application"] or None,
                            service=scan_form.cleaned_data["service"] or None)
                        messages.info(request, f"{upload.name} is large: it is imported in the background.")
                        return redirect("jobs:detail", job.pk)
                    run = services.import_scan(actor=user, file=upload, filename=upload.name,
                                               format=scan_form.cleaned_data["format"],
                                               scope=scan_form.cleaned_data["scope"] or None,
                                               application=scan_form.cleaned_data["application"] or None,
                                               service=scan_form.cleaned_data["service"] or None)
                    messages.success(request, f"{run.filename}: {run.findings_read - run.duplicates:,} findings; "
                                              f"{run.new:,} new, {run.unchanged + run.updated:,} unchanged, "
                                              f"{run.fixed:,} fixed, {run.reopened:,} reopened, "
                                              f"{run.suppressed:,} suppressed. {_left_out(run)}")
                    return redirect("vulns:imports")
            else:
                feed_form = FeedForm(request.POST, request.FILES, prefix="feed")
                if feed_form.is_valid():
                    upload = feed_form.cleaned_data["file"]
                    if services.feed_runs_in_background():
                        job = services.load_feed_in_background(actor=user, file=upload, filename=upload.name,
                                                               kind=feed_form.cleaned_data["kind"])
                        messages.info(request, f"{upload.name}: many open findings are decided again, in the "
                                               "background.")
                        return redirect("jobs:detail", job.pk)
                    loader: Any = services.load_kev if feed_form.cleaned_data["kind"] == "kev" else services.load_epss
                    result = loader(actor=user, file=upload, filename=upload.name)
                    load = result.load
                    messages.success(request, f"{upload.name}: the feed already loaded, nothing changed."
                                     if result.unchanged else
                                     f"{upload.name}: {load.entries:,} entries, {load.findings_redecided:,} open "
                                     "findings decided again.")
                    return redirect("vulns:imports")
        except ValidationFailed as exc:
            problems = exc
    return render(request, "vulns/imports.html", {
        "scan_form": scan_form, "feed_form": feed_form, "problems": problems,
        "runs": selectors.import_runs_visible_to(user)[:50], "feeds": selectors.latest_feeds(user),
        "can_import": can(user, "vuln.import"), "can_feed": can(user, "vuln.feeds"),
        "background_mb": settings.ACCORD_IMPORT_BACKGROUND_MB,
    }, status=422 if problems or scan_form.errors or feed_form.errors else 200)


def _left_out(run: Any) -> str:
    """One sentence on what the import did not keep; the runs table below lists it."""
    summary = run.summary or {}
    parts = []
    if run.duplicates:
        parts.append(f"{run.duplicates:,} repeated finding(s) merged")
    if summary.get("ignored"):
        parts.append(f"{len(summary['ignored']):,} column(s) or element(s) not imported")
    if summary.get("notes"):
        parts.append(f"{len(summary['notes']):,} note(s)")
    return f"{', '.join(parts)}: see the run below." if parts else "Nothing was left out."


def _compliance_chart(rows: list[selectors.ComplianceRow], title: str) -> Any:
    shown = [r for r in rows if r.open][:12]
    if not shown:
        return None
    with chart(width=7.5, height=0.45 * len(shown) + 1.0, title=title) as (_, ax, result):
        names = [r.name for r in shown][::-1]
        parts = [("on track", [r.on_track for r in shown][::-1], PALETTE["ok"]),
                 ("due soon", [r.due_soon for r in shown][::-1], PALETTE["warn"]),
                 ("breached", [r.breached for r in shown][::-1], PALETTE["bad"])]
        left = [0] * len(shown)
        for label, values, colour in parts:
            ax.barh(names, values, left=left, color=colour, label=label, height=0.6)
            left = [a + b for a, b in zip(left, values, strict=True)]
        ax.set_xlabel("open findings", fontsize=8)
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    return result


@capability_required("vuln.read")
def sla_compliance(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    by_service = selectors.sla_compliance(user, by="service")
    by_team = selectors.sla_compliance(user, by="team")
    state = selectors.sla_policy_state(user)
    return render(request, "vulns/sla.html", {
        "by_service": by_service, "by_team": by_team, "policy": state,
        "service_chart": _compliance_chart(by_service, "Open findings by SLA status, per business service"),
        "team_chart": _compliance_chart(by_team, "Open findings by SLA status, per team"),
    })


@capability_required("vuln.read")
def sla_policy(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    state = selectors.sla_policy_state(user)
    days = {d.value: n for d, n in state.effective.days.items()}
    initial = {"act_days": days["act"], "attend_days": days["attend"], "track_star_days": days["track*"],
               "track_days": days["track"], "due_soon_days": state.effective.due_soon_days,
               "kev_days": state.effective.kev_days, "bound_by_bod_22_01": state.effective.bound_by_bod_22_01}
    form = SlaPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can(user, "sla.policy"):
            raise NotAllowed("sla.policy")
        action = request.POST.get("action", "propose")
        try:
            if action in ("confirm", "withdraw"):
                policy = selectors.sla_policy_by_id(user, _int(request.POST.get("policy")) or 0)
                if action == "confirm":
                    services.confirm_sla_policy(actor=user, policy=policy)
                    messages.success(request, "The policy is in force; open findings' due dates follow it.")
                else:
                    services.withdraw_sla_policy(actor=user, policy=policy)
                    messages.success(request, "The proposal was withdrawn.")
                return redirect("vulns:sla_policy")
            if form.is_valid():
                services.propose_sla_policy(actor=user, **form.cleaned_data)
                messages.success(request, "Proposed. It comes into force when the other leader confirms it.")
                return redirect("vulns:sla_policy")
        except ValidationFailed as exc:
            show_problems(form, exc)
    pending = state.pending
    can_confirm = bool(pending and can(user, "sla.policy") and may_answer(user, pending.signoff))
    return render(request, "vulns/sla_policy.html", {
        "state": state, "form": form, "can_propose": can(user, "sla.policy") and is_leader(user),
        "can_confirm": can_confirm, "in_force": sorted(state.effective.days.items(), key=lambda i: -i[0].rank),
        "time_zone": str(clock.zone()),
    }, status=422 if form.errors else 200)


__all__ = ["export_findings", "finding_detail", "findings", "imports", "sla_compliance", "sla_policy"]
