"""Runs rules over a snapshot in the sandbox and turns their rows into findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
from sounding.collector.declarations import GLOBAL_REGION, TableSpec
from sounding.collector.tables import ALL_TABLES
from sounding.engine.errors import first_line
from sounding.engine.findings import REQUIRED_COLUMNS, Finding
from sounding.engine.rules import STATUSES, Rule
from sounding.engine.sandbox import META_TABLES, RuleRefused, Sandbox, check_sql
from sounding.engine.snapshot import Snapshot
from sounding.engine.sql_library import load_library

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ROWS = 1_000_000
ALL_TABLES_GAP = "*"


@dataclass
class Evaluation:
    """The findings of a rule set over one snapshot."""

    snapshot: Snapshot
    rules: list[Rule]
    findings: list[Finding]
    # What became of each waiver (engine.waivers.WaiverOutcome); None when no waivers file was used.
    waivers: list[Any] | None = None


def account_resource(account_id: str, partition: str = "aws") -> str:
    """The resource id of an account-level finding: the account root ARN, as rules/_lib/account_arn.sql builds it."""
    return f"arn:{partition}:iam::{account_id}:root"


def evaluate(snapshot: Snapshot, rules: Sequence[Rule], *, declared: Iterable[TableSpec] = ALL_TABLES,
             timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS,
             memory_limit: str = "2GB", progress: Callable[[str], None] | None = None) -> Evaluation:
    """Evaluate every rule; a rule that fails yields ERROR findings and the others still run."""
    declared = list(declared)
    sandbox = Sandbox(snapshot, declared, memory_limit=memory_limit)
    known = {s.name for s in declared} | set(snapshot.tables) | set(META_TABLES)
    findings: list[Finding] = []
    try:
        for number, rule in enumerate(rules, start=1):
            if progress:
                progress(f"[{number}/{len(rules)}] {rule.id}")
            findings.extend(run_rule(sandbox, rule, known, timeout=timeout, max_rows=max_rows))
    finally:
        sandbox.close()
    findings.sort(key=Finding.sort_key)
    return Evaluation(snapshot, list(rules), findings)


def run_rule(sandbox: Sandbox, rule: Rule, known_tables: set[str], *, timeout: float,
             max_rows: int) -> list[Finding]:
    """The findings of one rule, with gaps in its data turned into ERROR."""
    snapshot = sandbox.snapshot
    try:
        checked = check_sql(rule.sql)
    except RuleRefused as exc:
        return [rule_error(snapshot, rule, f"rule refused: {exc}")]
    unknown = sorted(checked.tables - known_tables)
    if unknown:
        return [rule_error(snapshot, rule, f"reads table {unknown[0]}, which no declaration provides")]
    missing = sorted(tables_read(checked.tables | checked.functions) & sandbox.missing)
    if missing:
        return [Finding.for_rule(rule, status="ERROR", account_id=a["account_id"], region=GLOBAL_REGION,
                                 resource_id=account_resource(a["account_id"], _partition(snapshot)),
                                 reason=f"table {missing[0]} was not collected in this snapshot")
                for a in snapshot.accounts] or [rule_error(snapshot, rule, f"table {missing[0]} was not collected")]
    try:
        columns, rows = sandbox.run(checked.query, timeout=timeout, max_rows=max_rows)
    except duckdb.InterruptException:
        return [rule_error(snapshot, rule, f"stopped: ran longer than {timeout:g} s")]
    except duckdb.OutOfMemoryException:
        return [rule_error(snapshot, rule, "stopped: exceeded the memory limit")]
    except duckdb.Error as exc:
        return [rule_error(snapshot, rule, f"query failed: {first_line(exc)}")]
    try:
        findings = to_findings(rule, columns, rows, max_rows)
    except ValueError as exc:
        return [rule_error(snapshot, rule, f"invalid output: {exc}")]
    return apply_gaps(snapshot, rule, findings, tables_read(checked.tables | checked.functions))


def tables_read(names: frozenset[str]) -> frozenset[str]:
    """The names a rule reads (tables, functions), with what the shared views and macros among them read."""
    return load_library().dependencies(names)


def to_findings(rule: Rule, columns: list[str], rows: list[tuple[Any, ...]], max_rows: int) -> list[Finding]:
    """Validate a rule's output rows and wrap them as findings."""
    lowered = [c.lower() for c in columns]
    absent = [c for c in REQUIRED_COLUMNS if c not in lowered]
    if absent:
        raise ValueError(f"missing column {', '.join(absent)} (a rule returns {', '.join(REQUIRED_COLUMNS)})")
    if len(lowered) != len(set(lowered)):
        raise ValueError("two output columns share a name")
    if len(rows) > max_rows:
        raise ValueError(f"more than {max_rows} rows")
    index = {c: i for i, c in enumerate(lowered)}
    extras = [c for c in lowered if c not in REQUIRED_COLUMNS]
    findings = []
    for row in rows:
        values = {}
        for name in REQUIRED_COLUMNS:
            value = row[index[name]]
            if not isinstance(value, str):
                kind = "NULL" if value is None else type(value).__name__
                raise ValueError(f"column {name} must be VARCHAR and not NULL; got {kind}")
            values[name] = value
        if values["status"] not in STATUSES:
            raise ValueError(f"status '{values['status'][:40]}' is not one of {', '.join(STATUSES)}")
        details = {c: plain(row[index[c]]) for c in extras}
        findings.append(Finding.for_rule(rule, details=details, **values))
    return findings


def plain(value: Any) -> Any:
    """A JSON-ready copy of a DuckDB value."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    return value


def apply_gaps(snapshot: Snapshot, rule: Rule, findings: list[Finding], tables: frozenset[str]) -> list[Finding]:
    """Findings in a scope whose data was not collected become ERROR; an uncovered scope gets one."""
    gaps = sorted((g for g in snapshot.gaps if g["table"] in tables or g["table"] == ALL_TABLES_GAP),
                  key=lambda g: (g["account_id"], g["region"], g["table"], g["operation"]))
    if not gaps:
        return findings
    covered: set[tuple[str, str]] = set()
    for finding in findings:
        gap = next((g for g in gaps if _affects(g, finding.account_id, finding.region)), None)
        if gap is None:
            continue
        covered.add((gap["account_id"], gap["region"]))
        finding.details = {**finding.details, "status_without_gap": finding.status}
        finding.status = "ERROR"
        finding.reason = gap_reason(gap)
    for gap in gaps:
        scope = (gap["account_id"], gap["region"])
        if scope in covered or any(_affects(gap, f.account_id, f.region) for f in findings):
            continue
        covered.add(scope)
        findings.append(Finding.for_rule(
            rule, status="ERROR", account_id=gap["account_id"], region=gap["region"],
            resource_id=account_resource(gap["account_id"], _partition(snapshot)), reason=gap_reason(gap)))
    return findings


def _affects(gap: dict[str, str], account_id: str, region: str) -> bool:
    """A gap affects a finding of the same account in its region, or everywhere when either is global."""
    if gap["account_id"] != account_id:
        return False
    return GLOBAL_REGION in (gap["region"], region) or gap["region"] == region


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


def _partition(snapshot: Snapshot) -> str:
    """The AWS partition the snapshot was collected in."""
    return snapshot.manifest.get("options", {}).get("partition", "aws")


