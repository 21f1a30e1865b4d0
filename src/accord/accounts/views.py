"""Sign-in and out, the profile page with personal tokens, and user administration."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accord.accounts import selectors, services, views_two_factor
from accord.accounts.forms import LoginForm, TokenForm, UserForm
from accord.core.errors import ValidationFailed
from accord.core.permissions import CAPABILITY_HELP, ROLE_CAPABILITIES
from accord.core.web import capability_required, show_problems, viewer


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, which accord.core.proxies sets from a trusted proxy's header."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                                    address=client_address(request))
        except services.LoginThrottled as exc:
            form.add_error(None, str(exc))
        else:
            if user is None:
                form.add_error(None, "Wrong username or password.")
            else:
                # The second factor's step, when the user has one (accord.accounts.views_two_factor).
                return views_two_factor.continue_sign_in(request, user, next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def profile(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.create_token(actor=user, name=form.cleaned_data["name"],
                                           expires_in_days=form.cleaned_data["expires_in_days"])
            form = TokenForm()
        except ValidationFailed as exc:
            show_problems(form, exc)
    return render(request, "accounts/profile.html", {
        "form": form, "issued": issued, "tokens": selectors.tokens_of(user),
        "capabilities": [(c, CAPABILITY_HELP[c]) for c in sorted(user.capabilities)],
    })


@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = viewer(request)
    token = selectors.token_of(user, token_id)
    services.revoke_token(actor=user, token=token)
    messages.success(request, f"Token {token.name} ({token.prefix}…) revoked.")
    return redirect("accounts:profile")


@capability_required("user.read")
def users(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    can_manage = "user.manage" in user.capabilities
    form = UserForm(request.POST or None) if can_manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            created = services.create_user(actor=user, **form.cleaned_data)
            messages.success(request, f"User {created.username} created.")
            return redirect("accounts:users")
        except ValidationFailed as exc:
            show_problems(form, exc)
    table = [(role, sorted(caps)) for role, caps in ROLE_CAPABILITIES.items()]
    return render(request, "accounts/users.html", {
        "users": selectors.users_visible_to(user), "form": form, "role_table": table,
        "grants": selectors.role_grants_visible_to(user)[:50],
    })


@require_POST
@capability_required("user.manage")
def decide_grant(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    actor = viewer(request)
    grant = selectors.role_grant_by_id(actor, pk)
    try:
        done = services.decide_role_grant(actor=actor, grant=grant, approve=decision == "approve",
                                          comment=request.POST.get("comment", ""))
        messages.success(request, f"{done.role.upper()} for {done.user}: {done.get_status_display().lower()}.")
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    return redirect("accounts:users")


@require_POST
@capability_required("user.manage")
def disable(request: HttpRequest, pk: int) -> HttpResponse:
    actor = viewer(request)
    target = selectors.user_by_id(actor, pk)
    try:
        services.disable_user(actor=actor, user=target)
        messages.success(request, f"{target.username} disabled; their tokens are revoked.")
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    return redirect("accounts:users")
