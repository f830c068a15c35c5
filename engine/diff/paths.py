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
    old_doc, new_doc = _load(old), _load(new)
    for path in ignore:
        old_doc, new_doc = without(old_doc, path.split(".")), without(new_doc, path.split("."))
    changes: list[ValueChange] = []
    _compare(old_doc, new_doc, "", changes)
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


def _load(value: Any) -> Any:
    """A JSON document from its text (NULL stays None)."""
    return json.loads(value) if isinstance(value, str) else value


def _compare(old: Any, new: Any, path: str, out: list[ValueChange]) -> None:
    """Append the differences below `path`."""
    if _same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            child = _join(path, key)
            if key not in new:
                out.append(ValueChange(child, old=old[key], new_present=False))
            elif key not in old:
                out.append(ValueChange(child, new=new[key], old_present=False))
            else:
                _compare(old[key], new[key], child, out)
        return
    if isinstance(old, list) and isinstance(new, list) and _has_objects(old, new):
        identity = list_identity(old, new)
        if identity:
            _compare_by_identity(old, new, path, identity, out)
        else:
            _compare_by_index(old, new, path, out)
        return
    out.append(ValueChange(path or "$", old=old, new=new))


def _same(old: Any, new: Any) -> bool:
    """Equal as JSON: 1, 1.0 and true are different values here."""
    if type(old) is not type(new):
        return False
    if isinstance(old, dict | list):
        return json.dumps(old, sort_keys=True) == json.dumps(new, sort_keys=True)
    return old == new


def _compare_by_identity(old: list[Any], new: list[Any], path: str, key: str, out: list[ValueChange]) -> None:
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
            _compare(before[ident], after[ident], child, out)


def _compare_by_index(old: list[Any], new: list[Any], path: str, out: list[ValueChange]) -> None:
    """Elements matched by position."""
    for index in range(max(len(old), len(new))):
        child = f"{path}[{index}]"
        if index >= len(new):
            out.append(ValueChange(child, old=old[index], new_present=False))
        elif index >= len(old):
            out.append(ValueChange(child, new=new[index], old_present=False))
        else:
            _compare(old[index], new[index], child, out)


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
