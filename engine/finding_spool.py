"""Findings kept outside the parent's memory: a private DuckDB file, read back in report order as a stream.

The evaluation writes each rule's findings as one Arrow batch; gaps are loaded once, in bulk, and
matched to a rule's findings with a join. Reports iterate `FindingStream` (possibly several times);
nothing holds every finding as a Python object at once.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute
from sounding.collector.contract import GAP_FIELDS, GLOBAL_REGION
from sounding.engine.findings import STATUS_ORDER, Finding
from sounding.engine.rules import Rule

BATCH_ROWS = 10_000
SPOOL_MEMORY = "256MB"
COLUMNS = ("section", "rule_id", "title", "severity", "status", "account_id", "region", "resource_id", "reason",
           "details", "waived", "waiver_reason")
_SCHEMA = pa.schema([("seq", pa.int64()), ("section", pa.int64()), *((c, pa.string()) for c in COLUMNS[1:10]),
                     ("waived", pa.bool_()), ("waiver_reason", pa.string())])
_STATUS_RANK = "CASE status " + " ".join(f"WHEN '{s}' THEN {n}" for s, n in STATUS_ORDER.items()) + " ELSE 9 END"
ORDER = f"section, rule_id, account_id, region, resource_id, {_STATUS_RANK}, reason, seq"
# One rule's findings share section and rule: Finding.sort_key's order within a rule, ties by position.
_KEY_SCHEMA = pa.schema([("pos", pa.int64()), ("account_id", pa.string()), ("region", pa.string()),
                         ("resource_id", pa.string()), ("rank", pa.int8()), ("reason", pa.string())])


def _details_text(details: dict[str, Any] | None) -> str | None:
    """How the spool keeps a finding's details: JSON text, NULL when empty."""
    return json.dumps(details, ensure_ascii=False) if details else None


@dataclass
class RuleRows:
    """One rule's findings as columns (what a rule returned, validated), before they are spooled."""

    status: list[str]
    account_id: list[str]
    region: list[str]
    resource_id: list[str]
    reason: list[str]
    details: list[dict[str, Any] | None] = field(default_factory=list)

    @classmethod
    def of(cls, findings: Sequence[Finding]) -> RuleRows:
        """Columns of findings built one by one (errors, missing tables)."""
        return cls(status=[f.status for f in findings], account_id=[f.account_id for f in findings],
                   region=[f.region for f in findings], resource_id=[f.resource_id for f in findings],
                   reason=[f.reason for f in findings], details=[f.details or None for f in findings])

    def __len__(self) -> int:
        return len(self.status)

    def append(self, *, status: str, account_id: str, region: str, resource_id: str, reason: str,
               details: dict[str, Any] | None = None) -> None:
        """Add one finding at the end."""
        self.status.append(status)
        self.account_id.append(account_id)
        self.region.append(region)
        self.resource_id.append(resource_id)
        self.reason.append(reason)
        self.details.append(details)

    def findings(self, rule: Rule) -> list[Finding]:
        """The rows as Finding objects of rule, in their order."""
        return [Finding.for_rule(rule, status=s, account_id=a, region=g, resource_id=r, reason=why, details=d)
                for s, a, g, r, why, d in zip(self.status, self.account_id, self.region, self.resource_id,
                                               self.reason, self.details, strict=True)]


def _connect(directory: Path) -> duckdb.DuckDBPyConnection:
    """The spool's own database, spilling to its private directory."""
    con = duckdb.connect(":memory:", config={"autoload_known_extensions": "false",
                                             "autoinstall_known_extensions": "false"})
    con.execute("SET TimeZone = 'UTC'")
    # An in-memory database whose blocks past the limit go to the private directory: the parent stays small.
    con.execute(f"SET temp_directory = '{directory / 'spill'}'")
    con.execute(f"SET memory_limit = '{SPOOL_MEMORY}'")
    con.execute("SET threads = 1")
    con.execute("SET preserve_insertion_order = true")
    return con


_GAP_ORDER = ("account_id", "region", "table", "operation")


def _nulls_last(value: str | None) -> tuple[bool, str]:
    """A sort key placing a missing value after every string."""
    return (value is None, value or "")


def _affects(gap_region: str, finding_region: str) -> bool:
    """Whether a gap in gap_region affects a finding in finding_region (same account)."""
    return gap_region == finding_region or GLOBAL_REGION in (gap_region, finding_region)


