from __future__ import annotations

from django import forms

from accord.core.permissions import Role


class CodeForm(forms.Form):
    code = forms.CharField(max_length=20, label="Code", help_text="The six digits your authenticator app shows, "
                           "or one of your recovery codes.",
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code",
                                                         "inputmode": "text", "spellcheck": "false"}))


class SecondFactorPolicyForm(forms.Form):
    second_factor_roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Require a second factor for", help_text="Holders of these roles who sign in with a password must "
        "enrol an authenticator app before they can use anything else.")
