"""Forms that render and parse the organisation pages; the services do the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.org.models import Asset, BusinessService, Person, Team


class BusinessServiceForm(forms.ModelForm):
    class Meta:
        model = BusinessService
        fields = ["name", "description", "owner", "criticality_tier", "downtime_cost_per_hour", "mission_impact",
                  "loss_if_compromised"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "job_title", "team", "email"]


class AssetForm(forms.ModelForm):
    tags = forms.CharField(required=False, help_text="Separated by commas, e.g. pci, erp.")

    class Meta:
        model = Asset
        fields = ["hostname", "ip_address", "kind", "environment", "operating_system", "business_service",
                  "team", "internet_exposed", "isolated", "tags"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tag_list)


class AssetImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header row; see the columns below.")
