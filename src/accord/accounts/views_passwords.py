"""Passwords: the signed-in user changes theirs; a signed-out one asks for a reset link by email.

The reset pages live under login/, which the sign-in middleware leaves open to signed-out visitors.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accord.accounts import services
from accord.accounts.forms import NewPasswordForm, PasswordChangeForm, PasswordResetRequestForm
from accord.accounts.views import client_address
from accord.core.errors import ValidationFailed
from accord.core.web import show_problems, viewer

# The reset link's token is kept here once the link is opened, and the page is shown at an address
# without it, so the token does not leak through the address bar, the history or Referer headers.
RESET_TOKEN_KEY = "_password_reset_token"  # noqa: S105 - a session key, not a secret
TOKEN_IN_SESSION = "set-password"  # noqa: S105 - stands in the address for the token kept in the session


def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_password(actor=viewer(request), old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"], address=client_address(request))
        except services.LoginThrottled as exc:
            form.add_error(None, str(exc))
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            update_session_auth_hash(request, changed)  # this session stays signed in; the others end
            messages.success(request, "Your password is changed.")
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form}, status=422 if form.errors else 200)


def request_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(login=form.cleaned_data["login"], address=client_address(request))
        # The same answer whether or not an account matched.
        return render(request, "accounts/password_reset_sent.html", {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60})
    return render(request, "accounts/password_reset_request.html", {"form": form})


def reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if token != TOKEN_IN_SESSION:
        request.session[RESET_TOKEN_KEY] = token
        return redirect("accounts:password_reset_link", uidb64, TOKEN_IN_SESSION)
    token = request.session.get(RESET_TOKEN_KEY, "")
    if services.user_for_reset_link(uidb64, token) is None:
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(uidb64=uidb64, token=token, new_password=form.cleaned_data["new_password"],
                                    address=client_address(request))
        except ValidationFailed as exc:
            show_problems(form, exc)
        else:
            del request.session[RESET_TOKEN_KEY]
            messages.success(request, "Your new password is set: sign in with it.")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_set.html", {"form": form}, status=422 if form.errors else 200)
