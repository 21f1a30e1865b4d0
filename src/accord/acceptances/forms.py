"""Forms of the acceptances pages; the services do the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.acceptances.models import SubjectKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class RequestForm(forms.Form):
    subject_kind = forms.ChoiceField(choices=SubjectKind.choices, widget=forms.RadioSelect, label="What is accepted")
    scenario = forms.ChoiceField(required=False, label="Risk scenario", help_text="When a risk scenario is accepted.")
    finding = forms.IntegerField(required=False, min_value=1, label="Finding number",
                                 help_text="When one finding is accepted (its number on the findings list).")
    cve = forms.ChoiceField(required=False, label="CVE", help_text="All open findings of this CVE.")
    fix = forms.ChoiceField(required=False, label="Fix", help_text="All open findings this fix closes.")
    expires_on = forms.DateField(widget=DATE, label="Accepted until", help_text="The last day it is in force; at most "
                                                                                 "a year ahead.")
    justification = forms.CharField(widget=TEXT, max_length=4000, help_text="Why the risk is accepted rather than "
                                                                            "treated: the business reason.")
    compensating_controls = forms.CharField(widget=TEXT, required=False, max_length=4000,
                                            help_text="What limits the risk meanwhile (segmentation, monitoring, ...).")

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initial = self.initial
        for name in ("scenario", "cve", "fix"):
            options = list(choices.get(name, []))
            wanted = str(initial.get(name) or "")
            if wanted and wanted not in {key for key, _ in options}:
                options.insert(0, (wanted, wanted))  # a group linked from elsewhere, beyond the list's first 200
            self.fields[name].choices = [("", "—"), *options]  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    role = forms.ChoiceField(choices=[("", "my role"), ("ciso", "CISO"), ("cio", "CIO")], required=False)
    comment = forms.CharField(required=False, widget=TEXT, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, widget=TEXT, max_length=4000)


class RenewForm(forms.Form):
    expires_on = forms.DateField(widget=DATE, label="Renew until")
    justification = forms.CharField(required=False, widget=TEXT, max_length=4000,
                                    help_text="Empty: the justification of the acceptance it renews.")


class ThresholdForm(forms.Form):
    dual_approval_threshold = forms.FloatField(min_value=0.01, label="Both leaders approve from")
