"""Vulnerability pages: findings (filters, keyset pages), a finding, imports and feeds, SLA compliance and policy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accord.core import clock
from accord.core.charts import PALETTE, chart
from accord.core.dual_control import leader_roles, may_confirm
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, is_partial, show_problems, viewer
from accord.org import selectors as org_selectors
from accord.vulns import selectors, services
from accord.vulns.decisions import SLA_STATUS_LABELS
from accord.vulns.forms import FeedForm, OverrideForm, ScanImportForm, SlaPolicyForm
from accord.vulns.models import DecisionChoice, SeverityChoice


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


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
        SeverityChoice.values else "", cve=g.get("cve", "").strip()[:24], asset=_int(g.get("asset")))


@capability_required("vuln.read")
def findings(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    filters = _filters(request)
    try:
        page = selectors.keyset_page(selectors.findings_visible_to(user, filters),
                                     cursor=request.GET.get("cursor", ""), page_size=50)
    except ValidationFailed:  # a cursor edited by hand: start over
        page = selectors.keyset_page(selectors.findings_visible_to(user, filters), page_size=50)
    query = urlencode({k: v for k, v in request.GET.items() if k != "cursor" and v})
    statuses = selectors.sla_status_for(page.items)
    rows = [(f, statuses[f.pk], SLA_STATUS_LABELS[statuses[f.pk]]) for f in page.items]
    context = {"page": page, "rows": rows, "query": query, "filters": request.GET,
               "first_page": not request.GET.get("cursor"), "decisions": DecisionChoice.choices,
               "states": [("open", "open or reopened"), ("reopened", "reopened"), ("fixed", "fixed"),
                          ("suppressed", "suppressed"), ("all", "any state")],
               "severities": SeverityChoice.choices, "scanners": selectors.scanners(user),
               "services": org_selectors.services_visible_to(user).values("id", "name"),
               "teams": org_selectors.teams_visible_to(user).values("id", "name"),
               "overview": selectors.overview(user) if not is_partial(request) else None}
    return render(request, "vulns/_finding_rows.html" if is_partial(request) else "vulns/findings.html", context)


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
                    run = services.import_scan(actor=user, file=upload, filename=upload.name,
                                               format=scan_form.cleaned_data["format"],
                                               scope=scan_form.cleaned_data["scope"] or None)
                    messages.success(request, f"{run.filename}: {run.findings_read:,} findings read; {run.new:,} new, "
                                              f"{run.unchanged + run.updated:,} unchanged, {run.fixed:,} fixed, "
                                              f"{run.reopened:,} reopened, {run.suppressed:,} suppressed.")
                    return redirect("vulns:imports")
            else:
                feed_form = FeedForm(request.POST, request.FILES, prefix="feed")
                if feed_form.is_valid():
                    upload = feed_form.cleaned_data["file"]
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
    }, status=422 if problems or scan_form.errors or feed_form.errors else 200)


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
    can_confirm = bool(pending and can(user, "sla.policy") and may_confirm(
        user, proposed_by_id=pending.proposed_by_id, proposed_role=pending.proposed_role))
    return render(request, "vulns/sla_policy.html", {
        "state": state, "form": form, "can_propose": can(user, "sla.policy") and bool(leader_roles(user)),
        "can_confirm": can_confirm, "in_force": sorted(state.effective.days.items(), key=lambda i: -i[0].rank),
        "time_zone": str(clock.zone()),
    }, status=422 if form.errors else 200)


__all__ = ["finding_detail", "findings", "imports", "sla_compliance", "sla_policy"]
