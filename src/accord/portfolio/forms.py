"""Forms of the portfolio pages. They parse text into the services' arguments; the services validate."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from accord.portfolio.models import BudgetScenario, EffectFactor, Initiative


def capacity_text(rows: Any) -> str:
    return "; ".join(f"{c.team.name}={c.units:g}" for c in rows)


def parse_capacity(text: str) -> dict[str, Any]:
    """'Security Operations=2; Platform Engineering=1' -> {name: units}; bad parts raise ValidationError."""
    out: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, sep, units = part.partition("=")
        if not sep:
            raise forms.ValidationError(f"{part!r} is not 'Team name=units'")
        try:
            out[name.strip()] = float(units)
        except ValueError:
            raise forms.ValidationError(f"{units.strip()!r} is not a number") from None
    return out


class CapacityField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Team name=units, separated by ';' (e.g. Security Operations=2).")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> dict[str, Any]:
        return parse_capacity(super().clean(value) or "")


class InitiativeForm(forms.ModelForm):
    requires_list = forms.ModelMultipleChoiceField(
        queryset=Initiative.objects.none(), required=False, label="Requires",
        help_text="Cannot be chosen without these.", widget=forms.SelectMultiple(attrs={"size": 6}))
    excludes_list = forms.ModelMultipleChoiceField(
        queryset=Initiative.objects.none(), required=False, label="Excludes",
        help_text="Never chosen together with these.", widget=forms.SelectMultiple(attrs={"size": 6}))
    capacity_units = CapacityField(label="Team capacity used")
    csf = forms.CharField(required=False, label="NIST CSF 2.0 subcategories",
                          help_text="Ids separated by commas, e.g. PR.AA-01, DE.CM-01.")

    class Meta:
        model = Initiative
        fields = ["slug", "title", "description", "sponsor", "one_off_cost", "annual_cost", "duration_months",
                  "status", "mandatory"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Initiative.objects.order_by("title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            self.fields["slug"].disabled = True
            if not self.is_bound:
                self.initial["requires_list"] = list(self.instance.requires.all())
                self.initial["excludes_list"] = list(self.instance.excludes.all())
                self.initial["capacity_units"] = capacity_text(self.instance.capacity.select_related("team"))
                self.initial["csf"] = ", ".join(self.instance.csf_subcategories)
        for name in ("requires_list", "excludes_list"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
            field.queryset = others

    def _post_clean(self) -> None:
        """The service validates the model (and names the fields); skip ModelForm's own copy of it."""

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["requires"] = [i.slug for i in data.pop("requires_list") or []]
        data["excludes"] = [i.slug for i in data.pop("excludes_list") or []]
        data["capacity"] = data.pop("capacity_units")
        data["csf_subcategories"] = [s.strip().upper() for s in (data.pop("csf") or "").split(",") if s.strip()]
        return data


class EffectForm(forms.Form):
    scenario = forms.ChoiceField(help_text="The risk scenario it changes.")
    factor = forms.ChoiceField(choices=EffectFactor.choices,
                               help_text="The FAIR factor it multiplies by (1 - effectiveness).")
    effectiveness = forms.CharField(
        help_text='A distribution within [0, 1] as JSON, e.g. {"pert": [0.2, 0.4, 0.6]} or {"constant": 0.3}.')

    def __init__(self, *args: Any, scenarios: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scenario"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = scenarios

    def clean_effectiveness(self) -> Any:
        try:
            return json.loads(self.cleaned_data["effectiveness"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"not valid JSON: {exc.msg}") from None


class BudgetScenarioForm(forms.ModelForm):
    capacity_units = CapacityField(label="Team capacity available")

    class Meta:
        model = BudgetScenario
        fields = ["name", "fiscal_year", "budget", "horizon_years", "discount_rate", "dual_approval_above"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["capacity_units"] = capacity_text(self.instance.capacity.select_related("team"))

    def _post_clean(self) -> None:
        """The service validates the model."""

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["capacity"] = data.pop("capacity_units")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header row; see the columns below.")


class ApproveForm(forms.Form):
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Added to the decision record (conditions, follow-ups).")
