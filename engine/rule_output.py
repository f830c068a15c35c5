"""A rule's output validated and turned into Arrow columns where the query ran (the worker), never row by row.

The common case (the five required columns are VARCHAR and there are no other columns) is checked
with Arrow compute over the columns DuckDB returns. Rules with extra columns (details) or required
columns of another type take the exact row path: DuckDB's Python values, `plain()` for details, the
same messages for the same mistakes.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from sounding.engine.findings import REQUIRED_COLUMNS, STATUS_ORDER, Finding
from sounding.engine.rules import STATUSES, Rule

# What every rule's output becomes: the required columns plus its other columns as one JSON text.
OUTPUT_COLUMNS = ("status", "account_id", "region", "resource_id", "reason", "details")
OUTPUT_SCHEMA = pa.schema([(name, pa.string()) for name in OUTPUT_COLUMNS])
# DuckDB types whose Python values are str: a required column of any other type is checked row by row.
_TEXT_TYPES = frozenset({"VARCHAR", "JSON"})
_STATUS_SET = frozenset(STATUSES)
_STATUS_VALUES = pa.array(STATUSES, pa.string())
_RANKED_STATUSES = pa.array(list(STATUS_ORDER), pa.string())  # in rank order: a status's index is its rank


class InvalidOutput(ValueError):
    """A rule returned columns or values that are not findings."""


# The runaway cap: a rule may return this many times the snapshot's rows (and account-region scopes),
# never fewer than RUNAWAY_FLOOR rows; past it the rule is ERROR, saying so (engine.evaluate.runaway_cap).
RUNAWAY_FACTOR = 2
RUNAWAY_FLOOR = 100_000


@dataclass(frozen=True)
class RuleCap:
    """The most rows a rule may return, and (when sized from it) the snapshot's rows."""

    rows: int
    sized_from: int | None

    def message(self) -> str:
        """Why a rule over the cap is ERROR."""
        if self.sized_from is None:
            return f"more than {self.rows} rows"
        return (f"more than {self.rows} rows, the cap for runaway rules ({RUNAWAY_FACTOR}x the snapshot's "
                f"{self.sized_from} rows and scopes)")


def plain(value: Any, timestamp: Callable[[datetime], str] = datetime.isoformat) -> Any:
    """A JSON-ready copy of a DuckDB value; `timestamp` writes datetimes (diff writes them in UTC with a Z)."""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): plain(v, timestamp) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, timestamp) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def details_text(details: dict[str, Any] | None) -> str | None:
    """How a finding's details travel and are spooled: JSON text, NULL when empty."""
    return json.dumps(details, ensure_ascii=False) if details else None


@dataclass
class RuleRows:
    """One rule's findings as Python columns: built one by one (errors, gaps), then turned into Arrow."""

    status: list[str] = field(default_factory=list)
    account_id: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    resource_id: list[str] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)
    details: list[dict[str, Any] | None] = field(default_factory=list)

    @classmethod
    def of(cls, findings: Sequence[Finding]) -> RuleRows:
        """Columns of findings built one by one (errors, missing tables)."""
        return cls(status=[f.status for f in findings], account_id=[f.account_id for f in findings],
                   region=[f.region for f in findings], resource_id=[f.resource_id for f in findings],
                   reason=[f.reason for f in findings], details=[f.details or None for f in findings])

    def __len__(self) -> int:
        return len(self.status)

    def findings(self, rule: Rule) -> list[Finding]:
        """The rows as Finding objects of rule, in their order."""
        return [Finding.for_rule(rule, status=s, account_id=a, region=g, resource_id=r, reason=why, details=d)
                for s, a, g, r, why, d in zip(self.status, self.account_id, self.region, self.resource_id,
                                               self.reason, self.details, strict=True)]

    def append(self, *, status: str, account_id: str, region: str, resource_id: str, reason: str,
               details: dict[str, Any] | None = None) -> None:
        """Add one finding at the end."""
        self.status.append(status)
        self.account_id.append(account_id)
        self.region.append(region)
        self.resource_id.append(resource_id)
        self.reason.append(reason)
        self.details.append(details)

    def to_arrow(self) -> pa.Table:
        """The rows in the output schema (details as JSON text)."""
        return pa.table({"status": self.status, "account_id": self.account_id, "region": self.region,
                         "resource_id": self.resource_id, "reason": self.reason,
                         "details": [details_text(d) for d in self.details]}, schema=OUTPUT_SCHEMA)


