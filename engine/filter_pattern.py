"""CloudWatch Logs filter patterns, parsed and evaluated against JSON log events (CloudTrail records).

Rules ask whether a metric filter covers a control's events: `filter_pattern_matches(pattern, event)`
evaluates the pattern against one event the way CloudWatch Logs does (AWS: "Filter pattern syntax for
metric filters, subscription filters, filter log events, and Live Tail"), and a rule requires every event
of the control to match. Supported: the JSON form `{ SELECTOR OP VALUE }` with `=`/`!=` on strings (with
`*` wildcards and `%regex%`), numeric comparisons, `IS TRUE`/`IS FALSE`/`IS NULL`, `NOT EXISTS`, `&&`,
`||` and parentheses; the empty pattern (every event); and term patterns (`"quoted phrase"`, bare terms,
`?term` alternatives, `-term` exclusions, case sensitive) and standalone `%regex%` patterns, matched against
the event's text. Space-delimited `[...]` patterns do not apply to JSON events: they are reported as
unparseable (None), never as a match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sounding.engine.distinct_udf import register_predicate

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<and>&&) | (?P<or>\|\|) | (?P<lparen>\() | (?P<rparen>\)) |
      (?P<op>!=|<=|>=|=|<|>) |
      (?P<selector>\$(?:\.[A-Za-z0-9_\-@:]+|\[\d+\]|\.\*|\[\*\])*) |
      (?P<string>"(?:[^"\\]|\\.)*") |
      (?P<regex>%(?:[^%\\]|\\.)*%) |
      (?P<word>[^\s()&|=!<>"]+)
    )""", re.VERBOSE)


class FilterPatternError(ValueError):
    """The pattern is not a filter pattern this module can evaluate."""


@dataclass(frozen=True)
class Comparison:
    """One `SELECTOR OP VALUE` test (or a keyword test: IS TRUE/FALSE/NULL, NOT EXISTS)."""

    path: tuple[str | int, ...]
    op: str
    value: Any
    kind: str  # string | number | regex | keyword


@dataclass(frozen=True)
class Both:
    """`left && right`."""

    left: Any
    right: Any


@dataclass(frozen=True)
class Either:
    """`left || right`."""

    left: Any
    right: Any


def _tokens(text: str) -> list[tuple[str, str]]:
    """The JSON pattern's tokens as (kind, text)."""
    result, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FilterPatternError(f"unexpected text at {pos}: {text[pos:pos + 20]!r}")
        kind = match.lastgroup or ""
        result.append((kind, match.group(kind)))
        pos = match.end()
    return result


def _path(selector: str) -> tuple[str | int, ...]:
    """`$.a.b[0]` as ('a', 'b', 0)."""
    parts: list[str | int] = []
    for name, index in re.findall(r"\.([^.\[]+)|\[(\d+|\*)\]", selector[1:]):
        parts.append(name if name else ("*" if index == "*" else int(index)))
    return tuple(parts)


