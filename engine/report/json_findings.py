"""The JSON report's findings turned into text in bulk from the spool: the same bytes as json_report's encoder.

Strings are escaped as Python's `json` does with ensure_ascii=False: a column's distinct values once
when they repeat (rule, title, status, account, region, most reasons), otherwise only the values that
hold a character JSON escapes (`"`, `\\`, control characters) go through the C encoder and the rest
are quoted as they are. A finding with details (nested, key-sorted JSON) or a waiver is written by Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

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
_FIELDS = ("account_id", "reason", "region", "resource_id", "rule_id", "section", "severity", "status", "title")


def json_strings(column: pa.Array) -> pa.Array:
    """Each string of a column (no nulls) as a JSON string literal, byte for byte as json.dumps writes it."""
    encoded = pc.dictionary_encode(column)
    if len(encoded.dictionary) * 4 <= len(column):  # repeated values: escape each distinct one once
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


def _texts(batch: pa.RecordBatch) -> pa.Array:
    """SEPARATOR and the text of every finding of a batch at depth 2 (details and waivers left out)."""
    parts: list[pa.Array | str] = [SEPARATOR + "{\n      "]
    for number, name in enumerate(_FIELDS):
        column = batch.column(name)
        value = pc.cast(column, pa.string()) if name == "section" else json_strings(column)
        parts.extend([("" if number == 0 else ",\n      ") + f'"{name}": ', value])
    parts.append("\n    }")
    return pc.binary_join_element_wise(*parts, "")


def _joined(texts: pa.Array) -> str:
    """The strings of a string array without nulls, concatenated: its data buffer between the first and last offset."""
    _validity, offsets, data = texts.buffers()
    bounds = pa.Array.from_buffers(pa.int32(), len(texts) + 1, [None, offsets], offset=texts.offset)
    start, end = bounds[0].as_py(), bounds[-1].as_py()
    return data[start:end].to_pybytes().decode("utf-8")


def finding_texts(batches: Iterable[pa.RecordBatch], text_of: Callable[[Finding], str]) -> Iterator[str]:
    """Each finding as SEPARATOR + its text, in order, a batch per string; text_of writes those with details or a
    waiver."""
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
        yield "".join(written)
