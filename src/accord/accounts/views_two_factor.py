"""The second factor on the web: the code step of signing in, enrolment and disabling from the
profile, and the organisation's requirement (administrators)."""

from __future__ import annotations

import time
from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accord.accounts import two_factor
from accord.accounts.forms_two_factor import CodeForm, SecondFactorPolicyForm
from accord.accounts.models import User
from accord.core.errors import ValidationFailed
from accord.core.web import capability_required, show_problems, viewer
from accord.org import selectors as org_selectors
from accord.org import services as org_services

PENDING_USER, PENDING_SINCE, PENDING_NEXT = "accord_pending_user", "accord_pending_since", "accord_pending_next"
PENDING_SECONDS = 300  # between the right password and the code
ENROLMENT_SECRET = "accord_totp_secret"  # noqa: S105 - a session key: where the key being enrolled waits for a right code
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a backend path, not a password


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def continue_sign_in(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """After the right password: signed in now, or first asked for the code when the user has a
    second factor (the session then only remembers who is half-way, for five minutes)."""
    if not two_factor.has_second_factor(user):
        login(request, user, backend=PASSWORD_BACKEND)
        return redirect(next_url)
    request.session.cycle_key()
    request.session.update({PENDING_USER: user.pk, PENDING_SINCE: time.time(), PENDING_NEXT: next_url})
    return redirect("accounts:second_factor")


def _pending_user(request: HttpRequest) -> User | None:
    since = request.session.get(PENDING_SINCE, 0)
    if time.time() - since > PENDING_SECONDS:
        return None
    pk = request.session.get(PENDING_USER)
    return User.objects.filter(pk=pk, is_active=True).first() if isinstance(pk, int) else None


def second_factor_step(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.error(request, "Sign in with your password first (the code must follow within five minutes).")
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = two_factor.verify_second_factor(user=user, code=form.cleaned_data["code"],
                                                     address=_address(request))
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            next_url = request.session.get(PENDING_NEXT) or "/"
            for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
                request.session.pop(key, None)
            login(request, user, backend=PASSWORD_BACKEND)
            request.session[two_factor.SIGNED_IN_WITH] = "totp"
            if method == "recovery":
                messages.warning(request, f"You signed in with a recovery code; it is used up. "
                                          f"{two_factor.unused_recovery_codes(user)} left.")
            return redirect(next_url)
    return render(request, "accounts/second_factor.html", {"form": form}, status=422 if form.errors else 200)


def _qr_svg(text: str) -> str:
    import segno  # only the enrolment page draws a QR code

    return mark_safe(segno.make(text, error="m").svg_inline(scale=4, dark="#000", light="#fff"))  # noqa: S308 - drawn here from our own URI


def _me(request: HttpRequest) -> User:
    return cast(User, viewer(request))


def enrol(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if two_factor.has_second_factor(user):
        return render(request, "accounts/two_factor.html", {
            "enrolled": True, "form": CodeForm(), "codes_left": two_factor.unused_recovery_codes(user)})
    secret = request.session.get(ENROLMENT_SECRET) or two_factor.new_secret()
    request.session[ENROLMENT_SECRET] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(actor=user, secret=secret, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            request.session.pop(ENROLMENT_SECRET, None)
            request.session[two_factor.SIGNED_IN_WITH] = "totp"
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    uri = two_factor.provisioning_uri(user, secret)
    return render(request, "accounts/two_factor.html", {
        "enrolled": False, "form": form, "qr_svg": _qr_svg(uri), "secret_text": two_factor.secret_for_typing(secret),
        "required": two_factor.enrolment_required(user),
    }, status=422 if form.errors else 200)


@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed.field("code", "type a code to confirm")
        two_factor.disable_second_factor(actor=user, code=form.cleaned_data["code"])
    except ValidationFailed as exc:
        messages.error(request, f"Second factor not removed: {exc.problems[0].message}.")
        return redirect("accounts:two_factor")
    request.session.pop(two_factor.SIGNED_IN_WITH, None)
    messages.success(request, "Second factor removed; your recovery codes no longer work.")
    return redirect("accounts:profile")


@capability_required("user.manage")
def policy(request: HttpRequest) -> HttpResponse:
    actor = viewer(request)
    form = SecondFactorPolicyForm(request.POST or None,
                                  initial={"second_factor_roles": sorted(org_selectors.second_factor_roles())})
    if request.method == "POST" and form.is_valid():
        try:
            org_services.set_second_factor_roles(actor=actor, roles=form.cleaned_data["second_factor_roles"])
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            messages.success(request, "Second-factor requirement saved.")
            return redirect("accounts:two_factor_policy")
    return render(request, "accounts/two_factor_policy.html", {"form": form}, status=422 if form.errors else 200)
