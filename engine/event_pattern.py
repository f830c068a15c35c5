"""EventBridge event-pattern matching (the documented content-filtering grammar), for the alert rules.

`matches(pattern, event)` decides whether a pattern matches a concrete event, following the
EventBridge user guide: fields are AND-ed, the values of a field's list are OR-ed, `$or` at any
level, nested objects, arrays in events (any element), exact strings/numbers/booleans/null (numbers
by their JSON text), `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `anything-but` (a value,
a list, or `prefix`/`suffix`/`wildcard`/`equals-ignore-case`), `exists`, `numeric` and `cidr`.

`admits(pattern, probe)` asks the question the alert rules need: can this pattern match *some*
event that has the probe's fields? The probe holds what is known about a kind of event (source,
detail-type, for CloudTrail events detail.eventSource); a pattern field absent from the probe is
unconstrained (some event of that kind may carry any value there, or none), so only the probe's
fields can make the pattern fail. An invalid pattern admits nothing (EventBridge refuses it).
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from sounding.engine.distinct_udf import register_predicate


class Number(float):
    """A JSON number that remembers its text: EventBridge compares exact numbers by representation."""

    text: str

    def __new__(cls, text: str) -> Number:
        value = super().__new__(cls, float(text))
        value.text = text
        return value


def loads(text: str) -> Any:
    """JSON with numbers as `Number` (value plus original text)."""
    return json.loads(text, parse_int=Number, parse_float=Number)


def _leaves(value: Any, path: tuple[str, ...], into: dict[tuple[str, ...], list[Any]]) -> None:
    """Flatten an event: every leaf value under its path; array elements share their array's path."""
    if isinstance(value, dict):
        for key, item in value.items():
            _leaves(item, (*path, key), into)
    elif isinstance(value, list):
        for item in value:
            _leaves(item, path, into)
    else:
        into.setdefault(path, []).append(value)


def _flatten(event: Any) -> dict[tuple[str, ...], list[Any]]:
    """Leaf values by path (an intermediate node is no leaf: exists matching sees only leaves)."""
    leaves: dict[tuple[str, ...], list[Any]] = {}
    _leaves(event, (), leaves)
    return leaves


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_text(value: Any) -> str:
    return value.text if isinstance(value, Number) else json.dumps(value)


def _equal(expected: Any, value: Any) -> bool:
    """Exact match: strings character by character, numbers by JSON text, true/false/null as such."""
    if expected is None or isinstance(expected, bool):
        return value is expected
    if _is_string(expected):
        return _is_string(value) and value == expected
    if _is_number(expected):
        return _is_number(value) and _number_text(value) == _number_text(expected)
    raise ValueError(f"unsupported exact value {expected!r}")


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    """`*` matches any run of characters; `\\*` is a literal star and `\\\\` a literal backslash."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "*" else re.escape(char))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _ignore_case_text(spec: Any) -> tuple[str, bool]:
    """The text of a prefix/suffix operand and whether it is {"equals-ignore-case": text}."""
    if isinstance(spec, dict) and set(spec) == {"equals-ignore-case"} and _is_string(spec["equals-ignore-case"]):
        return spec["equals-ignore-case"], True
    if _is_string(spec):
        return spec, False
    raise ValueError(f"invalid operand {spec!r}")


def _affix(value: Any, spec: Any, at_start: bool) -> bool:
    if not _is_string(value):
        return False
    text, folded = _ignore_case_text(spec)
    subject = value.casefold() if folded else value
    text = text.casefold() if folded else text
    return subject.startswith(text) if at_start else subject.endswith(text)


def _as_list(spec: Any) -> list[Any]:
    return spec if isinstance(spec, list) else [spec]


_NUMERIC_OPS = {"=": lambda a, b: a == b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _numeric(value: Any, spec: Any) -> bool:
    if not isinstance(spec, list) or not spec or len(spec) % 2:
        raise ValueError(f"invalid numeric operand {spec!r}")
    pairs = [(spec[i], spec[i + 1]) for i in range(0, len(spec), 2)]
    for op, bound in pairs:
        if op not in _NUMERIC_OPS or not _is_number(bound):
            raise ValueError(f"invalid numeric operand {spec!r}")
    return _is_number(value) and all(_NUMERIC_OPS[op](float(value), float(bound)) for op, bound in pairs)


def _cidr(value: Any, spec: Any) -> bool:
    if not _is_string(spec):
        raise ValueError(f"invalid cidr {spec!r}")
    network = ipaddress.ip_network(spec, strict=False)
    if not _is_string(value):
        return False
    try:
        return ipaddress.ip_address(value) in network
    except ValueError:
        return False


def _anything_but(value: Any, spec: Any) -> bool:
    """anything-but: the value is none of a value or list, or fails a prefix/suffix/wildcard/ignore-case."""
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise ValueError(f"invalid anything-but {spec!r}")
        (kind, operand), = spec.items()
        if kind in ("prefix", "suffix"):
            return _is_string(value) and not _affix(value, operand, kind == "prefix")
        if kind == "equals-ignore-case":
            texts = _as_list(operand)
            return _is_string(value) and all(value.casefold() != str(t).casefold() for t in texts)
        if kind == "wildcard":
            return _is_string(value) and not any(_wildcard_regex(t).fullmatch(value) for t in _as_list(operand))
        raise ValueError(f"invalid anything-but {spec!r}")
    return not any(_equal(item, value) for item in _as_list(spec))


def _value_matches(matcher: Any, value: Any) -> bool:
    """One matcher of a field's list against one leaf value of the event."""
    if not isinstance(matcher, dict):
        return _equal(matcher, value)
    if len(matcher) != 1:
        raise ValueError(f"invalid matcher {matcher!r}")
    (kind, operand), = matcher.items()
    if kind == "prefix":
        return _affix(value, operand, True)
    if kind == "suffix":
        return _affix(value, operand, False)
    if kind == "equals-ignore-case":
        return _is_string(value) and _is_string(operand) and value.casefold() == operand.casefold()
    if kind == "wildcard":
        return _is_string(value) and _is_string(operand) and bool(_wildcard_regex(operand).fullmatch(value))
    if kind == "anything-but":
        return _anything_but(value, operand)
    if kind == "numeric":
        return _numeric(value, operand)
    if kind == "cidr":
        return _cidr(value, operand)
    raise ValueError(f"unknown matcher {matcher!r}")


