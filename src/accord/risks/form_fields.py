"""Form fields for numbers people estimate: a distribution as a shape and low / most likely / high
boxes, and the board's appetite as a table of amounts and chances. (Scenario files keep the YAML
spelling; these fields read and write the same data, `{pert: [low, mode, high]}`.)"""

from __future__ import annotations

import json
import math
from typing import Any

from django import forms

# shape -> which of the three boxes (low, most likely, high) it reads, and what each box means for it
SHAPES: dict[str, tuple[str, tuple[str, str, str]]] = {
    "pert": ("PERT: low, most likely, high", ("low", "most likely", "high")),
    "triangular": ("Triangular: low, most likely, high", ("low", "most likely", "high")),
    "lognormal90": ("Lognormal: 90% between low and high", ("low (5th percentile)", "", "high (95th percentile)")),
    "uniform": ("Uniform: anywhere between low and high", ("low", "", "high")),
    "constant": ("A fixed value", ("", "value", "")),
    "normal": ("Normal: mean and standard deviation", ("mean", "", "standard deviation")),
}


def _boxes(shape: str) -> tuple[bool, bool, bool]:
    labels = SHAPES[shape][1]
    return bool(labels[0]), bool(labels[1]), bool(labels[2])


class DistributionWidget(forms.MultiWidget):
    template_name = "risks/widgets/distribution.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        choices = [("", "not used"), *((name, label) for name, (label, _) in SHAPES.items())]
        number = {"step": "any", "inputmode": "decimal", "class": "num-box"}
        super().__init__([forms.Select(choices=choices, attrs={"class": "shape"}),
                          forms.NumberInput(attrs={**number, "aria-label": "low"}),
                          forms.NumberInput(attrs={**number, "aria-label": "most likely"}),
                          forms.NumberInput(attrs={**number, "aria-label": "high"})], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if not isinstance(value, dict) or len(value) != 1:
            return ["", None, None, None]
        shape, numbers = next(iter(value.items()))
        if shape not in SHAPES:
            return ["", None, None, None]
        numbers = numbers if isinstance(numbers, list) else [numbers]
        boxes = iter(numbers)
        return [shape, *(next(boxes, None) if used else None for used in _boxes(shape))]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["shapes_json"] = json.dumps({name: labels for name, (_, labels) in SHAPES.items()})
        return context


class DistributionField(forms.MultiValueField):
    """A FAIR input: a shape and its numbers, as `{shape: [numbers]}` (a constant: `{constant: x}`)."""

    widget = DistributionWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.ChoiceField(choices=[("", ""), *((name, name) for name in SHAPES)], required=False),
                  forms.FloatField(required=False), forms.FloatField(required=False), forms.FloatField(required=False))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dict[str, Any] | None:
        if not data_list or not data_list[0]:
            if data_list and any(v is not None for v in data_list[1:]):
                raise forms.ValidationError("choose a shape for these numbers")
            return None
        shape, *numbers = data_list
        labels = SHAPES[shape][1]
        values = []
        for label, number in zip(labels, numbers, strict=True):
            if not label:
                if number is not None:
                    raise forms.ValidationError(f"{SHAPES[shape][0].split(':')[0]} uses no such number: "
                                                "leave that box empty")
                continue
            if number is None:
                raise forms.ValidationError(f"give the {label}")
            if not math.isfinite(number):
                raise forms.ValidationError(f"the {label} must be a number")
            values.append(number)
        return {shape: values[0] if shape == "constant" else values}


APPETITE_ROWS = 6


class AppetiteWidget(forms.MultiWidget):
    template_name = "risks/widgets/appetite.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = []
        for n in range(APPETITE_ROWS):
            widgets += [forms.NumberInput(attrs={"step": "any", "min": "0", "aria-label": f"loss {n + 1}"}),
                        forms.NumberInput(attrs={"step": "any", "min": "0", "max": "100",
                                                 "aria-label": f"tolerated chance {n + 1} (%)"})]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        rows = list(value or [])[:APPETITE_ROWS]
        flat: list[Any] = []
        for loss, probability in rows:
            flat += [loss, round(float(probability) * 100, 6)]
        return flat + [None] * (2 * APPETITE_ROWS - len(flat))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(value, list) and (not value or isinstance(value[0], list | tuple)):
            value = self.decompress(value)  # the stored rows (MultiWidget only decompresses non-lists)
        context = super().get_context(name, value, attrs)
        subs = context["widget"]["subwidgets"]
        context["rows"] = [(subs[2 * n], subs[2 * n + 1]) for n in range(APPETITE_ROWS)]
        return context


class AppetiteField(forms.MultiValueField):
    """The board's appetite: up to six rows of (a year's loss, the chance of exceeding it the board
    tolerates, in %), stored as [[loss, probability], ...] sorted by loss."""

    widget = AppetiteWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = []
        for _ in range(APPETITE_ROWS):
            fields += [forms.FloatField(required=False, min_value=0),
                       forms.FloatField(required=False, min_value=0, max_value=100)]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> list[list[float]]:
        rows = []
        for n in range(0, len(data_list or []), 2):
            loss, percent = data_list[n], data_list[n + 1]
            if loss is None and percent is None:
                continue
            if loss is None or percent is None:
                raise forms.ValidationError(f"row {n // 2 + 1}: give both the loss and the chance")
            rows.append([loss, percent / 100])
        return sorted(rows)
