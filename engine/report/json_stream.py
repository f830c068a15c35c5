"""Writes a JSON document whose one big list is streamed item by item, byte-identical to json.dumps."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

PLACEHOLDER = "\x00sounding-stream\x00"


def dumps(value: Any) -> str:
    """The project's JSON layout: two-space indent, sorted keys, UTF-8 kept."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def write_streamed(out: TextIO, document: Any, items: Iterable[Any]) -> None:
    """Write `document` with the PLACEHOLDER value replaced by `items` as a JSON list, then a newline.

    The output equals json.dumps(document with the list in place, indent=2, sort_keys=True) + "\\n",
    but only one item is in memory at a time.
    """
    text = dumps(document)
    marker = json.dumps(PLACEHOLDER)
    at = text.index(marker)
    line_start = text.rfind("\n", 0, at) + 1
    indent = " " * (len(text[line_start:at]) - len(text[line_start:at].lstrip(" ")))
    inner = indent + "  "
    out.write(text[:at])
    first = True
    for item in items:
        out.write("[\n" if first else ",\n")
        out.write(inner + dumps(item).replace("\n", "\n" + inner))
        first = False
    out.write("[]" if first else "\n" + indent + "]")
    out.write(text[at + len(marker):])
    out.write("\n")