class _Event:
    """A flattened event; with `open_world`, paths it does not have are unconstrained."""

    def __init__(self, event: Any, open_world: bool) -> None:
        self.leaves = _flatten(event)
        self.open_world = open_world

    def field_matches(self, path: tuple[str, ...], matchers: list[Any]) -> bool:
        """A field's list: any matcher accepts any of the event's values at the path."""
        values = self.leaves.get(path)
        if values is None and self.open_world:
            for matcher in matchers:  # still validate the grammar
                _check_matcher(matcher)
            return True
        for matcher in matchers:
            if isinstance(matcher, dict) and "exists" in matcher:
                if set(matcher) != {"exists"} or not isinstance(matcher["exists"], bool):
                    raise ValueError(f"invalid exists {matcher!r}")
                if matcher["exists"] == (values is not None):
                    return True
                continue
            if values is not None and any(_value_matches(matcher, v) for v in values):
                return True
            if values is None:
                _check_matcher(matcher)
        return False


def _check_matcher(matcher: Any) -> None:
    """Validate a matcher without a value (raise on grammar errors)."""
    if isinstance(matcher, dict) and "exists" in matcher:
        if set(matcher) != {"exists"} or not isinstance(matcher["exists"], bool):
            raise ValueError(f"invalid exists {matcher!r}")
        return
    _value_matches(matcher, _MISSING_SENTINEL)


class _Sentinel:
    """A value no matcher accepts, used to run a matcher's validation."""


_MISSING_SENTINEL = _Sentinel()


def _object_matches(pattern: dict[str, Any], path: tuple[str, ...], event: _Event) -> bool:
    if not pattern:
        raise ValueError("empty pattern object")
    ok = True
    for key, spec in pattern.items():
        if key == "$or":
            if not isinstance(spec, list) or not spec or not all(isinstance(s, dict) for s in spec):
                raise ValueError("$or needs a list of objects")
            results = [_object_matches(branch, path, event) for branch in spec]
            ok = ok and any(results)
        elif isinstance(spec, dict):
            ok = _object_matches(spec, (*path, key), event) and ok
        elif isinstance(spec, list):
            if not spec:
                raise ValueError(f"empty list for {key!r}")
            ok = event.field_matches((*path, key), spec) and ok
        else:
            raise ValueError(f"field {key!r} must be an object or a list")
    return ok


def _parse(value: Any) -> Any:
    return loads(value) if isinstance(value, str) else value


def matches(pattern: Any, event: Any) -> bool:
    """Whether the pattern matches the event (both JSON text or parsed); ValueError if the pattern is invalid."""
    parsed = _parse(pattern)
    if not isinstance(parsed, dict):
        raise ValueError("a pattern is a JSON object")
    return _object_matches(parsed, (), _Event(_parse(event), open_world=False))


def admits(pattern: str | None, probe: str | None) -> bool | None:
    """Whether some event with the probe's fields can match the pattern; False for an invalid pattern."""
    if pattern is None or probe is None:
        return None
    try:
        parsed = _parse(pattern)
        if not isinstance(parsed, dict):
            return False
        return _object_matches(parsed, (), _Event(_parse(probe), open_world=True))
    except (ValueError, TypeError, re.error):
        return False



# The per-field form the alert rules used before probes: one top-level field and value.
_ACCEPTS_MACRO = ("CREATE MACRO event_pattern_accepts(pattern, field, want) AS "
                  "event_pattern_admits(pattern, json_object(CAST(field AS VARCHAR), want))")


def register(con: Any) -> None:
    """Make `event_pattern_admits(pattern, probe)` (and the per-field macro) callable on a DuckDB connection."""
    register_predicate(con, "event_pattern_admits", admits)  # once per distinct (pattern, probe)
    con.execute(_ACCEPTS_MACRO)