class FindingSpool:
    """Collects findings rule by rule; `finish()` orders them once and returns the stream."""

    def __init__(self, gaps: Sequence[dict[str, str]] = ()) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="sounding-findings-"))
        os.chmod(self.directory, 0o700)
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory, True)
        self.con = _connect(self.directory)
        self.con.register("_schema", _SCHEMA.empty_table())
        self.con.execute("CREATE TABLE spooled AS SELECT * FROM _schema")
        self.con.unregister("_schema")
        # Gaps in the order matching reports them: account, region, table, operation, then manifest order.
        self._gaps_in_order = [{f: g[f] for f in GAP_FIELDS} for _, g in sorted(
            enumerate(gaps), key=lambda item: (*(_nulls_last(item[1][f]) for f in _GAP_ORDER), item[0]))]
        self._seq = 0

    def add(self, findings: Sequence[Finding]) -> None:
        """Spool findings in the order given (the order ties are reported in)."""
        for start in range(0, len(findings), BATCH_ROWS):
            chunk = findings[start:start + BATCH_ROWS]
            table = pa.table({
                "seq": range(self._seq, self._seq + len(chunk)),
                "section": [f.section for f in chunk], "rule_id": [f.rule_id for f in chunk],
                "title": [f.title for f in chunk], "severity": [f.severity for f in chunk],
                "status": [f.status for f in chunk], "account_id": [f.account_id for f in chunk],
                "region": [f.region for f in chunk], "resource_id": [f.resource_id for f in chunk],
                "reason": [f.reason for f in chunk],
                "details": [json.dumps(f.details, ensure_ascii=False) if f.details else None for f in chunk],
                "waived": [f.waived for f in chunk], "waiver_reason": [f.waiver_reason for f in chunk],
            }, schema=_SCHEMA)
            self._seq += len(chunk)
            self.con.register("_batch", table)
            self.con.execute("INSERT INTO spooled SELECT * FROM _batch")
            self.con.unregister("_batch")

    def add_rule(self, rule: Rule, rows: RuleRows) -> None:
        """Spool one rule's findings in report order: sorted here (Finding.sort_key), ties in the given order."""
        total = len(rows)
        rank = STATUS_ORDER.get
        table = pa.table({
            "pos": range(total), "account_id": rows.account_id, "region": rows.region,
            "resource_id": rows.resource_id, "rank": pa.array([rank(s, 9) for s in rows.status], pa.int8()),
            "reason": rows.reason,
        }, schema=_KEY_SCHEMA)
        # Arrow compares strings by their UTF-8 bytes, which is code point order, as Python's sort does.
        order = pa.compute.sort_indices(table, sort_keys=[(name, "ascending") for name in _KEY_SCHEMA.names[1:]]
                                        + [("pos", "ascending")])
        del table
        for start in range(0, total, BATCH_ROWS * 10):
            picked = order[start:start + BATCH_ROWS * 10]
            count = len(picked)
            batch = pa.table({
                "seq": range(self._seq, self._seq + count), "section": pa.repeat(rule.section, count),
                "rule_id": pa.repeat(rule.id, count), "title": pa.repeat(rule.title, count),
                "severity": pa.repeat(rule.severity, count),
                **{name: pa.array(getattr(rows, name), pa.string()).take(picked)
                   for name in ("status", "account_id", "region", "resource_id", "reason")},
                "details": pa.array([_details_text(d) for d in rows.details], pa.string()).take(picked),
                "waived": pa.repeat(False, count), "waiver_reason": pa.repeat("", count),
            }, schema=_SCHEMA)
            self._seq += count
            self.con.register("_batch", batch)
            self.con.execute("INSERT INTO spooled SELECT * FROM _batch")
            self.con.unregister("_batch")

    def gap_matches(self, scopes: Sequence[tuple[str, str]], tables: Collection[str]) -> tuple[
            dict[int, dict[str, str]], list[dict[str, str]]]:
        """For (account, region) scopes of a rule's findings: the first gap affecting each, and the gaps
        affecting none of them (one per scope), both in the manifest's gap order.

        A gap affects a finding of its account in its region, or anywhere when either side is global.
        Gaps are indexed by account once, so this costs scopes + gaps, never scopes x gaps.
        """
        wanted = set(tables)
        relevant = [g for g in self._gaps_in_order if g["table"] in wanted or g["table"] == "*"]
        by_account: dict[str, list[dict[str, str]]] = {}
        for gap in relevant:
            by_account.setdefault(gap["account_id"], []).append(gap)
        regions_of: dict[str, set[str]] = {}
        first: dict[int, dict[str, str]] = {}
        for i, (account, region) in enumerate(scopes):
            regions_of.setdefault(account, set()).add(region)
            for gap in by_account.get(account, ()):
                if _affects(gap["region"], region):
                    first[i] = gap
                    break
        uncovered: dict[tuple[str, str], dict[str, str]] = {}
        for gap in relevant:
            regions = regions_of.get(gap["account_id"], set())
            if any(_affects(gap["region"], region) for region in regions):
                continue
            uncovered.setdefault((gap["account_id"], gap["region"]), gap)
        return ({i: dict(gap) for i, gap in first.items()}, [dict(gap) for gap in uncovered.values()])

    def finish(self, *, ordered: bool = False) -> FindingStream:
        """The stream of the spooled findings in report order.

        ordered=True: they were added in report order already (no sort). Otherwise they are sorted
        once here, ties kept in the order they were added.
        """
        if ordered:
            self.con.execute(f"CREATE TABLE findings AS SELECT seq AS ord, {', '.join(COLUMNS)} FROM spooled")
        else:
            self.con.execute(f"CREATE TABLE findings AS SELECT row_number() OVER (ORDER BY {ORDER}) AS ord, "
                             f"{', '.join(COLUMNS)} FROM spooled ORDER BY ord")
        self.con.execute("DROP TABLE spooled")
        return FindingStream(self, "findings", "")


