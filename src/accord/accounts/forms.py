from __future__ import annotations

from typing import Any

from django import forms

from accord.core.permissions import Role


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(max_length=200, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'laptop CLI'.")
    expires_in_days = forms.IntegerField(required=False, min_value=1, max_value=3650,
                                         help_text="Leave empty for a token that lasts until revoked.")


class UserForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="Letters, digits and . _ @ + - only.")
    display_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput, max_length=200,
                               help_text="At least 10 characters, not a common password.")
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple)


class NewPasswordForm(forms.Form):
    """A new password typed twice; the service checks it against the password rules."""

    new_password = forms.CharField(max_length=200, help_text="At least 10 characters, not a common password.",
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    new_password_again = forms.CharField(max_length=200, label="New password again",
                                         widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password_again") not in (None, data["new_password"]):
            self.add_error("new_password_again", "The two new passwords differ.")
        return data


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(max_length=200, label="Current password",
                                   widget=forms.PasswordInput(attrs={"autocomplete": "current-password",
                                                                     "autofocus": True}))
    field_order = ["old_password", "new_password", "new_password_again"]


class PasswordResetRequestForm(forms.Form):
    login = forms.CharField(max_length=254, label="Username or email address",
                            widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
