"""Forms that render and parse the patch planner's pages; the services do the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.engine.patching.recurrence import parse_simple, simple_rule
from accord.org.models import Asset
from accord.patching.models import Cluster, ExposureAssumptions, Freeze, MaintenanceWindow

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


REPEATS = [("once", "once"), ("daily", "every day"), ("weekly", "every week (on the first start's weekday)"),
           ("fortnightly", "every other week"), ("monthly", "every month (on the first start's day)"),
           ("custom", "custom: the RRULE below")]


class WindowForm(forms.ModelForm):
    """A window is built as "every Saturday 22:00, 13 times": the first start sets the day and the
    time, `repeat` and `times` the rest. The RRULE field is for what the choices cannot say."""

    repeat = forms.ChoiceField(choices=REPEATS, initial="weekly", required=False,
                               help_text="Not given: “custom” when an RRULE is, else once.")
    times = forms.IntegerField(min_value=1, max_value=1000, required=False,
                               help_text="How many occurrences; empty: no end (the plan's horizon limits it).")

    class Meta:
        model = MaintenanceWindow
        fields = ["name", "business_service", "asset_tag", "start", "duration_minutes", "max_changes", "repeat",
                  "times", "rrule"]
        widgets = {"start": DATETIME}
        labels = {"rrule": "Custom recurrence (RRULE)", "start": "First start"}
        help_texts = {"rrule": "Only with “custom”, e.g. FREQ=MONTHLY;BYDAY=2SA (the second Saturday)."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            simple = parse_simple(self.instance.rrule)
            if simple is None:
                self.initial.update(repeat="custom")
            else:
                self.initial.update(repeat=simple[0], times=simple[1], rrule="")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = (data.get("rrule") or "").strip()
        repeat = data.get("repeat") or ("custom" if rule else "once")
        if repeat == "custom":
            if not rule:
                self.add_error("rrule", "write the rule, or choose how often the window repeats")
        elif repeat:
            if rule:
                self.add_error("rrule", "leave empty unless the repeat is “custom”")
            elif repeat == "once" and data.get("times"):
                self.add_error("times", "a window that happens once has no count")
            else:
                data["rrule"] = simple_rule(repeat, data.get("times"))
        return data

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        # repeat and times are not the model's: the service is given the rule they make
        self.cleaned_data.pop("repeat", None)
        self.cleaned_data.pop("times", None)


class FreezeForm(forms.ModelForm):
    class Meta:
        model = Freeze
        fields = ["start", "end", "reason"]
        widgets = {"start": DATETIME, "end": DATETIME}


class ClusterForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(queryset=Asset.objects.order_by("hostname"), required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 12}))

    class Meta:
        model = Cluster
        fields = ["name", "max_down", "members"]


class GenerateForm(forms.Form):
    horizon_days = forms.IntegerField(min_value=1, max_value=366, initial=91)
    disruption_budget = forms.FloatField(min_value=0, required=False,
                                         help_text="Most downtime cost the plan may spend (empty: no cap).")
    time_limit = forms.FloatField(min_value=0.5, max_value=600, initial=10,
                                  help_text="Seconds for the whole plan, its frontier included.")
    frontier_points = forms.IntegerField(min_value=1, max_value=20, initial=5,
                                         help_text="Priced points on the trade-off (the recommended one always).")


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=300)


class DecisionForm(forms.Form):
    justification = forms.CharField(max_length=2000, required=False)


class GroupDecisionForm(forms.Form):
    by = forms.ChoiceField(choices=[("action", "action"), ("service", "service"), ("asset", "asset")])
    key = forms.CharField(max_length=300, required=False)
    justification = forms.CharField(max_length=2000, required=False)


class AssumptionsForm(forms.ModelForm):
    """The assumptions as fields; probabilities as fractions (0.2 is 20%)."""

    class Meta:
        model = ExposureAssumptions
        fields = [*ExposureAssumptions.FACTORS, "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "reach_internet": "Reach: internet-exposed", "reach_internal": "Reach: internal",
            "reach_isolated": "Reach: isolated", "kev_floor": "KEV floor (30-day probability)",
            "prior_none": "No EPSS, no known exploitation", "prior_public": "No EPSS, public proof of concept",
            "prior_active": "No EPSS, active exploitation", "non_production_factor": "Non-production loss factor",
            "unvalued_host_loss": "Loss of a host nothing values", "breach_penalty": "Objective weight per SLA breach",
        }
