"""Runs rules over a snapshot in the sandbox and turns their rows into findings, spooled outside memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
from sounding.collector.contract import ALL_TABLES_GAP, GLOBAL_REGION
from sounding.collector.declarations import TableSpec
from sounding.collector.tables import ALL_TABLES
from sounding.engine.errors import first_line
from sounding.engine.finding_spool import FindingSpool, FindingStream, RuleRows
from sounding.engine.findings import REQUIRED_COLUMNS, Finding
from sounding.engine.rules import STATUSES, Rule
from sounding.engine.sandbox import META_TABLES, RuleRefused, Sandbox, check_sql
from sounding.engine.snapshot import Snapshot
from sounding.engine.sql_library import load_library

DEFAULT_TIMEOUT = 60.0
# The runaway cap: a rule may return this many times the snapshot's rows (and account-region scopes),
# never fewer than RUNAWAY_FLOOR rows; past it the rule is ERROR, saying so.
RUNAWAY_FACTOR = 2
RUNAWAY_FLOOR = 100_000
_STATUS_SET = frozenset(STATUSES)


@dataclass
class Evaluation:
    """The findings of a rule set over one snapshot; findings is iterable (a FindingStream or a list)."""

    snapshot: Snapshot
    rules: list[Rule]
    findings: Iterable[Finding]
    # What became of each waiver (engine.waivers.WaiverOutcome); None when no waivers file was used.
    waivers: list[Any] | None = None


def account_resource(account_id: str, partition: str = "aws") -> str:
    """The resource id of an account-level finding: the account root ARN, as rules/_lib/account_arn.sql builds it."""
    return f"arn:{partition}:iam::{account_id}:root"


def snapshot_rows(snapshot: Snapshot) -> int:
    """Rows of every table plus the account-region scopes: what the runaway cap is sized from."""
    scopes = sum(len(a.get("regions", [])) + 1 for a in snapshot.accounts)
    return sum(int(e["rows"]) for e in snapshot.tables.values()) + scopes


def runaway_cap(snapshot: Snapshot) -> int:
    """The most rows a rule may return over this snapshot."""
    return max(RUNAWAY_FLOOR, RUNAWAY_FACTOR * snapshot_rows(snapshot))


def evaluate(snapshot: Snapshot, rules: Sequence[Rule], *, declared: Iterable[TableSpec] = ALL_TABLES,
             timeout: float = DEFAULT_TIMEOUT, max_rows: int | None = None,
             memory_limit: str = "2GB", progress: Callable[[str], None] | None = None) -> Evaluation:
    """Evaluate every rule; a rule that fails yields ERROR findings and the others still run.

    max_rows=None sizes the runaway cap from the snapshot (see runaway_cap).
    """
    declared = list(declared)
    cap = RuleCap(max_rows, None) if max_rows is not None else RuleCap(runaway_cap(snapshot),
                                                                         snapshot_rows(snapshot))
    sandbox = Sandbox(snapshot, declared, memory_limit=memory_limit)
    known = {s.name for s in declared} | set(snapshot.tables) | set(META_TABLES)
    spool = FindingSpool(snapshot.gaps)
    try:
        # Rules run in report order (section, id) and each rule's findings are sorted before they are
        # spooled, so the spool is written in report order and read back without sorting.
        for number, rule in enumerate(sorted(rules, key=lambda r: (r.section, r.id)), start=1):
            if progress:
                progress(f"[{number}/{len(rules)}] {rule.id}")
            found = run_rule(sandbox, rule, known, timeout=timeout, cap=cap, spool=spool)
            spool.add_rule(rule, found)  # sorted in the spool's database, ties in the order found
            del found
    finally:
        sandbox.close()
    return Evaluation(snapshot, list(rules), spool.finish(ordered=True))


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


def run_rule(sandbox: Sandbox, rule: Rule, known_tables: set[str], *, timeout: float, cap: RuleCap,
             spool: FindingSpool) -> RuleRows:
    """The findings of one rule, as columns, with gaps in its data turned into ERROR."""
    snapshot = sandbox.snapshot
    try:
        checked = check_sql(rule.sql)
    except RuleRefused as exc:
        return RuleRows.of([rule_error(snapshot, rule, f"rule refused: {exc}")])
    unknown = sorted(checked.tables - known_tables)
    if unknown:
        return RuleRows.of([rule_error(snapshot, rule, f"reads table {unknown[0]}, which no declaration provides")])
    missing = sorted(tables_read(checked.tables | checked.functions) & sandbox.missing)
    if missing:
        return RuleRows.of(
            [Finding.for_rule(rule, status="ERROR", account_id=a["account_id"], region=GLOBAL_REGION,
                              resource_id=account_resource(a["account_id"], snapshot.partition),
                              reason=f"table {missing[0]} was not collected in this snapshot")
             for a in snapshot.accounts] or [rule_error(snapshot, rule, f"table {missing[0]} was not collected")])
    try:
        columns, rows = sandbox.run(checked.query, timeout=timeout, max_rows=cap.rows)
    except duckdb.InterruptException:
        return RuleRows.of([rule_error(snapshot, rule, f"stopped: ran longer than {timeout:g} s")])
    except duckdb.OutOfMemoryException:
        return RuleRows.of([rule_error(snapshot, rule, "stopped: exceeded the memory limit")])
    except duckdb.Error as exc:
        return RuleRows.of([rule_error(snapshot, rule, f"query failed: {first_line(exc)}")])
    try:
        found = to_rule_rows(columns, rows, cap)
    except ValueError as exc:
        return RuleRows.of([rule_error(snapshot, rule, f"invalid output: {exc}")])
    del rows
    return apply_gaps(snapshot, found, tables_read(checked.tables | checked.functions), spool)


def tables_read(names: frozenset[str]) -> frozenset[str]:
    """The names a rule reads (tables, functions), with what the shared views and macros among them read."""
    return load_library().dependencies(names)


def to_rule_rows(columns: list[str], rows: list[tuple[Any, ...]], cap: RuleCap | int) -> RuleRows:
    """Validate a rule's output rows and split them into columns, in bulk (no object per row)."""
    cap = cap if isinstance(cap, RuleCap) else RuleCap(cap, None)
    lowered = [c.lower() for c in columns]
    absent = [c for c in REQUIRED_COLUMNS if c not in lowered]
    if absent:
        raise ValueError(f"missing column {', '.join(absent)} (a rule returns {', '.join(REQUIRED_COLUMNS)})")
    if len(lowered) != len(set(lowered)):
        raise ValueError("two output columns share a name")
    if len(rows) > cap.rows:
        raise ValueError(cap.message())
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
        raise ValueError(f"column {REQUIRED_COLUMNS[first_bad[1]]} must be VARCHAR and not NULL; got {kind}")
    if bad_status is not None:
        raise ValueError(f"status '{statuses[bad_status][:40]}' is not one of {', '.join(STATUSES)}")


