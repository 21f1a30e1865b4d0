"""Forms that render and parse the patch planner's pages; the services do the validation that counts."""

from __future__ import annotations

from django import forms

from accord.org.models import Asset
from accord.patching.models import Cluster, ExposureAssumptions, Freeze, MaintenanceWindow

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WindowForm(forms.ModelForm):
    class Meta:
        model = MaintenanceWindow
        fields = ["name", "business_service", "asset_tag", "start", "duration_minutes", "max_changes", "rrule"]
        widgets = {"start": DATETIME}
        labels = {"rrule": "Recurrence (RRULE)"}


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
