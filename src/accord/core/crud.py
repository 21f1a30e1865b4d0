"""The create/update path every simple domain record shares: check, validate, save, audit.

Domain services stay named verbs (`create_asset`, `update_team`) and delegate here, so the rules
(capability check, full model validation with field-named errors, audit row in the same
transaction) live in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction

from accord.core import audit
from accord.core.errors import Problem, ValidationFailed
from accord.core.permissions import Actor, require

M = TypeVar("M", bound=models.Model)


def problems_from_django(exc: DjangoValidationError) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        return [Problem(field=field if field != "__all__" else "", message=" ".join(messages))
                for field, messages in exc.message_dict.items()]
    return [Problem(field="", message=m) for m in exc.messages]


def validate(instance: models.Model) -> None:
    """Run the model's own validation; refuse with every field's problem at once."""
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(problems_from_django(exc)) from None


def _assign(instance: models.Model, fields: Mapping[str, Any]) -> None:
    known = {f.name for f in instance._meta.concrete_fields} | {f.attname for f in instance._meta.concrete_fields}
    for name, value in fields.items():
        if name not in known:
            raise ValidationFailed.field(name, "unknown field")
        setattr(instance, name, value)


def _save(instance: models.Model) -> None:
    validate(instance)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a race past full_clean's uniqueness check
        raise ValidationFailed.field("", f"conflicts with an existing record ({exc})") from None


@transaction.atomic
def create_row(*, actor: Actor, model: type[M], capability: str, fields: Mapping[str, Any]) -> M:
    require(actor, capability)
    instance = model()
    _assign(instance, fields)
    _save(instance)
    audit.record(actor, f"{model._meta.model_name}.created", instance, after=audit.snapshot(instance))
    return instance


@transaction.atomic
def update_row(*, actor: Actor, instance: M, capability: str, changes: Mapping[str, Any]) -> M:
    require(actor, capability)
    before = audit.snapshot(instance)
    _assign(instance, changes)
    _save(instance)
    after = audit.snapshot(instance)
    audit.record_change(actor, f"{instance._meta.model_name}.updated", instance, before, after)
    return instance
