"""Forms of the vulnerability pages; the services do the validation that counts."""

from __future__ import annotations

from django import forms

from accord.engine.vulns import ScanFormat
from accord.vulns.models import DecisionChoice

# Every format the engine reads, so the page never lags behind the command line and the API.
FORMATS = [("auto", "recognise from the content"), *((item.value, item.label) for item in ScanFormat)]


class ScanImportForm(forms.Form):
    file = forms.FileField(help_text="Nessus, Tenable, Greenbone/OpenVAS, Qualys, SARIF, CycloneDX, DefectDojo or "
                                     "generic CSV")
    format = forms.ChoiceField(choices=FORMATS, initial="auto")
    scope = forms.CharField(max_length=200, required=False,
                            help_text="What the scan covers (default: the file name). Findings open in this scope "
                                      "and absent from the file are marked fixed.")
    application = forms.CharField(
        max_length=253, required=False, label="Application or asset",
        help_text="For code and component findings (SARIF, CycloneDX, DefectDojo without a host): an existing asset "
                  "of this name, else a new application. Default: named from the file (its repository or BOM).")
    service = forms.CharField(max_length=150, required=False, label="Business service",
                              help_text="The business service of the assets this import discovers (optional).")


class FeedForm(forms.Form):
    kind = forms.ChoiceField(choices=[("kev", "CISA KEV catalogue (JSON)"), ("epss", "FIRST EPSS daily CSV")])
    file = forms.FileField()


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(choices=DecisionChoice.choices)
    justification = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="Why this decision fits better (kept in the audit trail).")


class SlaPolicyForm(forms.Form):
    act_days = forms.IntegerField(min_value=0, max_value=3650, label="act: days")
    attend_days = forms.IntegerField(min_value=0, max_value=3650, label="attend: days")
    track_star_days = forms.IntegerField(min_value=0, max_value=3650, label="track*: days")
    track_days = forms.IntegerField(min_value=0, max_value=3650, label="track: days")
    due_soon_days = forms.IntegerField(min_value=0, max_value=3650, initial=7, label="'due soon' window, days")
    kev_days = forms.IntegerField(min_value=0, max_value=3650, required=False, label="KEV-listed: days",
                                  help_text="From the later of first seen and the day the CVE entered CISA's KEV "
                                            "catalogue (empty: as in force).")
    bound_by_bod_22_01 = forms.BooleanField(
        required=False, label="Bound by CISA BOD 22-01 (US federal civilian agency)",
        help_text="When ticked, CISA's own KEV due dates bind too; otherwise they are shown as a reference.")
    reason = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
