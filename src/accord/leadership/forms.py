"""The leadership pages' forms. They only shape input; the services validate and refuse."""

from __future__ import annotations

from django import forms

from accord.leadership.catalogue import catalogue
from accord.leadership.models import GoalStatus, Handoff, LearningKind, Nature, Quadrant, Stance

LEVEL_CHOICES = [("", "—"), *[(str(level), f"{level}: {text}") for level, text in catalogue().levels.items()]]


def _skill_choices(*, blank: bool) -> list[tuple[str, str]]:
    choices = [(s.key, f"{s.name} ({s.kind})") for s in catalogue().skills]
    return [("", "—"), *choices] if blank else choices


class TimeEntryForm(forms.Form):
    week = forms.CharField(max_length=10, help_text="ISO week, e.g. 2026-W48")
    activity = forms.CharField(max_length=120)
    hours = forms.DecimalField(min_value=0, max_value=168, decimal_places=2)
    nature = forms.ChoiceField(choices=Nature.choices)
    handoff = forms.ChoiceField(choices=Handoff.choices, initial=Handoff.KEEP, label="Hand-off")
    note = forms.CharField(max_length=300, required=False)


class ShareForm(forms.Form):
    reader = forms.CharField(max_length=150, label="Share with (username)")


class PlanForm(forms.Form):
    person = forms.CharField(max_length=150, label="Person (username)")
    title = forms.CharField(max_length=120, label="Job title")


class AssessmentForm(forms.Form):
    skill = forms.ChoiceField(choices=())
    level = forms.TypedChoiceField(choices=LEVEL_CHOICES[1:], coerce=int)
    as_ = forms.ChoiceField(label="As", choices=())

    def __init__(self, *args: object, roles: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["skill"].choices = _skill_choices(blank=False)  # type: ignore[attr-defined]
        self.fields["as_"].choices = roles  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    title = forms.CharField(max_length=200)
    due_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    skill = forms.ChoiceField(choices=_skill_choices(blank=True), required=False)


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(choices=GoalStatus.choices)


class MentorForm(forms.Form):
    mentor = forms.CharField(max_length=150, required=False, label="Colleague (username)")
    external_name = forms.CharField(max_length=150, required=False, label="or an external mentor's name")
    external_organisation = forms.CharField(max_length=150, required=False)
    focus = forms.CharField(max_length=200, required=False)


class LearningForm(forms.Form):
    kind = forms.ChoiceField(choices=LearningKind.choices)
    title = forms.CharField(max_length=200)
    hours = forms.DecimalField(min_value=0, decimal_places=1)
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    skill = forms.ChoiceField(choices=_skill_choices(blank=True), required=False)


class RadarEntryForm(forms.Form):
    name = forms.CharField(max_length=120)
    quadrant = forms.ChoiceField(choices=Quadrant.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    prerequisites = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                    help_text="Security prerequisites, one per line.")
    project = forms.CharField(max_length=80, required=False, label="IT project (slug)")
    review_id = forms.IntegerField(min_value=1, required=False, label="Security review (id)")
    initiative = forms.CharField(max_length=80, required=False, label="Initiative (slug)")


class StanceForm(forms.Form):
    stance = forms.ChoiceField(choices=Stance.choices)
    reason = forms.CharField(max_length=500, required=False)
