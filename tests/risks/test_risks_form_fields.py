"""The distribution boxes read and write what a scenario file spells, for every shape."""

from __future__ import annotations

import pytest
from django import forms

from accord.risks.form_fields import DistributionField, DistributionWidget


@pytest.mark.parametrize("value", [
    {"pert": [0.5, 2.0, 10.0]}, {"triangular": [1.0, 2.0, 4.0]}, {"lognormal90": [20000.0, 900000.0]},
    {"uniform": [0.1, 0.3]}, {"constant": 0.8}, {"normal": [100.0, 15.0]},
])
def test_every_shape_survives_the_boxes(value):
    boxes = DistributionWidget().decompress(value)
    assert DistributionField().clean(["" if b is None else b for b in boxes]) == value


def test_the_boxes_a_shape_reads():
    assert DistributionWidget().decompress({"lognormal90": [5, 95]}) == ["lognormal90", 5, None, 95]
    assert DistributionWidget().decompress({"constant": 0.3}) == ["constant", None, 0.3, None]


def test_empty_is_not_used_and_numbers_need_a_shape():
    field = DistributionField(required=False)
    assert field.clean(["", "", "", ""]) is None
    with pytest.raises(forms.ValidationError, match="choose a shape"):
        field.clean(["", "1", "", ""])
