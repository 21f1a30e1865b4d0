"""Helpers every page view shares: capability checks, errors shown on forms, pagination."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render

from accord.core.errors import ValidationFailed
from accord.core.permissions import Actor, require

# A page view: it answers an HttpResponse, or a streamed one (exports); the decorator keeps its type.
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def capability_required(capability: str) -> Callable[[View], View]:
    """Refuse the page unless the viewer holds `capability`. The refusal, and a NotFound the view
    raises, become the 403 and 404 pages (`ServiceRefusalsMiddleware`)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require(viewer(request), capability)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate


def show_problems(form: forms.BaseForm, exc: ValidationFailed) -> None:
    """Put a service's refusal on the form, each problem beside its field where the form has it."""
    for problem in exc.problems:
        field = problem.field.removesuffix("_id")
        form.add_error(field if field in form.fields else None, str(problem) if field not in form.fields else problem.message)


def paginate(request: HttpRequest, items: Any, *, per_page: int = 50) -> tuple[Page, str]:
    """One page of items, and the query string of the current filters (without the page) for links."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    return page, urlencode(params)


def viewer(request: HttpRequest) -> Actor:
    """The signed-in user; the login middleware lets no anonymous request reach a page."""
    return cast(Actor, request.user)


def is_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page (not a boosted full navigation)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted  # type: ignore[union-attr]


def form_page(request: HttpRequest, *, form: forms.BaseForm, save: Callable[[dict[str, Any]], Any],
              template: str, context: dict[str, Any], success: Callable[[Any], HttpResponse]) -> HttpResponse:
    """The usual GET-shows/POST-saves cycle: the service's refusal lands on the form, field by field."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            return success(saved)
    return render(request, template, {**context, "form": form}, status=422 if form.errors else 200)


def edit_record_page(request: HttpRequest, *, form_class: type[forms.ModelForm], instance: Any, kind: str,
                     template: str, save: Callable[[Any, Any], Any], next_url: Callable[[Any], str],
                     context: dict[str, Any] | None = None) -> HttpResponse:
    """Create (`instance` None) or edit one record through its service: `save(form, data)` calls the
    service and returns the row; on success the page says so and goes to `next_url(row)`.

    The form edits a copy of the row: a ModelForm writes its values onto its instance while cleaning,
    and the service must see the row as it was to record what changed."""
    copy = type(instance).objects.get(pk=instance.pk) if instance is not None else None
    form = form_class(request.POST or None, instance=copy)

    def done(saved: Any) -> HttpResponse:
        messages.success(request, f"{kind[0].upper()}{kind[1:]} {saved} saved.")
        return redirect(next_url(saved))

    return form_page(request, form=form, save=lambda data: save(form, data), template=template,
                     context={"kind": kind, "instance": instance, **(context or {})}, success=done)
