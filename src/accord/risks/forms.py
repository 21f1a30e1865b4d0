"""Forms of the risk pages. Each FAIR input is one field: a shape and its low / most likely / high
boxes, read as the scenario file spells it (`{pert: [0.5, 2, 10]}`), so an error of the engine lands
beside the input it is about."""

from __future__ import annotations

from typing import Any

import yaml
from django import forms

from accord.core.errors import ValidationFailed
from accord.risks.fair import DISTRIBUTION_KEYS
from accord.risks.form_fields import AppetiteField, DistributionField
from accord.risks.models import ControlFactor, ScenarioStatus, Treatment, YearModel

INPUT_HELP = {
    "lef": ("Loss events per year, given directly (instead of TEF and vulnerability).", "{constant: 0.8}"),
    "tef": ("Threat events per year.", "{pert: [0.5, 2, 10]}"),
    "vulnerability": ("Probability that a threat event becomes a loss event.", "{pert: [0.05, 0.2, 0.5]}"),
    "threat_capability": ("Instead of vulnerability: the attacker's capability (compared per event).",
                          "{pert: [40, 60, 90]}"),
    "resistance_strength": ("With threat capability: the strength of the defences, same scale.",
                            "{pert: [50, 70, 85]}"),
    "primary_loss": ("Loss per loss event (response, outage, replacement).", "{pert: [10000, 150000, 2000000]}"),
    "secondary_loss_event_frequency": ("Probability that a loss event also has secondary effects.",
                                       "{constant: 0.3}"),
    "secondary_loss": ("Secondary loss (fines, reputation, customers), when it happens.",
                       "{lognormal90: [50000, 5000000]}"),
}

def flow(value: Any) -> str:
    """A value in YAML's one-line flow style, as the form shows it."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def parse_flow(value: str) -> Any:
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise forms.ValidationError(f"not readable: {getattr(exc, 'problem', None) or exc}") from None


class YamlField(forms.CharField):
    """Text in the scenario file's spelling, returned as data (empty -> None)."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return parse_flow(text) if text else None


def put_problems(form: forms.BaseForm, exc: ValidationFailed) -> None:
    """A service's refusal on the form: `inputs.tef.pert[2]` goes beside the `tef` field,
    `it_owner_id` beside `it_owner`; anything else on top, with its field named."""
    for problem in exc.problems:
        path = problem.field.removeprefix("inputs.")
        head = path.split(".")[0].split("[")[0].removesuffix("_id")
        detail = path[len(head):].lstrip(".")
        if head in form.fields:
            form.add_error(head, f"{detail}: {problem.message}" if detail else problem.message)
        else:
            form.add_error(None, str(problem))


class ScenarioForm(forms.Form):
    slug = forms.SlugField(max_length=80, label="Id", help_text="Letters, digits, - and _ (the id in scenario files).")
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    it_owner: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, label="IT owner")
    security_owner: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    business_service: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    assets: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 6}))
    treatment = forms.ChoiceField(choices=Treatment.choices, initial=Treatment.MITIGATE)
    status = forms.ChoiceField(choices=ScenarioStatus.choices, initial=ScenarioStatus.DRAFT)
    events = forms.ChoiceField(
        choices=[("poisson", "Poisson: any number of loss events a year"),
                 ("bernoulli", "Bernoulli: at most one loss event a year")], initial="poisson")

    INPUT_FIELDS = DISTRIBUTION_KEYS

    def __init__(self, *args: Any, people: Any, services: Any, assets: Any, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["it_owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["security_owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["business_service"].queryset = services  # type: ignore[attr-defined]
        self.fields["assets"].queryset = assets  # type: ignore[attr-defined]
        for key in DISTRIBUTION_KEYS:
            text, example = INPUT_HELP[key]
            self.fields[key] = DistributionField(required=False, label=key.replace("_", " "),
                                                 help_text=f"{text} In a scenario file: {example}.")
        if editing:
            del self.fields["slug"]

    @classmethod
    def initial_for(cls, scenario: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": scenario.name, "description": scenario.description, "it_owner": scenario.it_owner_id,
            "security_owner": scenario.security_owner_id, "business_service": scenario.business_service_id,
            "assets": [a.pk for a in scenario.assets.all()], "treatment": scenario.treatment,
            "status": scenario.status, "events": scenario.inputs.get("events", "poisson"),
        }
        for key in DISTRIBUTION_KEYS:
            if key in scenario.inputs:
                initial[key] = scenario.inputs[key]
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        inputs = {key: data[key] for key in DISTRIBUTION_KEYS if data.get(key) is not None}
        if data.get("events") == "bernoulli":
            inputs["events"] = "bernoulli"
        fields = {key: data[key] for key in ("name", "description", "it_owner", "security_owner",
                                              "business_service", "treatment", "status")}
        if "slug" in data:
            fields["slug"] = data["slug"]
        fields["inputs"] = {key: inputs[key] for key in ("lef", "tef", "vulnerability", "threat_capability",
                                                         "resistance_strength", "events", "primary_loss",
                                                         "secondary_loss_event_frequency", "secondary_loss")
                            if key in inputs}
        fields["assets"] = list(data.get("assets") or [])
        return fields


class ControlForm(forms.Form):
    name = forms.CharField(max_length=200)
    factor = forms.ChoiceField(choices=ControlFactor.choices)
    effectiveness = DistributionField(help_text="Share of the factor the control removes, between 0 and 1 "
                                                "(a PERT of 0.2, 0.4, 0.6: most likely 40%).")
    annual_cost = forms.FloatField(min_value=0, initial=0, help_text="What the control costs a year.")
    in_place = forms.BooleanField(required=False, help_text=(
        "Already implemented: its effect is part of the scenario's inputs, so it is not simulated again. "
        "Leave unticked for a proposed control (what-if: ΔALE and ROSI)."))

    @staticmethod
    def initial_for(control: Any) -> dict[str, Any]:
        return {"name": control.name, "factor": control.factor, "effectiveness": control.effectiveness,
                "annual_cost": control.annual_cost, "in_place": control.in_place}


class SettingsForm(forms.Form):
    currency = forms.CharField(max_length=8)
    appetite = AppetiteField(required=False, label="Board appetite", help_text=(
        "Each row: a year's loss, and the chance of losing more than that in a year the board accepts "
        "(e.g. 1,000,000 at 10%, 10,000,000 at 1%). Leave a row empty to drop it."))
    default_years = forms.IntegerField(min_value=1_000, max_value=1_000_000, label="Simulated years",
                                       help_text="Of every stored run (1,000 to 1,000,000).")
    seed = forms.IntegerField(min_value=0, max_value=2**63 - 1)
    model = forms.ChoiceField(choices=YearModel.choices)
    correlation = YamlField(required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}), help_text=(
        "Rank correlation for the portfolio: {ids: [ransomware-erp, bec], matrix: [[1, 0.4], [0.4, 1]]}."))

    @staticmethod
    def initial_for(settings: Any) -> dict[str, Any]:
        return {"currency": settings.currency, "appetite": settings.appetite or [],
                "default_years": settings.default_years, "seed": settings.seed, "model": settings.model,
                "correlation": flow(settings.correlation) if settings.correlation else ""}


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A scenario file: YAML, or JSON when its name ends in .json.")
