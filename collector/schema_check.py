"""A small JSON Schema (2020-12 subset) validator: the keywords the manifest schema uses, and no others.

Sounding validates its own manifest schema with it instead of taking a runtime dependency on the
`jsonschema` package and its four dependencies; the tests check, with `jsonschema` itself, that the
schema is valid and that both validators accept and refuse the same manifests.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

SUPPORTED = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "type", "const", "enum", "pattern",
    "minLength", "minimum", "properties", "required", "additionalProperties", "propertyNames", "minProperties",
    "items", "minItems", "maxItems", "allOf", "if", "then", "else",
})
_TYPES: dict[str, Any] = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}


class SchemaViolation(ValueError):
    """An instance does not match the schema; the message names the place and the rule broken."""


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """A schema pattern, compiled once."""
    return re.compile(pattern)


def _is_type(value: Any, kind: str) -> bool:
    """Whether value is of a JSON Schema type (a bool is neither integer nor number)."""
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def _where(path: str) -> str:
    """A place in the instance, for messages."""
    return path or "the top level"


def validate(instance: Any, schema: dict[str, Any]) -> None:
    """Raise SchemaViolation at the first place instance breaks schema."""
    _check(instance, schema, schema, "")


def _check(value: Any, node: dict[str, Any], root: dict[str, Any], path: str) -> None:
    """Check one value against one schema node."""
    unknown = set(node) - SUPPORTED
    if unknown:
        raise ValueError(f"schema keyword {sorted(unknown)[0]} is not supported")
    if "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"only local $defs references are supported, not {ref}")
        _check(value, root["$defs"][ref.removeprefix("#/$defs/")], root, path)
    if "type" in node:
        kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_is_type(value, k) for k in kinds):
            raise SchemaViolation(f"{_where(path)} must be {' or '.join(kinds)}, not {_json_type(value)}")
    if "const" in node and (value != node["const"] or type(value) is not type(node["const"])):
        raise SchemaViolation(f"{_where(path)} must be {node['const']!r}")
    if "enum" in node and value not in node["enum"]:
        raise SchemaViolation(f"{_where(path)} must be one of {', '.join(map(str, node['enum']))}")
    if isinstance(value, str):
        _check_string(value, node, path)
    if "minimum" in node and _is_type(value, "number") and value < node["minimum"]:
        raise SchemaViolation(f"{_where(path)} must be at least {node['minimum']}")
    if isinstance(value, dict):
        _check_object(value, node, root, path)
    if isinstance(value, list):
        _check_array(value, node, root, path)
    for part in node.get("allOf", []):
        _check(value, part, root, path)
    if "if" in node:
        try:
            _check(value, node["if"], root, path)
            branch = node.get("then")
        except SchemaViolation:
            branch = node.get("else")
        if branch is not None:
            _check(value, branch, root, path)


def _check_string(value: str, node: dict[str, Any], path: str) -> None:
    """String keywords: minLength and pattern."""
    if len(value) < node.get("minLength", 0):
        raise SchemaViolation(f"{_where(path)} must not be empty" if node["minLength"] == 1
                              else f"{_where(path)} is shorter than {node['minLength']} characters")
    if "pattern" in node and not _compiled(node["pattern"]).search(value):
        raise SchemaViolation(f"{_where(path)} has an invalid value {value[:60]!r}")


def _check_object(value: dict[str, Any], node: dict[str, Any], root: dict[str, Any], path: str) -> None:
    """Object keywords: required, properties, propertyNames, additionalProperties, minProperties."""
    for name in node.get("required", []):
        if name not in value:
            raise SchemaViolation(f"{_where(path)} lacks {name}")
    if len(value) < node.get("minProperties", 0):
        raise SchemaViolation(f"{_where(path)} is empty" if node["minProperties"] == 1
                              else f"{_where(path)} has fewer than {node['minProperties']} members")
    properties = node.get("properties", {})
    extra = node.get("additionalProperties", True)
    for name, member in value.items():
        here = f"{path}.{name}" if path else name
        if "propertyNames" in node:
            try:
                _check(name, node["propertyNames"], root, here)
            except SchemaViolation:
                raise SchemaViolation(f"{here}: the name {name[:60]!r} is not allowed here") from None
        if name in properties:
            _check(member, properties[name], root, here)
        elif extra is False:
            raise SchemaViolation(f"{here} is not a known member")
        elif isinstance(extra, dict):
            _check(member, extra, root, here)


def _check_array(value: list[Any], node: dict[str, Any], root: dict[str, Any], path: str) -> None:
    """Array keywords: minItems, maxItems, items."""
    if len(value) < node.get("minItems", 0):
        raise SchemaViolation(f"{_where(path)} is empty" if node["minItems"] == 1
                              else f"{_where(path)} has fewer than {node['minItems']} items")
    if "maxItems" in node and len(value) > node["maxItems"]:
        raise SchemaViolation(f"{_where(path)} has more than {node['maxItems']} items")
    if "items" in node:
        for number, item in enumerate(value):
            _check(item, node["items"], root, f"{path}[{number}]")


def _json_type(value: Any) -> str:
    """The JSON type name of a parsed value."""
    for kind in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _is_type(value, kind):
            return kind
    return type(value).__name__
