"""Forms that render and parse the culture pages; the services do the validation that counts."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.accounts import selectors as account_selectors
from accord.core.clock import today
from accord.core.permissions import Actor, can
from accord.culture.models import ActivityKind, Campaign, Channel, Stakeholder
from accord.org import selectors as org_selectors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class ProgrammeTeamForm(forms.Form):
    team: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, empty_label="choose an IT team",
                                                          help_text="An IT team the programme should cover.")

    def __init__(self, *args: Any, viewer: Actor, exclude: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = org_selectors.teams_visible_to(viewer).exclude(pk__in=exclude)  # type: ignore[attr-defined]


class ChampionForm(forms.Form):
    person: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None)
    team: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, help_text="Empty: the person's own team.")
    appointed_on = forms.DateField(widget=DATE, initial=today)
    focus = forms.CharField(max_length=200, required=False, help_text="What they champion: secure code, cloud, ...")

    def __init__(self, *args: Any, viewer: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = org_selectors.people_visible_to(viewer)  # type: ignore[attr-defined]
        self.fields["team"].queryset = org_selectors.teams_visible_to(viewer)  # type: ignore[attr-defined]


class StepDownForm(forms.Form):
    on = forms.DateField(widget=DATE, initial=today, label="Stepped down on")


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices)
    title = forms.CharField(max_length=200)
    on = forms.DateField(widget=DATE, initial=today)
    hours = forms.DecimalField(min_value=0, max_value=200, decimal_places=1, initial=0)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "audience", "audience_size", "starts_on", "ends_on", "training_completed"]
        widgets = {"starts_on": DATE, "ends_on": DATE}
        labels = {"training_completed": "Completed the training"}


class PhishingUploadForm(forms.Form):
    file = forms.FileField(help_text="GoPhish's results CSV (Export CSV on the campaign), or the columns "
                                     "email, clicked, reported (and optionally delivered, opened, submitted_data, "
                                     "sent_at).")


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "role", "person", "owner", "keeper", "influence", "preferred_channel", "cadence_days",
                  "last_contact_on", "priorities", "notes"]
        widgets = {"last_contact_on": DATE, "priorities": TEXT, "notes": TEXT}
        labels = {"owner": "Whose relationship", "cadence_days": "Cadence (days)"}

    def __init__(self, *args: Any, viewer: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = org_selectors.people_visible_to(viewer)  # type: ignore[attr-defined]
        if can(viewer, "user.read"):
            self.fields["keeper"].queryset = account_selectors.users_visible_to(viewer)  # type: ignore[attr-defined]
        else:
            del self.fields["keeper"]
        if self.instance.pk is not None:
            del self.fields["last_contact_on"]  # moves with the contacts logged


class ContactForm(forms.Form):
    on = forms.DateField(widget=DATE, initial=today, label="Day")
    channel = forms.ChoiceField(choices=Channel.choices)
    summary = forms.CharField(widget=TEXT, required=False,
                              help_text="Sensitive: read only by the CISO, the CIO and the relationship's keeper.")
