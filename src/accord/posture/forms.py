"""Forms that render and parse the posture pages; the services do the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.posture.models import Tier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCORES = [("", "not scored"), *((str(n), str(n)) for n in range(5))]
SCORE_HELP = "0 not done, 1 initial, 2 partly done, 3 done and repeatable, 4 done, measured and improved."


class AssessmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    assessed_on = forms.DateField(widget=DATE, label="Assessed on", help_text="The day the profile describes.")
    framework_key = forms.ChoiceField(label="Framework")
    tier = forms.TypedChoiceField(choices=[("", "not set"), *Tier.choices], coerce=int, empty_value=None,
                                  required=False, label="CSF tier")
    copy_from = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Start from",
                                       help_text="Copy the scores of an earlier assessment of the same framework.")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, frameworks: list[Any], assessments: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework_key"].choices = [(f.key, f.title) for f in frameworks]  # type: ignore[attr-defined]
        self.fields["copy_from"].choices = [  # type: ignore[attr-defined]
            ("", "nothing: an empty assessment"),
            *((a.pk, f"{a.title} ({a.assessed_on}, {a.framework_key})") for a in assessments)]


class AssessmentEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    assessed_on = forms.DateField(widget=DATE, label="Assessed on")
    tier = forms.TypedChoiceField(choices=[("", "not set"), *Tier.choices], coerce=int, empty_value=None,
                                  required=False, label="CSF tier")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ScoreForm(forms.Form):
    current = forms.TypedChoiceField(choices=SCORES, coerce=int, empty_value=None, required=False, help_text=SCORE_HELP)
    target = forms.TypedChoiceField(choices=SCORES, coerce=int, empty_value=None, required=False)
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               help_text="What shows the current score: documents, tickets, test results.")
    owner = forms.TypedChoiceField(coerce=int, empty_value=None, required=False,
                                   help_text="Who owns this outcome.")
    scored_on = forms.DateField(widget=DATE, required=False, label="Scored on", help_text="Empty: today.")

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "nobody named"), *((u.pk, u.username) for u in people)]  # type: ignore[attr-defined]


class FileForm(forms.Form):
    file = forms.FileField()


class CatalogueImportForm(forms.Form):
    key = forms.SlugField(max_length=60, help_text="Short id for the framework, e.g. csf-2.1 or my-controls.")
    file = forms.FileField(help_text="An OSCAL catalogue in JSON.")
