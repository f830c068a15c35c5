"""Turns API items into typed rows: jmespath per column, coercion to the declared type, raw JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any

import jmespath
import pyarrow as pa
from sounding.collector.declarations import (
    ARROW_TYPES,
    BOOL,
    FLOAT,
    INT,
    JSON,
    STRING,
    STRINGS,
    TIMESTAMP,
    Column,
    TableSpec,
)

# Strings that AWS uses for "no value" in otherwise typed fields (the credential report).
_NO_VALUE = {"", "N/A", "not_supported", "no_information", "None"}

_COMPILED: dict[str, Any] = {}


def json_default(value: Any) -> Any:
    """Serialise the non-JSON values boto3 returns (datetimes, bytes, decimals)."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(value: Any) -> str:
    """Deterministic JSON text: sorted keys, no spaces to vary."""
    return json.dumps(value, default=json_default, sort_keys=True, separators=(",", ":"))


def iso_utc(value: datetime) -> str:
    """A datetime as ISO 8601 in UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def item_to_row(spec: TableSpec, item: Any, account_id: str, region: str,
                context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One row of a table from one API item; `context` is visible to paths as `_parent`."""
    source = dict(item) if isinstance(item, Mapping) else {"value": item}
    if context is not None:
        source["_parent"] = context
    row: dict[str, Any] = {"account_id": account_id, "region": region}
    for column in spec.columns:
        row[column.name] = _search(column.source, source)
    row["raw"] = item
    return row


@dataclass(frozen=True)
class ValueProblem:
    """A value the declaration cannot type: which column, and why (the value itself is not kept)."""

    column: str
    reason: str


class TypedRow(dict[str, Any]):
    """A row as read (what fan-out and `_parent` paths see) that also carries its typed values for the writer."""

    __slots__ = ("typed",)

    def __init__(self, row: Mapping[str, Any], typed: dict[str, Any]) -> None:
        super().__init__(row)
        self.typed = typed


def typed_item_row(spec: TableSpec, item: Any, account_id: str, region: str,
                   context: Mapping[str, Any] | None = None) -> tuple[TypedRow, list[ValueProblem]]:
    """item_to_row, but a value that cannot be read or typed becomes NULL and a ValueProblem, never an error."""
    try:
        row = item_to_row(spec, item, account_id, region, context)
    except Exception:  # a path that fails on this item's shape: read column by column below
        row = _row_by_column(spec, item, account_id, region, context)
    problems = []
    typed: dict[str, Any] = {}
    for column in spec.all_columns:
        value = row.get(column.name)
        if value is _UNREADABLE:
            row[column.name] = typed[column.name] = None
            problems.append(ValueProblem(column.name, "could not be read from the item"))
            continue
        try:
            typed[column.name] = coerce(column, value)
        except Exception as exc:  # see coerce: ValueError for what cannot be typed; anything else alike
            row[column.name] = typed[column.name] = None
            problems.append(ValueProblem(column.name, _reason(exc, column)))
    return TypedRow(row, typed), problems


_UNREADABLE = object()


def _row_by_column(spec: TableSpec, item: Any, account_id: str, region: str,
                   context: Mapping[str, Any] | None) -> dict[str, Any]:
    """The row with each column searched on its own; a column whose path fails is marked unreadable."""
    source = dict(item) if isinstance(item, Mapping) else {"value": item}
    if context is not None:
        source["_parent"] = context
    row: dict[str, Any] = {"account_id": account_id, "region": region}
    for column in spec.columns:
        try:
            row[column.name] = _search(column.source, source)
        except Exception:  # jmespath type errors on an unexpected shape
            row[column.name] = _UNREADABLE
    row["raw"] = item
    return row


def _reason(exc: Exception, column: Column) -> str:
    """Why a value could not be typed, without quoting the value (it may be anything, a secret too)."""
    if isinstance(exc, ValueError) and str(exc).startswith(_NOT_A):
        return str(exc)
    return f"{_NOT_A}{column.type} ({type(exc).__name__})"


def _search(expression: str, data: Any) -> Any:
    """jmespath search with compiled expressions cached."""
    compiled = _COMPILED.get(expression)
    if compiled is None:
        compiled = _COMPILED[expression] = jmespath.compile(expression)
    return compiled.search(data)


_NOT_A = "not a valid "
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _refuse(kind: str, value: Any) -> ValueError:
    """The one error of coerce: names the declared type and the value's Python type, never the value."""
    return ValueError(f"{_NOT_A}{kind}: a {type(value).__name__}")