def to_findings(rule: Rule, columns: list[str], rows: list[tuple[Any, ...]], cap: RuleCap | int) -> list[Finding]:
    """Validate a rule's output rows and wrap them as findings."""
    return to_rule_rows(columns, rows, cap).findings(rule)


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


def apply_gaps(snapshot: Snapshot, found: RuleRows, tables: frozenset[str], spool: FindingSpool) -> RuleRows:
    """Findings in a scope whose data was not collected become ERROR; an uncovered scope gets one.

    The matching is a join in the spool's database (gaps are loaded there once), not gaps x findings.
    """
    if not snapshot.gaps:
        return found
    row_scopes = list(zip(found.account_id, found.region, strict=True))
    scopes = sorted(set(row_scopes))
    first, uncovered = spool.gap_matches(scopes, tables)
    gap_of = {scopes[i]: gap for i, gap in first.items()}
    if gap_of:
        for i, scope in enumerate(row_scopes):
            gap = gap_of.get(scope)
            if gap is None:
                continue
            found.details[i] = {**(found.details[i] or {}), "status_without_gap": found.status[i]}
            found.status[i] = "ERROR"
            found.reason[i] = gap_reason(gap)
    for gap in uncovered:
        found.append(status="ERROR", account_id=gap["account_id"], region=gap["region"],
                     resource_id=account_resource(gap["account_id"], snapshot.partition), reason=gap_reason(gap))
    return found


def gap_reason(gap: dict[str, str]) -> str:
    """One sentence saying which data is missing and why."""
    where = "globally" if gap["region"] == GLOBAL_REGION else f"in {gap['region']}"
    table = "every table" if gap["table"] == ALL_TABLES_GAP else gap["table"]
    return (f"Not evaluated: {table} could not be collected {where} "
            f"({gap['service']}:{gap['operation']} failed with {gap['error_code']}, {gap['error_kind']}).")


def rule_error(snapshot: Snapshot, rule: Rule, message: str) -> Finding:
    """The single ERROR finding of a rule that could not run, naming its file."""
    caller = snapshot.manifest.get("caller", {}).get("account_id", "")
    return Finding.for_rule(rule, status="ERROR", account_id=caller, region=GLOBAL_REGION,
                            resource_id=f"rule/{rule.id}", reason=f"{message} ({rule.path.name})")


__all__ = ["DEFAULT_TIMEOUT", "Evaluation", "FindingStream", "account_resource", "evaluate", "gap_reason",
           "runaway_cap"]
