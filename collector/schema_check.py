"""A small JSON Schema (2020-12 subset) validator: the keywords the manifest schema uses, and no others.

Sounding validates its own manifest schema with it instead of taking a runtime dependency on the
`jsonschema` package and its four dependencies; the tests check, with `jsonschema` itself, that the
schema is valid and that both validators accept and refuse the same manifests. The schema is
compiled once into closures, so a manifest of 10,000 accounts checks in well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

SUPPORTED = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "type", "const", "enum", "pattern",
    "minLength", "minimum", "properties", "required", "additionalProperties", "propertyNames", "minProperties",
    "items", "minItems", "maxItems", "allOf", "if", "then", "else",
})
_TYPES: dict[str, Any] = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}

# A place in the instance: None (the top level) or (parent place, member name or item index).
Place = tuple[Any, str | int] | None
Check = Callable[[Any, Place], None]


class SchemaViolation(ValueError):
    """An instance does not match the schema; the message names the place and the rule broken."""


def _where(place: Place) -> str:
    """A place as `tables.regions.files[0]`, for messages."""
    parts: list[str] = []
    while place is not None:
        place, key = place
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    text = "".join(reversed(parts)).lstrip(".")
    return text or "the top level"


def _is_type(value: Any, kind: str) -> bool:
    """Whether value is of a JSON Schema type (a bool is neither integer nor number)."""
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def _json_type(value: Any) -> str:
    """The JSON type name of a parsed value."""
    for kind in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _is_type(value, kind):
            return kind
    return type(value).__name__


_COMPILED: dict[int, Check] = {}


def validate(instance: Any, schema: dict[str, Any]) -> None:
    """Raise SchemaViolation at the first place instance breaks schema."""
    check = _COMPILED.get(id(schema))
    if check is None:
        check = _COMPILED[id(schema)] = _Compiler(schema).compile(schema)
    check(instance, None)


class _Compiler:
    """Turns schema nodes into check functions, once each ($ref cycles resolved lazily)."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.done: dict[int, Check] = {}
        self.building: set[int] = set()

    def compile(self, node: dict[str, Any]) -> Check:
        """The check of one schema node (a schema whose $refs form a cycle is refused)."""
        key = id(node)
        if key in self.building:
            raise ValueError("recursive $ref is not supported")
        if key not in self.done:
            self.building.add(key)
            self.done[key] = self._build(node)
            self.building.discard(key)
        return self.done[key]

    def _build(self, node: dict[str, Any]) -> Check:
        unknown = set(node) - SUPPORTED
        if unknown:
            raise ValueError(f"schema keyword {sorted(unknown)[0]} is not supported")
        checks: list[Check] = []
        if "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"only local $defs references are supported, not {ref}")
            checks.append(self.compile(self.root["$defs"][ref.removeprefix("#/$defs/")]))
        if "type" in node:
            checks.append(_type_check(node["type"] if isinstance(node["type"], list) else [node["type"]]))
        if "const" in node:
            checks.append(_const_check(node["const"]))
        if "enum" in node:
            checks.append(_enum_check(node["enum"]))
        if {"minLength", "pattern"} & set(node):
            checks.append(_string_check(node.get("minLength", 0), node.get("pattern")))
        if "minimum" in node:
            checks.append(_minimum_check(node["minimum"]))
        if {"required", "minProperties", "properties", "additionalProperties", "propertyNames"} & set(node):
            checks.append(self._object_check(node))
        if {"minItems", "maxItems", "items"} & set(node):
            checks.append(self._array_check(node))
        checks.extend(self.compile(part) for part in node.get("allOf", []))
        if "if" in node:
            checks.append(self._if_check(node))
        if len(checks) == 1:
            return checks[0]

        def run_all(value: Any, place: Place) -> None:
            for check in checks:
                check(value, place)
        return run_all

    def _object_check(self, node: dict[str, Any]) -> Check:
        required = list(node.get("required", []))
        least = node.get("minProperties", 0)
        properties = {name: self.compile(sub) for name, sub in node.get("properties", {}).items()}
        extra = node.get("additionalProperties", True)
        extra_check = self.compile(extra) if isinstance(extra, dict) else None
        names = self.compile(node["propertyNames"]) if "propertyNames" in node else None

        def check(value: Any, place: Place) -> None:
            if not isinstance(value, dict):
                return
            for name in required:
                if name not in value:
                    raise SchemaViolation(f"{_where(place)} lacks {name}")
            if len(value) < least:
                raise SchemaViolation(f"{_where(place)} is empty" if least == 1
                                      else f"{_where(place)} has fewer than {least} members")
            for name, member in value.items():
                here = (place, name)
                if names is not None:
                    try:
                        names(name, here)
                    except SchemaViolation:
                        raise SchemaViolation(f"{_where(here)}: the name {name[:60]!r} is not allowed here") from None
                sub = properties.get(name)
                if sub is not None:
                    sub(member, here)
                elif extra is False:
                    raise SchemaViolation(f"{_where(here)} is not a known member")
                elif extra_check is not None:
                    extra_check(member, here)
        return check

    def _array_check(self, node: dict[str, Any]) -> Check:
        least, most = node.get("minItems", 0), node.get("maxItems")
        items = self.compile(node["items"]) if "items" in node else None

        def check(value: Any, place: Place) -> None:
            if not isinstance(value, list):
                return
            if len(value) < least:
                raise SchemaViolation(f"{_where(place)} is empty" if least == 1
                                      else f"{_where(place)} has fewer than {least} items")
            if most is not None and len(value) > most:
                raise SchemaViolation(f"{_where(place)} has more than {most} items")
            if items is not None:
                for number, item in enumerate(value):
                    items(item, (place, number))
        return check

    def _if_check(self, node: dict[str, Any]) -> Check:
        condition = self.compile(node["if"])
        then = self.compile(node["then"]) if "then" in node else None
        otherwise = self.compile(node["else"]) if "else" in node else None

        def check(value: Any, place: Place) -> None:
            try:
                condition(value, place)
                branch = then
            except SchemaViolation:
                branch = otherwise
            if branch is not None:
                branch(value, place)
        return check