class _Parser:
    """Recursive descent over `expr := term ((&& | ||) term)*`, && binding tighter than ||."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", "")

    def take(self, kind: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (kind and token[0] != kind):
            raise FilterPatternError(f"expected {kind or 'more'}, found {token[1] or 'the end'}")
        self.pos += 1
        return token

    def expression(self) -> Any:
        node = self.conjunction()
        while self.peek()[0] == "or":
            self.take()
            node = Either(node, self.conjunction())
        return node

    def conjunction(self) -> Any:
        node = self.term()
        while self.peek()[0] == "and":
            self.take()
            node = Both(node, self.term())
        return node

    def term(self) -> Any:
        if self.peek()[0] == "lparen":
            self.take()
            node = self.expression()
            self.take("rparen")
            return node
        path = _path(self.take("selector")[1])
        kind, text = self.take()
        if kind == "word" and text.upper() in ("IS", "NOT"):
            keyword = (text.upper() + " " + self.take("word")[1].upper())
            if keyword not in ("IS TRUE", "IS FALSE", "IS NULL", "NOT EXISTS"):
                raise FilterPatternError(f"unknown test {keyword}")
            return Comparison(path, keyword, None, "keyword")
        if kind != "op":
            raise FilterPatternError(f"expected an operator after the selector, found {text}")
        value_kind, value = self.take()
        if value_kind == "string":
            return Comparison(path, text, json.loads(value), "string")
        if value_kind == "regex":
            return Comparison(path, text, value[1:-1], "regex")
        if value_kind != "word":
            raise FilterPatternError(f"expected a value, found {value}")
        try:
            return Comparison(path, text, float(value), "number")
        except ValueError:
            return Comparison(path, text, value, "string")


@lru_cache(maxsize=4096)
def parse(pattern: str) -> Any:
    """A JSON filter pattern (`{ ... }`) as a tree of Comparison, Both and Either (parsed once per text)."""
    text = pattern.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise FilterPatternError("a JSON filter pattern is enclosed in { }")
    parser = _Parser(_tokens(text[1:-1]))
    node = parser.expression()
    if parser.peek()[0] != "end":
        raise FilterPatternError(f"unexpected {parser.peek()[1]}")
    return node


_MISSING = object()


def _values(event: Any, path: tuple[str | int, ...]) -> list[Any]:
    """The values a selector reaches ([*] fans out); [_MISSING] when it reaches nothing."""
    current = [event]
    for step in path:
        found = []
        for value in current:
            if step == "*" and isinstance(value, list):
                found.extend(value)
            elif ((isinstance(step, int) and isinstance(value, list) and step < len(value))
                  or (isinstance(step, str) and isinstance(value, dict) and step in value)):
                found.append(value[step])
        current = found
    return current or [_MISSING]


@lru_cache(maxsize=4096)
def _wildcard(want: str) -> re.Pattern[str]:
    """A `*` wildcard string as an anchored regular expression."""
    return re.compile("^" + ".*".join(re.escape(part) for part in want.split("*")) + "$", re.DOTALL)


def _compare(test: Comparison, value: Any) -> bool:
    """One comparison against one value."""
    if test.kind == "keyword":
        return {"IS TRUE": value is True, "IS FALSE": value is False, "IS NULL": value is None,
                "NOT EXISTS": value is _MISSING}[test.op]
    if value is _MISSING:
        return test.op == "!="
    if test.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return test.op == "!="
        return {"=": value == test.value, "!=": value != test.value, "<": value < test.value,
                ">": value > test.value, "<=": value <= test.value, ">=": value >= test.value}[test.op]
    if isinstance(value, dict | list) or value is None:
        return test.op == "!="
    text = value if isinstance(value, str) else json.dumps(value)
    if test.kind == "regex":
        matched = re.search(test.value, text) is not None
    else:
        matched = _wildcard(test.value).match(text) is not None
    if test.op == "=":
        return matched
    if test.op == "!=":
        return not matched
    raise FilterPatternError(f"{test.op} needs a number")


def evaluate(node: Any, event: Any) -> bool:
    """Whether a parsed JSON pattern matches one event."""
    if isinstance(node, Both):
        return evaluate(node.left, event) and evaluate(node.right, event)
    if isinstance(node, Either):
        return evaluate(node.left, event) or evaluate(node.right, event)
    values = _values(event, node.path)
    if node.kind == "keyword" and node.op == "NOT EXISTS":
        return values == [_MISSING]
    if node.op == "!=" and node.kind != "keyword":
        return all(_compare(node, v) for v in values)
    return any(_compare(node, v) for v in values)


def _terms_match(pattern: str, text: str) -> bool:
    """A term pattern: every plain term present, no -term present; ?terms: any one present."""
    terms = re.findall(r'[?-]?"(?:[^"\\]|\\.)*"|\S+', pattern)
    optional = [t[1:] for t in terms if t.startswith("?")]
    excluded = [t[1:] for t in terms if t.startswith("-") and len(t) > 1]
    required = [t for t in terms if not t.startswith(("?", "-"))]

    def present(term: str) -> bool:
        """Term patterns are case sensitive; quotes only group a phrase."""
        return (json.loads(term) if term.startswith('"') else term) in text

    if optional:
        return any(present(t) for t in optional)
    return all(present(t) for t in required) and not any(present(t) for t in excluded)


def matches(pattern: str | None, event: dict[str, Any] | str) -> bool | None:
    """Whether the pattern matches the JSON event; None when the pattern cannot be evaluated."""
    if pattern is None:
        return None
    if isinstance(event, str):
        event = json.loads(event)
    text = pattern.strip()
    if text == "":
        return True
    if text.startswith("["):
        return None
    try:
        if text.startswith("{"):
            return evaluate(parse(text), event)
        if len(text) > 1 and text.startswith("%") and text.endswith("%"):
            return re.search(text[1:-1], json.dumps(event)) is not None
        return _terms_match(text, json.dumps(event))
    except (FilterPatternError, re.error, TypeError):
        return None


def register(con: Any) -> None:
    """Expose `filter_pattern_matches(pattern VARCHAR, event VARCHAR) -> BOOLEAN` to rule SQL."""
    register_predicate(con, "filter_pattern_matches", _sql_matches)  # once per distinct (pattern, event)


def _sql_matches(pattern: str | None, event: str | None) -> bool | None:
    """The SQL face of matches(): NULL in, NULL out."""
    if pattern is None or event is None:
        return None
    return matches(pattern, event)
