"""The JSON report's findings turned into text in bulk from the spool: the same bytes as json_report's encoder.

Strings are escaped as Python's `json` does with ensure_ascii=False: a column's distinct values once
when they repeat (rule, title, status, account, region, most reasons), otherwise only the values that
hold a character JSON escapes (`"`, `\\`, control characters) go through the C encoder and the rest
are quoted as they are. A finding with details (nested, key-sorted JSON) or a waiver is written by Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sounding.engine.finding_spool import COLUMNS, finding_from_row
from sounding.engine.findings import Finding

try:  # the C implementation json.dumps uses for strings when ensure_ascii=False
    from _json import encode_basestring
except ImportError:  # pragma: no cover - a Python without the C accelerator
    from json.encoder import py_encode_basestring as encode_basestring

SEPARATOR = ",\n    "
_ESCAPED = '["\\\\\\x00-\\x1f]'  # what json escapes when ensure_ascii=False: quote, backslash, control characters
_OFTEN_CONSTANT = frozenset({"rule_id", "section", "severity", "title", "status", "region", "account_id"})
_FIELDS = ("account_id", "reason", "region", "resource_id", "rule_id", "section", "severity", "status", "title")


def json_strings(column: pa.Array, repeats: bool = True) -> pa.Array:
    """Each string of a column (no nulls) as a JSON string literal, byte for byte as json.dumps writes it.

    repeats: the values are likely to repeat (try escaping each distinct one once).
    """
    if repeats:
        encoded = pc.dictionary_encode(column)
        if len(encoded.dictionary) * 4 <= len(column):
            return pa.array([encode_basestring(v) for v in encoded.dictionary.to_pylist()], pa.string()).take(
                encoded.indices)
    quoted = pc.binary_join_element_wise('"', column, '"', "")
    escaped = pc.match_substring_regex(column, _ESCAPED)
    if not pc.any(escaped).as_py():
        return quoted
    values, texts = column.to_pylist(), quoted.to_pylist()
    for index in pc.indices_nonzero(escaped).to_pylist():
        texts[index] = encode_basestring(values[index])
    return pa.array(texts, pa.string())


def _constant(column: pa.Array) -> Any:
    """The column's one value when every row holds it (a batch of one rule: its id, title, severity), else None."""
    if not len(column):
        return None
    bounds = pc.min_max(column)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    return low if low == high else None


def _texts(batch: pa.RecordBatch) -> pa.Array:
    """SEPARATOR and the text of every finding of a batch at depth 2 (details and waivers left out); a value all
    rows share is written into the fixed text once."""
    parts: list[pa.Array | str] = []
    fixed = SEPARATOR + "{\n      "
    for number, name in enumerate(_FIELDS):
        column = batch.column(name)
        fixed += ("" if number == 0 else ",\n      ") + f'"{name}": '
        shared = _constant(column) if name in _OFTEN_CONSTANT else None
        if shared is not None:
            fixed += str(shared) if name == "section" else encode_basestring(shared)
            continue
        parts.extend([fixed, pc.cast(column, pa.string()) if name == "section"
                      else json_strings(column, repeats=name != "resource_id")])
        fixed = ""
    parts.append(fixed + "\n    }")
    return pc.binary_join_element_wise(*parts, "")


def _joined(texts: pa.Array) -> memoryview:
    """The strings of a string array without nulls, concatenated (UTF-8): a view of its data buffer between the
    first and last offset (not copied: a fresh copy of every chunk costs a page fault per 4 KiB)."""
    _validity, offsets, data = texts.buffers()
    bounds = pa.Array.from_buffers(pa.int32(), len(texts) + 1, [None, offsets], offset=texts.offset)
    start, end = bounds[0].as_py(), bounds[-1].as_py()
    return memoryview(data)[start:end]


def finding_texts(batches: Iterable[pa.RecordBatch],
                  text_of: Callable[[Finding], str]) -> Iterator[bytes | memoryview]:
    """Each finding as SEPARATOR + its text, in order, a batch per UTF-8 chunk; text_of writes those with details
    or a waiver."""
    for batch in batches:
        texts = _texts(batch)
        special = pc.or_(pc.is_valid(batch.column("details")), batch.column("waived"))
        if not pc.any(special).as_py():
            yield _joined(texts)
            continue
        written = texts.to_pylist()
        columns = [batch.column(name).to_pylist() for name in COLUMNS]
        for index in pc.indices_nonzero(special).to_pylist():
            written[index] = SEPARATOR + text_of(finding_from_row(tuple(column[index] for column in columns)))
        yield "".join(written).encode("utf-8")