def status_rank(status: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Each status's place in report order (unknown statuses last)."""
    return pc.fill_null(pc.index_in(status, value_set=_RANKED_STATUSES), 9).cast(pa.int8())


def in_report_order(table: pa.Table, leading: Sequence[str] = (), tie: str | None = None) -> pa.Table:
    """Rows as Finding.sort_key orders findings (leading columns first, statuses by rank; Arrow compares strings
    by UTF-8 bytes, which is code point order, as Python does); ties by the `tie` column, else by position."""
    keyed = table.append_column("_rank", status_rank(table["status"]))
    if tie is None:
        keyed, tie = keyed.append_column("_pos", pa.array(range(table.num_rows), pa.int64())), "_pos"
    keys = [*leading, "account_id", "region", "resource_id", "_rank", "reason", tie]
    return table.take(pc.sort_indices(keyed, sort_keys=[(key, "ascending") for key in keys]))


def rule_output(con: duckdb.DuckDBPyConnection, sql: str, cap: RuleCap) -> pa.Table:
    """Run a rule's query and return its validated output (OUTPUT_SCHEMA) in report order; InvalidOutput says
    what is wrong with it."""
    return in_report_order(_validated_output(con, sql, cap))


def _validated_output(con: duckdb.DuckDBPyConnection, sql: str, cap: RuleCap) -> pa.Table:
    """A rule's validated output in the order the query returned it."""
    cursor = con.execute(sql)  # planned once (a relation from con.sql() is bound again to run)
    columns = [d[0] for d in cursor.description]
    lowered = check_columns(columns)
    types = dict(zip(lowered, (str(d[1]) for d in cursor.description), strict=True))
    if set(lowered) == set(REQUIRED_COLUMNS) and all(types[c] in _TEXT_TYPES for c in REQUIRED_COLUMNS):
        with warnings.catch_warnings():  # DuckDB warns that Arrow from a DB-API result copies the rows: cheaper
            warnings.simplefilter("ignore", UserWarning)  # than planning the query twice
            table = cursor.to_arrow_table()
        if table.num_rows > cap.rows:
            raise InvalidOutput(cap.message())
        return _checked_text_columns(table, lowered)
    return to_rule_rows(columns, cursor.fetchall(), cap).to_arrow()


def check_columns(columns: Sequence[str]) -> list[str]:
    """The output's column names in lower case; InvalidOutput when a required one is absent or two collide."""
    lowered = [c.lower() for c in columns]
    absent = [c for c in REQUIRED_COLUMNS if c not in lowered]
    if absent:
        raise InvalidOutput(f"missing column {', '.join(absent)} (a rule returns {', '.join(REQUIRED_COLUMNS)})")
    if len(lowered) != len(set(lowered)):
        raise InvalidOutput("two output columns share a name")
    return lowered


def _first_true(mask: pa.ChunkedArray | pa.Array) -> int | None:
    """The index of the first true value of a boolean array, or None."""
    found = pc.index(mask, True).as_py()
    return None if found < 0 else found


def _checked_text_columns(table: pa.Table, lowered: list[str]) -> pa.Table:
    """Required VARCHAR columns without NULLs and statuses from the list; the first bad row (in output order) named."""
    by_name = {name: table.column(i).cast(pa.string()) for i, name in enumerate(lowered)}
    first_null: tuple[int, int] | None = None  # (row, column position)
    for position, name in enumerate(REQUIRED_COLUMNS):
        column = by_name[name]
        if column.null_count:
            row = _first_true(pc.is_null(column))
            if row is not None and (first_null is None or (row, position) < first_null):
                first_null = (row, position)
    status = by_name["status"]
    unknown = pc.invert(pc.fill_null(pc.is_in(status, value_set=_STATUS_VALUES), True))
    bad_status = _first_true(unknown)
    if first_null is not None and (bad_status is None or first_null[0] <= bad_status):
        raise InvalidOutput(f"column {REQUIRED_COLUMNS[first_null[1]]} must be VARCHAR and not NULL; got NULL")
    if bad_status is not None:
        raise InvalidOutput(f"status '{status[bad_status].as_py()[:40]}' is not one of {', '.join(STATUSES)}")
    return pa.table({**{name: by_name[name] for name in OUTPUT_COLUMNS[:-1]},
                     "details": pa.nulls(table.num_rows, pa.string())}, schema=OUTPUT_SCHEMA)


def to_rule_rows(columns: list[str], rows: list[tuple[Any, ...]], cap: RuleCap | int) -> RuleRows:
    """Validate a rule's output rows (DuckDB's Python values) and split them into columns, in bulk."""
    cap = cap if isinstance(cap, RuleCap) else RuleCap(cap, None)
    lowered = check_columns(columns)
    if len(rows) > cap.rows:
        raise InvalidOutput(cap.message())
    index = {c: i for i, c in enumerate(lowered)}
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in lowered]
    required = {name: list(by_column[index[name]]) for name in REQUIRED_COLUMNS}
    _check_required(required)
    extras = [c for c in lowered if c not in REQUIRED_COLUMNS]
    details: list[dict[str, Any] | None] = [None] * len(rows)
    if extras:
        extra_rows = zip(*(by_column[index[c]] for c in extras), strict=True)
        details = [{c: plain(v) for c, v in zip(extras, values, strict=True)} for values in extra_rows]
    return RuleRows(details=details, **required)


def _check_required(required: dict[str, list[Any]]) -> None:
    """Raise for the first row (in output order) with a required column not VARCHAR, or an unknown status."""
    first_bad: tuple[int, int, Any] | None = None  # (row, column position, value)
    for position, name in enumerate(REQUIRED_COLUMNS):
        values = required[name]
        if all(type(v) is str for v in values):
            continue
        row = next(i for i, v in enumerate(values) if not isinstance(v, str))
        if first_bad is None or (row, position) < first_bad[:2]:
            first_bad = (row, position, values[row])
    statuses = required["status"]
    checked = statuses if first_bad is None else statuses[:first_bad[0]]  # every one a str
    bad_status = None if set(checked) <= _STATUS_SET else next(i for i, s in enumerate(checked) if s not in _STATUS_SET)
    if first_bad is not None and (bad_status is None or first_bad[0] <= bad_status):
        value = first_bad[2]
        kind = "NULL" if value is None else type(value).__name__
        raise InvalidOutput(f"column {REQUIRED_COLUMNS[first_bad[1]]} must be VARCHAR and not NULL; got {kind}")
    if bad_status is not None:
        raise InvalidOutput(f"status '{statuses[bad_status][:40]}' is not one of {', '.join(STATUSES)}")
