"""Which paths of two JSON documents differ: objects by key, lists by an obvious identity or by index."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

from sounding.engine.diff.model import ValueChange

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Keys that name an element of a list of objects, tried in this order.
_IDENTITY_KEYS = ("Key", "Name", "Id", "Arn", "ARN", "name", "id", "arn", "key")
_IDENTITY_SUFFIXES = ("Arn", "Id", "Name", "ARN")


def json_changes(old: Any, new: Any, *, ignore: Collection[str] = ()) -> list[ValueChange]:
    """Every path whose value differs between two JSON documents; dotted paths in `ignore` are skipped."""
    (old_doc, old_nan), (new_doc, new_nan) = _load(old), _load(new)
    for path in ignore:
        old_doc, new_doc = without(old_doc, path.split(".")), without(new_doc, path.split("."))
    changes: list[ValueChange] = []
    _compare(old_doc, new_doc, "", changes, old_nan or new_nan)
    return changes


def without(doc: Any, keys: list[str]) -> Any:
    """A copy of `doc` lacking the value at the key path (objects only); unchanged when absent."""
    if not keys or not isinstance(doc, dict) or keys[0] not in doc:
        return doc
    head, rest = keys[0], keys[1:]
    copy = dict(doc)
    if rest:
        copy[head] = without(doc[head], rest)
    else:
        del copy[head]
    return copy


def _load(value: Any) -> tuple[Any, bool]:
    """A JSON document from its text (NULL stays None), and whether it may hold a NaN.

    NaN is the one value unequal to itself: only where one may occur does each object and list of
    objects need a whole-subtree check before its parts are compared (see `_compare`).
    """
    if not isinstance(value, str):
        return value, isinstance(value, dict | list | float)
    seen: list[str] = []

    def constant(name: str) -> float:
        seen.append(name)
        return float(name)

    return json.loads(value, parse_constant=constant), "NaN" in seen


def _compare(old: Any, new: Any, path: str, out: list[ValueChange], nan: bool) -> None:
    """Append the differences below `path`.

    Two objects (or lists of objects) that encode to the same JSON text have no difference. Without
    a NaN that is also what comparing their parts finds, so the whole-subtree check, which would
    cost the subtree's size at every level, is made only where a NaN may occur (`nan`).
    """
    if isinstance(old, dict) and isinstance(new, dict):
        if nan and _same(old, new):
            return
        for key in sorted(set(old) | set(new)):
            child = _join(path, key)
            if key not in new:
                out.append(ValueChange(child, old=old[key], new_present=False))
            elif key not in old:
                out.append(ValueChange(child, new=new[key], old_present=False))
            else:
                _compare(old[key], new[key], child, out, nan)
        return
    if isinstance(old, list) and isinstance(new, list) and _has_objects(old, new):
        if nan and _same(old, new):
            return
        identity = list_identity(old, new)
        if identity:
            _compare_by_identity(old, new, path, identity, out, nan)
        else:
            _compare_by_index(old, new, path, out, nan)
        return
    if not _same(old, new):
        out.append(ValueChange(path or "$", old=old, new=new))


def _same(old: Any, new: Any) -> bool:
    """Equal as JSON: 1, 1.0 and true are different values here."""
    if type(old) is not type(new):
        return False
    if isinstance(old, dict | list):
        return _same_json(old, new)
    return old == new


def _same_json(old: Any, new: Any) -> bool:
    """Whether two documents encode to the same JSON text with sorted keys, without encoding them."""
    if type(old) is not type(new):
        return False
    if isinstance(old, dict):
        return old.keys() == new.keys() and all(_same_json(value, new[key]) for key, value in old.items())
    if isinstance(old, list):
        return len(old) == len(new) and all(_same_json(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, float):
        return repr(old) == repr(new)  # as json.dumps writes them: -0.0 is not 0.0, NaN is NaN
    return bool(old == new)


def _compare_by_identity(old: list[Any], new: list[Any], path: str, key: str, out: list[ValueChange],
                         nan: bool) -> None:
    """Elements matched by the value of their identity key, e.g. Tags[Key=Owner]."""
    before = {_render(item[key]): item for item in old}
    after = {_render(item[key]): item for item in new}
    for ident in sorted(set(before) | set(after)):
        child = f"{path}[{key}={ident}]"
        if ident not in after:
            out.append(ValueChange(child, old=before[ident], new_present=False))
        elif ident not in before:
            out.append(ValueChange(child, new=after[ident], old_present=False))
        else:
            _compare(before[ident], after[ident], child, out, nan)


def _compare_by_index(old: list[Any], new: list[Any], path: str, out: list[ValueChange], nan: bool) -> None:
    """Elements matched by position."""
    for index in range(max(len(old), len(new))):
        child = f"{path}[{index}]"
        if index >= len(new):
            out.append(ValueChange(child, old=old[index], new_present=False))
        elif index >= len(old):
            out.append(ValueChange(child, new=new[index], old_present=False))
        else:
            _compare(old[index], new[index], child, out, nan)


def _has_objects(old: list[Any], new: list[Any]) -> bool:
    """Lists of objects are compared element by element; lists of scalars as one value."""
    return any(isinstance(item, dict | list) for item in (*old, *new))


def list_identity(old: list[Any], new: list[Any]) -> str | None:
    """A key every element of both lists has, with scalar values unique within each list."""
    items = [*old, *new]
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    common = set(items[0]).intersection(*items[1:])
    candidates = [k for k in _IDENTITY_KEYS if k in common]
    candidates += sorted(k for k in common if k.endswith(_IDENTITY_SUFFIXES) and k not in candidates)
    for key in candidates:
        if all(_unique_scalars([item[key] for item in side]) for side in (old, new)):
            return key
    return None


def _unique_scalars(values: list[Any]) -> bool:
    """Values that are strings or numbers and all different."""
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        return False
    return len({_render(v) for v in values}) == len(values)


def _render(value: Any) -> str:
    """A scalar as it appears inside a path."""
    return value if isinstance(value, str) else json.dumps(value)


def _join(path: str, key: str) -> str:
    """`path.key`, or `path["odd key"]` when the key is not an identifier."""
    if _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"
