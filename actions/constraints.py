"""Checking a row's CheckConstraints in Python rather than with a query each.

Django validates a ``CheckConstraint`` by asking the database (``Q.check``: one
SELECT, and a savepoint around it inside a transaction). The importer validates
thousands of rows, each against five constraints, so those queries were most of
its time. The conditions of ``Action``'s constraints are comparisons of a field
with a constant or another field, and ``IS NULL`` tests, which Python evaluates
with SQL's three-valued logic, as the database would; whatever else a condition
holds is still checked by Django's own query.
"""

from __future__ import annotations

import operator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Q

_COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class _Undecided(Exception):
    """The condition holds something this module does not evaluate."""


class _Excluded(Exception):
    """The condition names a field left out of validation: Django skips it too."""


def _and(results: list[bool | None]) -> bool | None:
    if any(result is False for result in results):
        return False
    return None if any(result is None for result in results) else True


def _or(results: list[bool | None]) -> bool | None:
    if any(result is True for result in results):
        return True
    return None if any(result is None for result in results) else False


def _value(values: dict[str, Any], name: str):
    if name not in values:
        raise _Excluded
    return values[name]


def _evaluate(node, values: dict[str, Any]) -> bool | None:
    """True, False, or None for SQL's NULL (unknown)."""
    if isinstance(node, Q):
        results = [_evaluate(child, values) for child in node.children]
        result = _and(results) if node.connector == Q.AND else _or(results)
        if node.negated and result is not None:
            result = not result
        return result
    if not isinstance(node, tuple) or len(node) != 2:
        raise _Undecided
    lookup, right = node
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    left = _value(values, name)
    if isinstance(right, F):
        if "__" in right.name:
            raise _Undecided
        right = _value(values, right.name)
    elif hasattr(right, "resolve_expression"):
        raise _Undecided
    if kind == "isnull":
        if not isinstance(right, bool):
            raise _Undecided
        return (left is None) == right
    if kind not in _COMPARISONS or (kind == "exact" and right is None):
        raise _Undecided
    if left is None or right is None:
        return None
    if hasattr(left, "resolve_expression"):
        raise _Undecided
    try:
        return _COMPARISONS[kind](left, right)
    except TypeError:
        raise _Undecided from None


def validate_constraints(instance, exclude=None) -> None:
    """What ``Model.validate_constraints`` does, with the check constraints that
    Python can decide decided without a query; raises the same ValidationError."""
    exclude = set(exclude or ())
    meta = instance._meta
    values = {
        field.name: getattr(instance, field.attname)
        for field in meta.local_concrete_fields
        if field.name not in exclude and not field.generated
    }
    if "pk" not in exclude:
        values["pk"] = instance.pk
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, CheckConstraint) and model_class is type(instance):
                    try:
                        passed = _evaluate(constraint.condition, values) is not False
                    except _Excluded:
                        continue
                    except _Undecided:
                        constraint.validate(model_class, instance, exclude=exclude, using=using)
                        continue
                    if not passed:
                        raise ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        )
                else:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(exc)
                else:
                    errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
