"""Forms of the steering pages. They only shape input; the services check it and refuse with the
field named."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.steering.models import Seat


def _user_choices(users: Any) -> list[tuple[str, str]]:
    return [("", "---")] + [(u.username, f"{u} ({u.username})") for u in users]


class MemberForm(forms.Form):
    user = forms.ChoiceField(label="Person")
    seat = forms.ChoiceField(choices=Seat.choices)
    business_service = forms.ChoiceField(required=False, label="Business service (representatives only)")

    def __init__(self, *args: Any, users: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = _user_choices(users)  # type: ignore[attr-defined]
        self.fields["business_service"].choices = [("", "---")] + [(str(s.pk), s.name) for s in services]  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Joint steering committee")
    starts_at = forms.DateTimeField(label="Starts at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    help_text="In the organisation's time zone.")
    location = forms.CharField(max_length=200, required=False)


class MinutesForm(forms.Form):
    attendees = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=50_000)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(m.user.username, str(m)) for m in members]  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000,
                             label="Why it needs a joint decision")
    url = forms.CharField(max_length=300, required=False, label="Link to the record",
                          help_text="A path in Accord (/risks/...) or an https:// address.")
    figures = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="One figure a line, 'label: figure with its unit', e.g. 'Cost: EUR 40,000'.")

    def clean_figures(self) -> list[tuple[str, str]]:
        pairs = []
        for number, line in enumerate(self.cleaned_data["figures"].splitlines(), start=1):
            if not line.strip():
                continue
            label, colon, value = line.partition(":")
            if not colon or not label.strip() or not value.strip():
                raise forms.ValidationError(f"line {number}: write 'label: figure with its unit'")
            pairs.append((label.strip(), value.strip()))
        return pairs


class DecisionForm(forms.Form):
    question = forms.CharField(max_length=300)
    options = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="The options considered, one a line; each carries the item's figures.")
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Decision")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
    refer_to_board = forms.BooleanField(required=False, label="Refer to the board (it goes into the board pack)")
    reverses_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class FollowUpForm(forms.Form):
    title = forms.CharField(max_length=300, required=False, label="Action")
    owner = forms.ChoiceField(required=False)
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due on")

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = _user_choices(users)  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    note = forms.CharField(max_length=5000, required=False)


class SettingsForm(forms.Form):
    breach_threshold = forms.IntegerField(min_value=1, max_value=1_000_000,
                                          label="Findings past due per business service")
    kev_breach_threshold = forms.IntegerField(min_value=1, max_value=1_000_000,
                                              label="KEV findings past due per business service")
