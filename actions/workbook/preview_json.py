"""An import's preview as JSON and back, whole: what a background job keeps with its
result (``jobs.Job.result_data``) for the preview page to show later, exactly as a
request that previewed it itself would have shown it.

Every field of the preview's dataclasses (``preview``: the preview, its rows, their
changes, the columns and values of the mapping step) is kept, the rows' read values
too (decimals, dates, sets of partners' ids, a name to create), each value tagged with
its type where JSON has none, so that ``decode(encode(preview)) == preview``. The
import's own types (dataclasses and named tuples of ``actions.workbook``) are named by
their module and name, and only those are made again; a value of a type not foreseen
here is refused (TypeError) rather than kept as something else.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import math
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise

from .preview import ImportPreview

TAG = "__type__"
# Where the types a preview is made of are defined (the import's modules).
_PACKAGE = "actions.workbook."


def _is_named_tuple(value: object) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_fields")


def _own(cls: type) -> bool:
    return cls.__module__.startswith(_PACKAGE) and (
        dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and hasattr(cls, "_fields"))
    )


def _class(tag: str) -> type:
    module, _dot, name = tag.rpartition(".")
    if not module.startswith(_PACKAGE):
        raise TypeError(f"not a part of an import preview: {tag!r}")
    cls = getattr(importlib.import_module(module), name, None)
    if not isinstance(cls, type) or not _own(cls):
        raise TypeError(f"not a part of an import preview: {tag!r}")
    return cls


def _tag(value: object) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


def encode(preview: ImportPreview) -> dict:
    return _encode(preview)


def decode(data: dict) -> ImportPreview:
    found = _decode(data)
    if not isinstance(found, ImportPreview):
        raise TypeError("not an import preview")
    return found


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {TAG: "float", "value": repr(value)}
    if isinstance(value, Promise):  # a lazy translation: the text in the active language
        return str(value)
    if not isinstance(value, type) and _own(type(value)):
        if _is_named_tuple(value):
            return {TAG: _tag(value), "items": [_encode(item) for item in value]}
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {TAG: _tag(value), **fields}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, (tuple, set, frozenset)):
        items = [_encode(item) for item in value]
        return {TAG: type(value).__name__, "items": items}
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value) and TAG not in value:
            return {key: _encode(item) for key, item in value.items()}
        return {TAG: "dict", "items": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, Decimal):
        return {TAG: "Decimal", "value": str(value)}
    if isinstance(value, datetime.datetime):
        return {TAG: "datetime", "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {TAG: "date", "value": value.isoformat()}
    if isinstance(value, datetime.time):
        return {TAG: "time", "value": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {TAG: "timedelta", "value": [value.days, value.seconds, value.microseconds]}
    raise TypeError(f"an import preview holds a {type(value).__name__}: {value!r}")


_SCALARS = {
    "float": float,
    "Decimal": Decimal,
    "datetime": datetime.datetime.fromisoformat,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat,
    "timedelta": lambda parts: datetime.timedelta(*parts),
}
_COLLECTIONS = {"tuple": tuple, "set": set, "frozenset": frozenset}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag is None:
        return {key: _decode(item) for key, item in value.items()}
    if tag in _SCALARS:
        return _SCALARS[tag](value["value"])
    if tag in _COLLECTIONS:
        return _COLLECTIONS[tag](_decode(item) for item in value["items"])
    if tag == "dict":
        return {_decode(key): _decode(item) for key, item in value["items"]}
    cls = _class(tag)
    if issubclass(cls, tuple):
        return cls(*(_decode(item) for item in value["items"]))
    fields = dataclasses.fields(cls)
    found = cls(**{f.name: _decode(value[f.name]) for f in fields if f.init and f.name in value})
    for f in fields:
        if not f.init and f.name in value:
            setattr(found, f.name, _decode(value[f.name]))
    return found
