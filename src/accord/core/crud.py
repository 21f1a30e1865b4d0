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


def _nulls_in_non_null_columns(instance: models.Model) -> list[Problem]:
    """Fields set to None whose column cannot hold NULL and that full_clean lets through.

    full_clean skips every check of an empty value in a `blank=True` field, so `description=None`
    on a text column that may be blank but not NULL would reach the database as an IntegrityError.
    Keys and timestamps the save itself fills (`auto_now`, `auto_now_add`) are left alone.
    """
    problems = []
    for field in instance._meta.concrete_fields:
        if field.null or not field.blank or field.primary_key or field.generated \
                or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if getattr(instance, field.attname) is None:
            problems.append(Problem(field=field.name, message="must not be null"))
    return problems


def validate(instance: models.Model) -> None:
    """Run the model's own validation; refuse with every field's problem at once."""
    nulls = _nulls_in_non_null_columns(instance)
    if nulls:  # before full_clean: a model's clean() may call string methods on the value
        raise ValidationFailed(nulls)
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