def _type_check(kinds: list[str]) -> Check:
    if kinds == ["integer"]:
        def check_integer(value: Any, place: Place) -> None:
            if type(value) is not int:  # a bool is not an integer
                raise SchemaViolation(f"{_where(place)} must be integer, not {_json_type(value)}")
        return check_integer
    if len(kinds) == 1 and kinds[0] in ("string", "object", "array", "boolean"):
        python_type = _TYPES[kinds[0]]

        def check_one(value: Any, place: Place) -> None:
            if not isinstance(value, python_type):
                raise SchemaViolation(f"{_where(place)} must be {kinds[0]}, not {_json_type(value)}")
        return check_one

    def check(value: Any, place: Place) -> None:
        if not any(_is_type(value, k) for k in kinds):
            raise SchemaViolation(f"{_where(place)} must be {' or '.join(kinds)}, not {_json_type(value)}")
    return check


def _const_check(expected: Any) -> Check:
    def check(value: Any, place: Place) -> None:
        if value != expected or type(value) is not type(expected):
            raise SchemaViolation(f"{_where(place)} must be {expected!r}")
    return check


def _enum_check(allowed: list[Any]) -> Check:
    def check(value: Any, place: Place) -> None:
        if value not in allowed:
            raise SchemaViolation(f"{_where(place)} must be one of {', '.join(map(str, allowed))}")
    return check


def _string_check(least: int, pattern: str | None) -> Check:
    compiled = re.compile(pattern) if pattern is not None else None

    def check(value: Any, place: Place) -> None:
        if not isinstance(value, str):
            return
        if len(value) < least:
            raise SchemaViolation(f"{_where(place)} must not be empty" if least == 1
                                  else f"{_where(place)} is shorter than {least} characters")
        if compiled is not None and not compiled.search(value):
            raise SchemaViolation(f"{_where(place)} has an invalid value {value[:60]!r}")
    return check


def _minimum_check(least: float) -> Check:
    def check(value: Any, place: Place) -> None:
        if type(value) in (int, float) and value < least:
            raise SchemaViolation(f"{_where(place)} must be at least {least}")
    return check
