"""Runs rules over a snapshot in the sandbox and turns their rows into findings, spooled outside memory."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute
from sounding.collector.contract import ALL_TABLES_GAP, GLOBAL_REGION
from sounding.collector.declarations import TableSpec
from sounding.collector.tables import ALL_TABLES
from sounding.engine.errors import first_line
from sounding.engine.finding_spool import FindingSpool, FindingStream
from sounding.engine.findings import Finding
from sounding.engine.rule_output import (
    RUNAWAY_FACTOR,
    RUNAWAY_FLOOR,
    InvalidOutput,
    RuleCap,
    RuleRows,
    details_text,
    plain,
    to_rule_rows,
)
from sounding.engine.rules import Rule
from sounding.engine.sandbox import META_TABLES, RuleRefused, Sandbox, check_sql
from sounding.engine.snapshot import Snapshot
from sounding.engine.sql_library import load_library

DEFAULT_TIMEOUT = 60.0
# Snapshots with at least this many rows and scopes run rules on a worker per core (see worker_count).
PARALLEL_ROWS = 200_000


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
             memory_limit: str = "2GB", progress: Callable[[str], None] | None = None,
             workers: int | None = None,
             hooks: Sequence[Callable[[pa.RecordBatch], pa.RecordBatch]] = (),
             keep_findings: bool = True) -> Evaluation:
    """Evaluate every rule; a rule that fails yields ERROR findings and the others still run.

    max_rows=None sizes the runaway cap from the snapshot (see runaway_cap); workers=None picks the number
    of rule workers from the snapshot's size and the cores (see worker_count). hooks see each batch of
    findings, in report order, before it is spooled (FindingSpool); keep_findings=False spools only their
    counts (the hooks took the findings), so the stream can be counted but not read.
    """
    declared = list(declared)
    cap = RuleCap(max_rows, None) if max_rows is not None else RuleCap(runaway_cap(snapshot),
                                                                         snapshot_rows(snapshot))
    sandbox = Sandbox(snapshot, declared, memory_limit=memory_limit, workers=workers or worker_count(snapshot))
    known = {s.name for s in declared} | set(snapshot.tables) | set(META_TABLES)
    spool = FindingSpool(snapshot.gaps, hooks, keep=keep_findings)
    ordered = sorted(rules, key=lambda r: (r.section, r.id))
    try:
        # Rules run in report order (section, id) and each rule's findings are sorted before they are
        # spooled, so the spool is written in report order and read back without sorting. While the
        # workers run the next rules' queries, this process spools the findings in order.
        plans = [prepare_rule(sandbox, rule, known) for rule in ordered]  # while the workers build connections
        queue = RuleQueue(sandbox, plans, timeout=timeout, cap=cap)
        for number, (rule, plan) in enumerate(zip(ordered, plans, strict=True), start=1):
            if progress:
                progress(f"[{number}/{len(ordered)}] {rule.id}")
            if plan.ready is not None:  # refused, or reading what was not collected: its ERROR findings
                spool.add_rule(rule, plan.ready)
                continue
            slot = queue.slot(number - 1)
            found, ran = collect_output(sandbox, rule, timeout, slot)
            queue.done(slot)  # the slot takes the next query while this rule's findings are spooled
            if not ran:
                spool.add_rule(rule, found)
                continue
            # In report order already (rule_output); gaps in what it read turn findings into ERROR, which may
            # move a row: only then is it sorted again.
            gapped = apply_gaps(snapshot, found, plan.reads, spool)
            spool.add_rule(rule, gapped, ordered=gapped is found)
    finally:
        sandbox.close()
    return Evaluation(snapshot, list(rules), spool.finish(ordered=True))


def worker_count(snapshot: Snapshot) -> int:
    """Rule workers for a snapshot: one per core (up to the sandbox's maximum) once it is large enough to pay
    for starting them, else one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores) if snapshot_rows(snapshot) >= PARALLEL_ROWS else 1


class RuleQueue:
    """Rule queries in flight on the sandbox's slots, submitted ahead in report order and collected in it."""

    def __init__(self, sandbox: Sandbox, plans: Sequence[RulePlan], *, timeout: float, cap: RuleCap) -> None:
        self.sandbox, self.plans, self.timeout, self.cap = sandbox, plans, timeout, cap
        self.free = list(range(sandbox.slots))
        self.slot_of: dict[int, int] = {}
        self.next = 0
        self.fill()

    def fill(self) -> None:
        """Submit the next queries in order while a slot is free."""
        while self.free and self.next < len(self.plans):
            query = self.plans[self.next].query
            if query is not None:
                slot = self.free.pop(0)
                self.sandbox.submit_rule(query, timeout=self.timeout, cap=self.cap, slot=slot)
                self.slot_of[self.next] = slot
            self.next += 1

    def slot(self, index: int) -> int:
        """The slot plan index's query was submitted on."""
        return self.slot_of.pop(index)

    def done(self, slot: int) -> None:
        """The slot's answer was collected: it takes the next query."""
        self.free.append(slot)
        self.fill()


