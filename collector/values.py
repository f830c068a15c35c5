"""Turns API items into typed rows: jmespath per column, coercion to the declared type, raw JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
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


def _search(expression: str, data: Any) -> Any:
    """jmespath search with compiled expressions cached."""
    compiled = _COMPILED.get(expression)
    if compiled is None:
        compiled = _COMPILED[expression] = jmespath.compile(expression)
    return compiled.search(data)


def coerce(column: Column, value: Any) -> Any:
    """Coerce a value to the column's declared type; raises ValueError when it cannot."""
    if value is None:
        return None
    kind = column.type
    if kind == JSON:
        return to_json(value)
    if kind == STRING:
        if isinstance(value, datetime):
            return iso_utc(value)
        if isinstance(value, dict | list):
            return to_json(value)
        return value if isinstance(value, str) else str(value)
    if kind == BOOL:
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
            raise ValueError(f"not a boolean: {value!r}")
        return bool(value)
    if kind == INT:
        if isinstance(value, str) and value.strip() in _NO_VALUE:
            return None
        return int(value)
    if kind == FLOAT:
        if isinstance(value, str) and value.strip() in _NO_VALUE:
            return None
        return float(value)
    if kind == TIMESTAMP:
        return _timestamp(value)
    if kind == STRINGS:
        if isinstance(value, str):
            return [value]
        return [v if isinstance(v, str) else to_json(v) for v in value]
    raise ValueError(f"unknown type {kind}")  # pragma: no cover - declarations validate types


def _timestamp(value: Any) -> datetime | None:
    """A UTC datetime from a datetime, epoch seconds, or an ISO 8601 string."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, tz=UTC)
    text = str(value).strip()
    if text in _NO_VALUE:
        return None
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def to_arrow_columns(spec: TableSpec, rows: Sequence[Mapping[str, Any]]) -> list[pa.Array]:
    """Typed Arrow arrays for the rows, in the declaration's column order."""
    arrays = []
    for column in spec.all_columns:
        values = []
        for row in rows:
            try:
                values.append(coerce(column, row.get(column.name)))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"table {spec.name}, column {column.name}: {exc}") from exc
        arrays.append(pa.array(values, type=ARROW_TYPES[column.type]))
    return arrays
