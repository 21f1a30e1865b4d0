"""Forms that render and parse the reviews pages; the services do the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.org.models import Person
from accord.reviews.models import WEEKDAY_NAMES as _WEEKDAYS
from accord.reviews.models import ItProject, Tier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
TIER_CHOICES = [("", "the tier table's"), *Tier.choices]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ItProject
        fields = ["name", "slug", "description", "owner", "sponsor", "business_service", "go_live",
                  "data_classification", "exposure", "third_parties", "third_party_names", "status", "gate_fail_on",
                  "gate_fail_on_new"]
        widgets = {"go_live": DATE, "description": TEXT}
        labels = {"slug": "Id", "gate_fail_on": "Pipeline gate fails on", "gate_fail_on_new": "Gate fails on new results"}
        help_texts = {"slug": "Short id the pipeline gate and the command line use; empty: made from the name. "
                              "It cannot change later."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk is not None:
            del self.fields["slug"]


class ProjectImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header row; see the columns below.")


class RequestForm(forms.Form):
    scope = forms.CharField(required=False, widget=TEXT, help_text="What to look at: features, data, deadlines.")
    tier = forms.ChoiceField(choices=TIER_CHOICES, required=False)
    tier_reason = forms.CharField(required=False, widget=TEXT, label="Why another tier",
                                  help_text="Needed when the tier is not the table's.")


class TriageForm(forms.Form):
    tier = forms.ChoiceField(choices=TIER_CHOICES, required=False, help_text="Leave as is to keep the review's tier.")
    tier_reason = forms.CharField(required=False, widget=TEXT, label="Why another tier")
    reviewer = forms.ChoiceField(required=False, choices=())
    note = forms.CharField(required=False, widget=TEXT)

    def __init__(self, *args: Any, reviewers: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.reviewers = {str(u.pk): u for u in reviewers}
        field = self.fields["reviewer"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "no one yet"), *[(k, str(u)) for k, u in self.reviewers.items()]]

    def clean_reviewer(self) -> Any:
        return self.reviewers.get(self.cleaned_data.get("reviewer") or "")


class NoteForm(forms.Form):
    note = forms.CharField(required=False, widget=TEXT)


class QuestionForm(forms.Form):
    question = forms.CharField(widget=TEXT, help_text="The review waits on the requester, its clock paused.")


class AnswerForm(forms.Form):
    answer = forms.CharField(widget=TEXT, help_text="The review goes back to the reviewer; its clock runs again.")


class TierForm(forms.Form):
    tier = forms.ChoiceField(choices=Tier.choices)
    reason = forms.CharField(widget=TEXT)


class ConditionForm(forms.Form):
    text = forms.CharField(widget=TEXT, label="Condition")
    owner = forms.ModelChoiceField(queryset=Person.objects.order_by("name"))
    due_on = forms.DateField(widget=DATE, label="Due on")


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("approved", "Approve"), ("conditions", "Approve with conditions"),
                                         ("rejected", "Reject")])
    note = forms.CharField(required=False, widget=TEXT, help_text="Required to reject.")
    condition = forms.CharField(required=False, widget=TEXT, label="A condition (optional)",
                                help_text="With “approve with conditions”; add more below the review.")
    condition_owner = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), required=False)
    condition_due_on = forms.DateField(widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("condition") and (not data.get("condition_owner") or not data.get("condition_due_on")):
            self.add_error("condition_owner", "a condition needs an owner and a due day")
        return data


class CloseConditionForm(forms.Form):
    status = forms.ChoiceField(choices=[("met", "Met"), ("waived", "Waived")])
    note = forms.CharField(widget=forms.TextInput(), help_text="How it was met, or why it is waived.")


class SlaPolicyForm(forms.Form):
    triage_days = forms.DecimalField(min_value=0.25, max_value=250, decimal_places=2, label="Triage (business days)")
    light_days = forms.DecimalField(min_value=0.25, max_value=250, decimal_places=2, label="Light (business days)")
    full_days = forms.DecimalField(min_value=0.25, max_value=250, decimal_places=2,
                                   label="Full, threat model (business days)")
    vendor_days = forms.DecimalField(min_value=0.25, max_value=250, decimal_places=2, label="Vendor (business days)")
    emergency_days = forms.DecimalField(min_value=0.25, max_value=250, decimal_places=2,
                                        label="Emergency (business days)")
    reason = forms.CharField(required=False, widget=TEXT)


class CalendarForm(forms.Form):
    country = forms.CharField(required=False, max_length=2, help_text="ISO code for public holidays, e.g. DE; empty: none.")
    subdivision = forms.CharField(required=False, max_length=10, help_text="e.g. BY (Bavaria); optional.")
    day_start = forms.TimeField(widget=TIME, label="Working day starts")
    day_end = forms.TimeField(widget=TIME, label="Working day ends")
    workdays = forms.TypedMultipleChoiceField(choices=list(enumerate(_WEEKDAYS)), coerce=int,
                                              widget=forms.CheckboxSelectMultiple, label="Working days")


class GateForm(forms.Form):
    file = forms.FileField(label="SARIF file", help_text="SARIF 2.1.0, as the pipeline's scanners write it.")
