"""Scorecard pages: the KPIs and KRIs with their formulas, status and trends; one metric with its
monthly history; the KRI thresholds the leaders agree; the snapshots; the partnership review per
quarter with its retrospectives."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accord.core import clock
from accord.core.errors import NotAllowed, ValidationFailed
from accord.core.permissions import can
from accord.core.web import capability_required, show_problems, viewer
from accord.governance.selectors import is_leader, may_answer
from accord.metrics import charts, selectors, services
from accord.metrics.forms import RetrospectiveForm, ThresholdsForm
from accord.metrics.partnership import Quarter, parse_quarter

READ = "scorecard.read"
WRITE = "scorecard.write"
CONFLICTS_LISTED = 15  # the rest are counted by source above the list


def _refused(request: HttpRequest, exc: ValidationFailed) -> None:
    for problem in exc.problems:
        messages.error(request, str(problem))


@capability_required(READ)
def scorecard(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    card = selectors.scorecard(user)
    rows = [(m, charts.trend_svg(m.trend, status=m.status)) for m in card.metrics]
    groups = [(name, list(items)) for name, items in groupby(rows, key=lambda row: row[0].group)]
    latest = selectors.snapshots_visible_to(user).first()
    return render(request, "metrics/scorecard.html", {
        "card": card, "groups": groups, "latest": latest, "can_snapshot": can(user, WRITE),
        "red": sum(1 for m in card.metrics if m.status == "red"),
        "amber": sum(1 for m in card.metrics if m.status == "amber"),
        "defaults": any(m.kind == "kri" and not m.thresholds_agreed for m in card.metrics),
    })


@capability_required(READ)
def metric_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = viewer(request)
    metric = selectors.metric_by_key(user, key)
    sources = dict(selectors.snapshots_visible_to(user).values_list("month", "source"))
    history = [(month, metric.format(value), selectors.SOURCE_LABELS.get(sources.get(month, ""), ""))
               for month, value in reversed(metric.trend)]
    return render(request, "metrics/metric.html", {
        "metric": metric, "history": history,
        "chart": charts.trend_svg(metric.trend, status=metric.status, width=560, height=160, labelled=True,
                                  formatter=metric.format),
    })


@capability_required(READ)
def snapshots(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    if request.method == "POST":
        if not can(user, WRITE):
            raise NotAllowed(WRITE)
        taken = services.take_snapshot(actor=user)
        messages.success(request, f"Snapshot of {taken.month:%B %Y} taken (as of {taken.as_of}).")
        return redirect("metrics:snapshots")
    return render(request, "metrics/snapshots.html", {
        "rows": [(s, selectors.SOURCE_LABELS.get(s.source, s.source),
                  sum(1 for entry in s.values.values() if entry.get("status") == "red"))
                 for s in selectors.snapshots_visible_to(user)[:24]], "can_snapshot": can(user, WRITE),
        "today": clock.today()})


@capability_required(READ)
def thresholds(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    state = selectors.threshold_state(user)
    form = ThresholdsForm(request.POST if request.POST.get("action") == "propose" else None,
                          effective=state.effective)
    if request.method == "POST":
        if not can(user, WRITE):
            raise NotAllowed(WRITE)
        action = request.POST.get("action", "")
        try:
            if action in ("agree", "withdraw"):
                row = selectors.threshold_set_by_id(user, _int(request.POST.get("set")))
                if action == "agree":
                    services.agree_thresholds(actor=user, threshold_set=row)
                    messages.success(request, "Agreed: the thresholds are in force from the next reading.")
                else:
                    services.withdraw_thresholds(actor=user, threshold_set=row)
                    messages.success(request, "The proposal was withdrawn.")
                return redirect("metrics:thresholds")
            if action == "propose" and form.is_valid():
                services.propose_thresholds(actor=user, thresholds=form.thresholds(),
                                            reason=form.cleaned_data["reason"])
                messages.success(request, "Proposed. The thresholds come into force when the other leader agrees.")
                return redirect("metrics:thresholds")
        except ValidationFailed as exc:
            show_problems(form, exc)
            _refused(request, exc)
    from accord.metrics import registry

    kris = [(d, state.effective[d.key].in_words(d.unit), state.agreed(d.key)) for d in registry.kris()]
    pending = state.pending
    return render(request, "metrics/thresholds.html", {
        "state": state, "kris": kris, "form": form,
        "can_propose": can(user, WRITE) and is_leader(user),
        "can_agree": bool(pending and can(user, WRITE) and may_answer(user, pending.signoff)),
        "pending_rows": _pending_rows(pending.thresholds) if pending else [],
    })


def _pending_rows(values: dict[str, Any]) -> list[tuple[str, str]]:
    from accord.metrics import registry

    rows = []
    for d in registry.kris():
        entry = values.get(d.key)
        if entry:
            limits = registry.Thresholds(entry["direction"], float(entry["amber"]), float(entry["red"]))
            rows.append((d.label, limits.in_words(d.unit)))
    return rows


def _int(value: Any) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise ValidationFailed.field("set", "not a proposal number") from None


@capability_required(READ)
def partnership_home(request: HttpRequest) -> HttpResponse:
    return redirect("metrics:partnership", quarter=Quarter.containing(clock.today()).label)


@capability_required(READ)
def partnership(request: HttpRequest, quarter: str) -> HttpResponse:
    user = viewer(request)
    try:
        period = parse_quarter(quarter)
    except ValidationFailed:
        raise Http404(f"{quarter!r} is not a quarter such as 2026Q4") from None
    owners = [(u.username, str(u)) for u in selectors.action_owners()]
    form = RetrospectiveForm(request.POST or None, owners=owners)
    if request.method == "POST":
        if not can(user, WRITE):
            raise NotAllowed(WRITE)
        if form.is_valid():
            try:
                actions = [{**a, "owner": selectors.action_owner(a["owner"])} for a in form.actions()]
                services.record_retrospective(actor=user, quarter=period.label, worked=form.cleaned_data["worked"],
                                              strained=form.cleaned_data["strained"], actions=actions)
                messages.success(request, "Retrospective recorded on the decision log; its actions are follow-ups.")
                return redirect("metrics:partnership", quarter=period.label)
            except ValidationFailed as exc:
                show_problems(form, exc)
                _refused(request, exc)
    review = selectors.partnership(user, period.label)
    quarters = period.previous(4)
    columns = [selectors.partnership(user, q.label).pairs() for q in quarters[:-1]] + [review.pairs()]
    trend = [(label, [dict(pairs)[label] for pairs in columns]) for label, _ in review.pairs()]
    return render(request, "metrics/partnership.html", {
        "review": review, "quarter": period, "pairs": review.pairs(), "trend": trend, "quarters": quarters,
        "by_source": review.by_source(), "conflicts": review.listed(CONFLICTS_LISTED),
        "more_conflicts": max(len(review.conflicts) - CONFLICTS_LISTED, 0),
        "retrospectives": selectors.retrospectives_of(user, period.label), "form": form,
        "can_record": can(user, WRITE) and is_leader(user) and period.start <= clock.today(),
        "previous": period.preceding(), "next": period.following() if period.end < clock.today() else None,
    })
