"""Forms of the scorecard pages: KRI thresholds to propose, and a partnership retrospective."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.metrics import registry

DIRECTION_CHOICES = [(registry.HIGHER_IS_WORSE, "higher is worse"), (registry.LOWER_IS_WORSE, "lower is worse")]
ACTION_ROWS = 3


class ThresholdsForm(forms.Form):
    """Amber and red for every KRI, pre-filled with the thresholds in force."""

    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data: Any = None, *, effective: dict[str, registry.Thresholds]) -> None:
        initial: dict[str, Any] = {}
        for d in registry.kris():
            limits = effective[d.key]
            initial.update({f"{d.key}__direction": limits.direction, f"{d.key}__amber": limits.amber,
                            f"{d.key}__red": limits.red})
        super().__init__(data, initial=initial)
        for d in registry.kris():
            unit = "money" if d.unit == "money" else d.unit
            self.fields[f"{d.key}__direction"] = forms.ChoiceField(label=f"{d.label}: direction",
                                                                   choices=DIRECTION_CHOICES)
            self.fields[f"{d.key}__amber"] = forms.FloatField(label=f"{d.label}: amber ({unit})")
            self.fields[f"{d.key}__red"] = forms.FloatField(label=f"{d.label}: red ({unit})")
        self.order_fields([*[f for f in self.fields if f != "reason"], "reason"])

    def thresholds(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {d.key: {"direction": data[f"{d.key}__direction"], "amber": data[f"{d.key}__amber"],
                        "red": data[f"{d.key}__red"]} for d in registry.kris()}


class RetrospectiveForm(forms.Form):
    worked = forms.CharField(label="What worked", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    strained = forms.CharField(label="What strained", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(1, ACTION_ROWS + 1):
            self.fields[f"action{index}_title"] = forms.CharField(label=f"Action {index}", required=False,
                                                                  max_length=200)
            self.fields[f"action{index}_owner"] = forms.ChoiceField(label=f"Action {index}: owner", required=False,
                                                                    choices=[("", "—"), *owners])
            self.fields[f"action{index}_due_on"] = forms.DateField(
                label=f"Action {index}: due", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in range(1, ACTION_ROWS + 1):
            title = data.get(f"action{index}_title")
            if title and not data.get(f"action{index}_owner"):
                self.add_error(f"action{index}_owner", "an action needs an owner")
            if title and not data.get(f"action{index}_due_on"):
                self.add_error(f"action{index}_due_on", "an action needs a due date")
        return data

    def action_rows(self) -> list[list[forms.BoundField]]:
        """Each action's title, owner and due day, to lay out side by side."""
        return [[self[f"action{i}_{part}"] for part in ("title", "owner", "due_on")] for i in range(1, ACTION_ROWS + 1)]

    def actions(self) -> list[dict[str, Any]]:
        """The filled action rows as (title, owner username, due day)."""
        data = self.cleaned_data
        return [{"title": data[f"action{i}_title"], "owner": data[f"action{i}_owner"], "due_on": data[f"action{i}_due_on"]}
                for i in range(1, ACTION_ROWS + 1) if data.get(f"action{i}_title")]
