"""The streamed JSON writer gives exactly json.dumps' bytes, one item in memory at a time."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from sounding.engine.report.json_stream import PLACEHOLDER, write_streamed

ITEMS: list[Any] = [{"b": 1, "a": [1, {"z": "é", "y": None}]}, "text\nwith newline", [], {}, 3.5]


def expected(document: Any, items: list[Any]) -> str:
    """json.dumps of the document with the list in place of the placeholder."""
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace(json.dumps(PLACEHOLDER), json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False)
                        .replace("\n", "\n" + " " * indent_of(text))) + "\n"


def indent_of(text: str) -> int:
    """The indentation of the placeholder's line."""
    line = next(line for line in text.splitlines() if json.dumps(PLACEHOLDER) in line)
    return len(line) - len(line.lstrip(" "))


@pytest.mark.parametrize("document", [
    PLACEHOLDER,
    {"Findings": PLACEHOLDER},
    {"z": 1, "runs": [{"tool": {"x": [1, 2]}, "results": PLACEHOLDER, "a": {"b": "c"}}], "$schema": "s"},
])
@pytest.mark.parametrize("items", [ITEMS, [], [ITEMS[0]]])
def test_same_bytes_as_json_dumps(document: Any, items: list[Any]) -> None:
    """Top-level, nested and deeply nested lists, empty or not, equal json.dumps of the whole."""
    out = io.StringIO()
    write_streamed(out, document, iter(items))
    assert out.getvalue() == expected(document, items)
    assert json.loads(out.getvalue()) == json.loads(expected(document, items))
