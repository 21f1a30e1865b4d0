"""The inbox, each person's choice of events and channels, and the organisation's webhook targets."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.core.errors import ValidationFailed
from accord.core.web import capability_required, paginate, viewer
from accord.notifications import selectors, services
from accord.notifications.models import Channel, Event, TargetKind


def inbox(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    page, query = paginate(request, selectors.inbox_of(user), per_page=30)
    return render(request, "notifications/inbox.html", {"page": page, "query": query})


@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdecimal()]
    count = services.mark_read(actor=viewer(request), notification_ids=ids or None)
    messages.success(request, f"{count} marked read.")
    return redirect(request.POST.get("next") or "notifications:inbox")


def preferences(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    if request.method == "POST":
        for event in Event.values:
            for channel in Channel.values:
                wanted = request.POST.get(f"{event}:{channel}") == "on"
                current = next(c.channels[channel] for c in selectors.choices_of(user) if c.event == event)
                if wanted != current:
                    services.set_preference(actor=user, event=event, channel=channel, enabled=wanted)
        messages.success(request, "Saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "choices": selectors.choices_of(user), "channels": Channel.choices, "email": getattr(user, "email", "")})


@capability_required("user.manage")
def webhooks(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    if request.method == "POST":
        try:
            services.add_webhook(actor=user, name=request.POST.get("name", ""), kind=request.POST.get("kind", ""),
                                 url=request.POST.get("url", ""), events=request.POST.getlist("events"),
                                 secret=request.POST.get("secret", ""))
            messages.success(request, "Webhook added.")
            return redirect("notifications:webhooks")
        except ValidationFailed as exc:
            for problem in exc.problems:
                messages.error(request, str(problem))
    return render(request, "notifications/webhooks.html", {
        "targets": selectors.webhooks_visible_to(user), "deliveries": selectors.recent_deliveries(user),
        "kinds": TargetKind.choices, "events": Event.choices})


@require_POST
@capability_required("user.manage")
def remove_webhook(request: HttpRequest, pk: int) -> HttpResponse:
    user = viewer(request)
    target = selectors.webhooks_visible_to(user).filter(pk=pk).first()
    if target is not None:
        services.remove_webhook(actor=user, target=target)
        messages.success(request, f"Webhook {target.name} removed.")
    return redirect("notifications:webhooks")