@dataclass(frozen=True)
class RulePlan:
    """What evaluating one rule takes: its findings already (an error), or its checked query and what it reads."""

    ready: pa.Table | None = None
    query: str | None = None
    reads: frozenset[str] = frozenset()


def prepare_rule(sandbox: Sandbox, rule: Rule, known_tables: set[str]) -> RulePlan:
    """Check a rule before it runs: refused, unknown or uncollected tables give its ERROR findings at once."""
    snapshot = sandbox.snapshot
    try:
        checked = check_sql(rule.sql)
    except RuleRefused as exc:
        return RulePlan(ready=rule_error_rows(snapshot, rule, f"rule refused: {exc}"))
    unknown = sorted(checked.tables - known_tables)
    if unknown:
        return RulePlan(ready=rule_error_rows(snapshot, rule, f"reads table {unknown[0]}, which no declaration "
                                                              "provides"))
    reads = tables_read(checked.tables | checked.functions)
    missing = sorted(reads & sandbox.missing)
    if missing:
        return RulePlan(ready=RuleRows.of(
            [Finding.for_rule(rule, status="ERROR", account_id=a["account_id"], region=GLOBAL_REGION,
                              resource_id=account_resource(a["account_id"], snapshot.partition),
                              reason=f"table {missing[0]} was not collected in this snapshot")
             for a in snapshot.accounts] or [rule_error(snapshot, rule, f"table {missing[0]} was not collected")]
        ).to_arrow())
    return RulePlan(query=checked.query, reads=reads)


def collect_output(sandbox: Sandbox, rule: Rule, timeout: float, slot: int) -> tuple[pa.Table, bool]:
    """Wait for the rule's query on slot: its findings and True, or its ERROR finding and False when it failed."""
    snapshot = sandbox.snapshot
    try:
        return sandbox.collect_rule(slot), True
    except InvalidOutput as exc:
        message = f"invalid output: {exc}"
    except duckdb.InterruptException:
        message = f"stopped: ran longer than {timeout:g} s"
    except duckdb.OutOfMemoryException:
        message = "stopped: exceeded the memory limit"
    except duckdb.Error as exc:
        message = f"query failed: {first_line(exc)}"
    return rule_error_rows(snapshot, rule, message), False


def rule_error_rows(snapshot: Snapshot, rule: Rule, message: str) -> pa.Table:
    """The single ERROR finding of a rule that could not run, as rule output."""
    return RuleRows.of([rule_error(snapshot, rule, message)]).to_arrow()


def tables_read(names: frozenset[str]) -> frozenset[str]:
    """The names a rule reads (tables, functions), with what the shared views and macros among them read."""
    return load_library().dependencies(names)


def apply_gaps(snapshot: Snapshot, found: pa.Table, tables: frozenset[str], spool: FindingSpool) -> pa.Table:
    """Findings in a scope whose data was not collected become ERROR; an uncovered scope gets one.

    Gaps are matched per distinct (account, region) scope, then joined back to the rows they affect.
    """
    accounts = spool.gap_accounts(tables)
    if not accounts:
        return found
    # Only the scopes of accounts with a gap in what the rule reads can be affected (or leave a gap uncovered).
    with_gaps = found.filter(pa.compute.is_in(found["account_id"], value_set=pa.array(sorted(accounts), pa.string())))
    distinct = with_gaps.select(["account_id", "region"]).group_by(["account_id", "region"], use_threads=False) \
        .aggregate([])
    scopes = sorted(zip(distinct["account_id"].to_pylist(), distinct["region"].to_pylist(), strict=True))
    first, uncovered = spool.gap_matches(scopes, tables)
    if first:
        affected = pa.table({"account_id": [scopes[i][0] for i in first], "region": [scopes[i][1] for i in first],
                             "gap_reason": [gap_reason(gap) for gap in first.values()]})
        rows = pa.table({"pos": pa.array(range(found.num_rows), pa.int64()), "account_id": found["account_id"],
                         "region": found["region"]})
        hits = rows.join(affected, keys=["account_id", "region"], join_type="inner", use_threads=False)
        status, reason, details = (found[name].to_pylist() for name in ("status", "reason", "details"))
        for position, why in zip(hits["pos"].to_pylist(), hits["gap_reason"].to_pylist(), strict=True):
            before = json.loads(details[position]) if details[position] else {}
            details[position] = details_text({**before, "status_without_gap": status[position]})
            status[position], reason[position] = "ERROR", why
        for name, values in (("status", status), ("reason", reason), ("details", details)):
            found = found.set_column(found.schema.get_field_index(name), name, pa.array(values, pa.string()))
    if uncovered:
        extra = RuleRows()
        for gap in uncovered:
            extra.append(status="ERROR", account_id=gap["account_id"], region=gap["region"],
                         resource_id=account_resource(gap["account_id"], snapshot.partition), reason=gap_reason(gap))
        found = pa.concat_tables([found, extra.to_arrow()])
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


__all__ = ["DEFAULT_TIMEOUT", "Evaluation", "FindingStream", "RuleCap", "account_resource", "evaluate", "gap_reason",
           "plain", "runaway_cap", "to_rule_rows"]
