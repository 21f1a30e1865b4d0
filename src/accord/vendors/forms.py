"""Forms that render and parse the vendor pages; the services do the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.vendors.models import FindingStatus, Vendor, VendorTier
from accord.vendors.questionnaire import Questionnaire

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class VendorForm(forms.ModelForm):
    class Meta:
        model = Vendor
        fields = ["name", "slug", "service_provided", "data_accessed", "data_sensitivity", "criticality",
                  "business_services", "owner", "contract_start", "contract_end", "status", "previous_review_on"]
        widgets = {"contract_start": DATE, "contract_end": DATE, "previous_review_on": DATE,
                   "service_provided": TEXT, "data_accessed": TEXT,
                   "business_services": forms.CheckboxSelectMultiple}
        labels = {"slug": "Id", "previous_review_on": "Last review before Accord"}
        help_texts = {"slug": "Short id the API and the command line use; empty: made from the name. It cannot "
                              "change later."}

    def __init__(self, *args: Any, people: Any = None, services: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk is not None:
            del self.fields["slug"]
        if people is not None:
            self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        if services is not None:
            self.fields["business_services"].queryset = services  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header row; see the columns below.")


class TierForm(forms.Form):
    tier = forms.ChoiceField(choices=[("", "the matrix's tier"), *VendorTier.choices], required=False)
    reason = forms.CharField(widget=TEXT, help_text="Why the tier differs from the matrix's (or applies again).")


class ChoiceOfRows(forms.Form):
    """One choice among rows given by the view (read through their app's selectors)."""

    choice = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, rows: list[tuple[str, str]] = (), label: str = "",  # type: ignore[assignment]
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["choice"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = list(rows)
        field.label = label


class FindingForm(forms.Form):
    text = forms.CharField(widget=TEXT, label="Finding")
    owner: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None)
    due_on = forms.DateField(widget=DATE, label="Due on")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]


class CloseFindingForm(forms.Form):
    status = forms.ChoiceField(choices=[(FindingStatus.RESOLVED, "Resolved"), (FindingStatus.ACCEPTED, "Accept as is")])
    note = forms.CharField(required=False, widget=forms.TextInput(), help_text="Required to accept as is.")


class AssessmentForm(forms.Form):
    """One radio group per question of the questionnaire, the day, notes and an optional first finding."""

    assessed_on = forms.DateField(widget=DATE, label="Assessed on")
    notes = forms.CharField(required=False, widget=TEXT)
    finding = forms.CharField(required=False, widget=TEXT, label="A finding (optional)",
                              help_text="More can be added on the vendor's page.")
    finding_owner: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    finding_due_on = forms.DateField(widget=DATE, required=False)

    def __init__(self, *args: Any, questionnaire: Questionnaire, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questionnaire.questions
        for question in questionnaire.questions:
            self.fields[f"q_{question.id}"] = forms.ChoiceField(
                label=f"{question.text} (weight {question.weight:g})", widget=forms.RadioSelect,
                choices=[(a.key, a.label) for a in question.answers])
        self.fields["finding_owner"].queryset = people  # type: ignore[attr-defined]
        # The questions first, then the day, notes and finding.
        self.order_fields([f"q_{q.id}" for q in questionnaire.questions])

    def answers(self) -> dict[str, str]:
        return {q.id: self.cleaned_data[f"q_{q.id}"] for q in self.questions}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("finding") and (not data.get("finding_owner") or not data.get("finding_due_on")):
            self.add_error("finding_owner", "a finding needs an owner and a due day")
        return data
