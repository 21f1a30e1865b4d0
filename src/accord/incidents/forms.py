"""Forms of the incident room's pages; the services do the validation that counts (their refusals
land on these forms field by field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory

from accord.incidents.models import (
    REGIME_FLAGS,
    Confidence,
    Incident,
    IncidentSettings,
    Likelihood,
    Phase,
    likelihood_with_range,
)
from accord.org.models import Asset, BusinessService, Person

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = {"rows": 3}


def _moment(label: str, *, required: bool = False, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=required, widget=DATETIME, help_text=help_text,
                               input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])


class IncidentForm(forms.ModelForm):
    """Open an incident, or edit its details (the phase has its own form)."""

    asset_names = forms.CharField(
        label="Affected assets", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Host names, separated by commas or new lines.")

    class Meta:
        model = Incident
        fields = ["title", "severity", "summary", "services", "asset_names", "commander", "began_at", "detected_at",
                  "reported_at", "aware_at", "contained_at", "resolved_at", "personal_data", "nis2_entity",
                  "material", "materiality_determined_at", "dora_major", "dora_classified_at"]
        widgets = {"summary": forms.Textarea(attrs=TEXT), "services": forms.CheckboxSelectMultiple,
                   **dict.fromkeys(("began_at", "detected_at", "reported_at", "aware_at", "contained_at",
                                    "resolved_at", "materiality_determined_at", "dora_classified_at"), DATETIME)}
        labels = {"services": "Affected business services", "began_at": "Began", "detected_at": "Detected",
                  "reported_at": "Reported (acknowledged by the response team)", "aware_at": "Aware (regulators)",
                  "contained_at": "Contained", "resolved_at": "Resolved",
                  "materiality_determined_at": "Materiality determined", "dora_classified_at": "Classified major (DORA)"}

    def __init__(self, *args: Any, opening: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = BusinessService.objects.order_by("criticality_tier", "name")  # type: ignore[attr-defined]
        self.fields["commander"].queryset = Person.objects.order_by("name")  # type: ignore[attr-defined]
        self.fields["reported_at"].required = False
        self.fields["reported_at"].help_text = "Empty: now."
        for name in ("began_at", "detected_at", "reported_at", "aware_at", "contained_at", "resolved_at",
                     "materiality_determined_at", "dora_classified_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",  # type: ignore[attr-defined]
                                               "%Y-%m-%d %H:%M"]
        if opening:
            for name in ("contained_at", "resolved_at"):
                del self.fields[name]
        if self.instance.pk is not None and not self.is_bound:
            self.initial["asset_names"] = ", ".join(a.hostname for a in self.instance.assets.all())

    def clean_asset_names(self) -> list[Asset]:
        names = [n.strip() for n in (self.cleaned_data.get("asset_names") or "").replace("\n", ",").split(",")]
        names = [n for n in names if n]
        found = {a.hostname: a for a in Asset.objects.filter(hostname__in=names)}
        unknown = [n for n in names if n not in found]
        if unknown:
            raise forms.ValidationError(f"no asset named {', '.join(unknown[:5])}")
        return [found[n] for n in dict.fromkeys(names)]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "asset_names"}
        data["services"] = list(data.get("services") or [])
        data["assets"] = self.cleaned_data.get("asset_names") or []
        return data


class UpdateForm(forms.Form):
    bottom_line = forms.CharField(widget=forms.Textarea(attrs=TEXT), max_length=2000,
                                  help_text="One or two sentences an executive reads first: what it means for the business.")
    facts = forms.CharField(label="What we know (facts)", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="One fact per line: observed, not assessed.")
    unknowns = forms.CharField(label="What we do not know yet", required=False, widget=forms.Textarea(attrs=TEXT),
                               help_text="One per line.")
    decisions_needed = forms.CharField(label="Decisions needed from the CIO or executives", required=False,
                                       widget=forms.Textarea(attrs=TEXT), help_text="One per line.")
    records_low = forms.IntegerField(label="Records affected: low", required=False, min_value=0)
    records_high = forms.IntegerField(label="Records affected: high", required=False, min_value=0)
    downtime_hours_low = forms.DecimalField(label="Downtime hours: low", required=False, min_value=0, decimal_places=2)
    downtime_hours_high = forms.DecimalField(label="Downtime hours: high", required=False, min_value=0,
                                             decimal_places=2)
    other_cost_low = forms.DecimalField(label="Other costs: low", required=False, min_value=0, decimal_places=2)
    other_cost_high = forms.DecimalField(label="Other costs: high", required=False, min_value=0, decimal_places=2)
    cost_note = forms.CharField(label="What the other costs are", required=False, max_length=300)
    next_update_at = _moment("Next update", help_text="Empty: the severity's interval from now.")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "bottom_line": data["bottom_line"], "facts": data.get("facts") or "",
            "unknowns": data.get("unknowns") or "", "decisions_needed": data.get("decisions_needed") or "",
            "records": (data.get("records_low"), data.get("records_high")),
            "downtime_hours": (data.get("downtime_hours_low"), data.get("downtime_hours_high")),
            "other_cost": (data.get("other_cost_low"), data.get("other_cost_high")),
            "cost_note": data.get("cost_note") or "", "next_update_at": data.get("next_update_at"),
        }


LIKELIHOOD_CHOICES = [("", "how likely?"), *((t.value, likelihood_with_range(t.value)) for t in Likelihood)]
CONFIDENCE_CHOICES = [("", "confidence?"), *Confidence.choices]


class JudgementForm(forms.Form):
    statement = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    likelihood = forms.ChoiceField(choices=LIKELIHOOD_CHOICES, required=False)
    confidence = forms.ChoiceField(choices=CONFIDENCE_CHOICES, required=False)
    basis = forms.CharField(required=False, max_length=2000, help_text="What it rests on.")


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", required=False, max_length=500)
    owner = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), required=False)
    due = _moment("Due")


JudgementFormSet = formset_factory(JudgementForm, extra=3, max_num=40)
ActionFormSet = formset_factory(ActionForm, extra=2, max_num=40)


class PhaseForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "phase_%s")
        super().__init__(*args, **kwargs)

    phase = forms.ChoiceField(choices=Phase.choices)
    at = _moment("When", help_text="Empty: now.")
    note = forms.CharField(required=False, max_length=1000)


class NoteForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)

    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    at = _moment("When it happened", help_text="Empty: now.")


class RegulatorForm(forms.Form):
    report = forms.ChoiceField(label="Report sent", help_text="Which regime's report was sent.")
    at = _moment("Sent at", help_text="Empty: now.")
    authority = forms.CharField(required=False, max_length=200, help_text="e.g. the national CSIRT.")
    reference = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, reports: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "regulator_%s")
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = reports or []  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "decision_%s")
        super().__init__(*args, **kwargs)

    question = forms.CharField(max_length=300)
    outcome = forms.CharField(label="Decided", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class ReviewForm(forms.Form):
    held_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    summary = forms.CharField(widget=forms.Textarea(attrs=TEXT))
    root_cause = forms.CharField(required=False, widget=forms.Textarea(attrs=TEXT))
    went_well = forms.CharField(label="What went well", required=False, widget=forms.Textarea(attrs=TEXT))
    to_improve = forms.CharField(label="What to improve", required=False, widget=forms.Textarea(attrs=TEXT))


class LessonForm(forms.Form):
    text = forms.CharField(label="Lesson learned", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    action = forms.CharField(label="Action that follows", required=False, max_length=500)
    owner = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), required=False)
    due = _moment("Due")


class SettingsForm(forms.ModelForm):
    regimes = forms.MultipleChoiceField(
        choices=[(k, k.upper()) for k in sorted(REGIME_FLAGS)], required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The regulatory regimes that bind the organisation.")

    class Meta:
        model = IncidentSettings
        fields = ["sev1_first_minutes", "sev1_every_minutes", "sev2_first_minutes", "sev2_every_minutes",
                  "sev3_first_minutes", "sev3_every_minutes", "sev4_first_minutes", "sev4_every_minutes", "regimes",
                  "deadline_notice_hours"]
        labels = {f"sev{s}_{k}_minutes": f"Severity {s}: {'first note after' if k == 'first' else 'then every'} (minutes)"
                  for s in (1, 2, 3, 4) for k in ("first", "every")}