def coerce(column: Column, value: Any) -> Any:
    """Coerce a value to the column's declared type; raises ValueError when it cannot."""
    if value is None:
        return None
    kind = column.type
    if kind == JSON:
        return to_json(value)
    if kind == STRING:
        return _string(value)
    if kind == BOOL:
        return _bool(value)
    if kind == INT:
        return _int(value)
    if kind == FLOAT:
        return _float(value)
    if kind == TIMESTAMP:
        return parse_timestamp(value)
    if kind == STRINGS:
        if isinstance(value, str):
            return [_string(value)]
        if not isinstance(value, list | tuple):
            raise _refuse(STRINGS, value)
        return [None if v is None else _string(v) if isinstance(v, str) else to_json(v) for v in value]
    raise ValueError(f"unknown type {kind}")  # pragma: no cover - declarations validate types


def _string(value: Any) -> str:
    """Text as Arrow stores it: UTF-8 (a lone surrogate cannot be stored)."""
    if isinstance(value, datetime):
        text = iso_utc(value)
    elif isinstance(value, dict | list | tuple):
        text = to_json(value)
    elif isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
    else:
        text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{_NOT_A}{STRING}: not encodable as UTF-8") from None
    return text


def _bool(value: Any) -> bool | None:
    """A boolean from a bool, the words AWS uses, or 0/1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if value.strip() in _NO_VALUE:
            return None
        if lowered in {"true", "1", "yes", "enabled"}:
            return True
        if lowered in {"false", "0", "no", "disabled"}:
            return False
        raise ValueError(f"{_NOT_A}{BOOL}: not a boolean word")
    if isinstance(value, int | float | Decimal) and value in (0, 1):
        return bool(value)
    raise _refuse(BOOL, value)


def _int(value: Any) -> int | None:
    """A 64-bit integer from an int, an integral number, or its decimal text."""
    if isinstance(value, bool):
        raise _refuse(INT, value)
    if isinstance(value, str):
        if value.strip() in _NO_VALUE:
            return None
        try:
            number = int(value.strip())
        except ValueError:
            raise ValueError(f"{_NOT_A}{INT}: text that is not an integer") from None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float | Decimal):
        if not (value == value and abs(value) != float("inf")) or value != int(value):
            raise ValueError(f"{_NOT_A}{INT}: a number that is not an integer")
        number = int(value)
    else:
        raise _refuse(INT, value)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f"{_NOT_A}{INT}: outside the 64-bit range")
    return number


def _float(value: Any) -> float | None:
    """A float from a number or its text."""
    if isinstance(value, bool):
        raise _refuse(FLOAT, value)
    if isinstance(value, str):
        if value.strip() in _NO_VALUE:
            return None
        try:
            return float(value.strip())
        except ValueError:
            raise ValueError(f"{_NOT_A}{FLOAT}: text that is not a number") from None
    if isinstance(value, int | float | Decimal):
        try:
            return float(value)
        except OverflowError:
            raise ValueError(f"{_NOT_A}{FLOAT}: outside the float range") from None
    raise _refuse(FLOAT, value)


def parse_timestamp(value: Any) -> datetime | None:
    """A UTC datetime from a datetime, epoch seconds, ISO 8601 or RFC 822 text (the forms AWS protocols use)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, bool):
        raise _refuse(TIMESTAMP, value)
    if isinstance(value, int | float | Decimal):
        return _epoch(value)
    if not isinstance(value, str):
        raise _refuse(TIMESTAMP, value)
    text = value.strip()
    if text in _NO_VALUE:
        return None
    if _EPOCH_TEXT.fullmatch(text):
        return _epoch(float(text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"{_NOT_A}{TIMESTAMP}: text in no known date form") from None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(f"{_NOT_A}{TIMESTAMP}: outside the representable range") from None


_EPOCH_TEXT = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def _epoch(value: float | int | Decimal) -> datetime:
    """A UTC datetime from epoch seconds (timestamp members in JSON protocols)."""
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"{_NOT_A}{TIMESTAMP}: epoch seconds outside the representable range") from None


def to_arrow_columns(spec: TableSpec, rows: Sequence[Mapping[str, Any]]) -> list[pa.Array]:
    """Typed Arrow arrays for the rows, in the declaration's column order."""
    arrays = []
    for column in spec.all_columns:
        values = []
        for row in rows:
            typed = getattr(row, "typed", None)  # a TypedRow was coerced when it was read
            if typed is not None:
                values.append(typed[column.name])
                continue
            try:
                values.append(coerce(column, row.get(column.name)))
            except Exception as exc:  # any failure names the table and column
                raise ValueError(f"table {spec.name}, column {column.name}: {exc}") from exc
        arrays.append(pa.array(values, type=ARROW_TYPES[column.type]))
    return arrays