class FindingStream:
    """The findings of an evaluation in report order: re-iterable, never held whole in memory."""

    def __init__(self, spool: FindingSpool, table: str, where: str) -> None:
        self._spool, self._table, self._where = spool, table, where
        self._count: int | None = None

    def __iter__(self) -> Iterator[Finding]:
        cursor = self._spool.con.cursor()
        try:
            # A plain scan returns rows in insertion order (preserve_insertion_order), which is report order.
            reader = cursor.sql(f"SELECT {', '.join(COLUMNS)} FROM {self._table} {self._where}") \
                .to_arrow_reader(BATCH_ROWS)
            # Arrow batches turned into Python column by column: much cheaper than DuckDB's row tuples.
            for batch in reader:
                for row in zip(*(column.to_pylist() for column in batch.columns), strict=True):
                    yield _finding(row)
        finally:
            cursor.close()

    def __len__(self) -> int:
        if self._count is None:
            self._count = int(self._spool.con.execute(
                f"SELECT count(*) FROM {self._table} {self._where}").fetchone()[0])
        return self._count

    def __bool__(self) -> bool:
        return len(self) > 0

    def with_statuses(self, statuses: Collection[str]) -> FindingStream:
        """Only the findings whose status is one of statuses (a view; nothing is copied)."""
        listed = ", ".join("'" + s.replace("'", "''") + "'" for s in sorted(statuses))
        where = f"{self._where} AND status IN ({listed})" if self._where else f"WHERE status IN ({listed})"
        return FindingStream(self._spool, self._table, where)

    def update(self, change: Callable[[Finding], None]) -> None:
        """Apply change to every finding, in order, and keep what it changed (waivers use this)."""
        con = self._spool.con
        name = f"{self._table}_next"
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM {self._table} LIMIT 0")
        seq = 0
        batch: list[Finding] = []

        def flush() -> None:
            nonlocal seq
            rows = {c: [getattr(f, c) for f in batch] for c in COLUMNS}
            rows["details"] = [json.dumps(f.details, ensure_ascii=False) if f.details else None for f in batch]
            table = pa.table({"ord": range(seq + 1, seq + 1 + len(batch)), **rows})
            seq += len(batch)
            con.register("_batch", table)
            con.execute(f"INSERT INTO {name} SELECT * FROM _batch")
            con.unregister("_batch")
            batch.clear()

        for finding in FindingStream(self._spool, self._table, ""):
            change(finding)
            batch.append(finding)
            if len(batch) >= BATCH_ROWS:
                flush()
        if batch:
            flush()
        con.execute(f"DROP TABLE {self._table}")
        con.execute(f"ALTER TABLE {name} RENAME TO {self._table}")
        self._count = None


def _finding(row: tuple[Any, ...]) -> Finding:
    """A Finding from one spooled row."""
    (section, rule_id, title, severity, status, account_id, region, resource_id, reason, details, waived,
     waiver_reason) = row
    return Finding(rule_id=rule_id, title=title, severity=severity, section=section, status=status,
                   account_id=account_id, region=region, resource_id=resource_id, reason=reason,
                   details=json.loads(details) if details else {}, waived=bool(waived),
                   waiver_reason=waiver_reason or "")
