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
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sounding.collector.contract import GAP_FIELDS, GLOBAL_REGION
from sounding.engine.findings import STATUS_ORDER, Finding

BATCH_ROWS = 10_000
SPOOL_MEMORY = "256MB"
COLUMNS = ("section", "rule_id", "title", "severity", "status", "account_id", "region", "resource_id", "reason",
           "details", "waived", "waiver_reason")
_SCHEMA = pa.schema([("seq", pa.int64()), ("section", pa.int64()), *((c, pa.string()) for c in COLUMNS[1:10]),
                     ("waived", pa.bool_()), ("waiver_reason", pa.string())])
_STATUS_RANK = "CASE status " + " ".join(f"WHEN '{s}' THEN {n}" for s, n in STATUS_ORDER.items()) + " ELSE 9 END"
ORDER = f"section, rule_id, account_id, region, resource_id, {_STATUS_RANK}, reason, seq"


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
        columns: dict[str, Any] = {name: [g[name] for g in gaps] for name in GAP_FIELDS}
        columns["idx"] = range(len(gaps))
        self.con.register("_gaps", pa.table(columns, schema=pa.schema([*((n, pa.string()) for n in GAP_FIELDS),
                                                                       ("idx", pa.int64())])))
        self.con.execute("CREATE TABLE gaps AS SELECT * FROM _gaps")
        self.con.unregister("_gaps")
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

    def gap_matches(self, scopes: Sequence[tuple[str, str]], tables: Collection[str]) -> tuple[
            dict[int, dict[str, str]], list[dict[str, str]]]:
        """For (account, region) scopes of a rule's findings: the first gap affecting each, and the gaps
        affecting none of them (one per scope), both in the manifest's gap order.

        A gap affects a finding of its account in its region, or anywhere when either side is global.
        """
        self.con.register("_tables", pa.table({"name": list(tables)}, schema=pa.schema([("name", pa.string())])))
        self.con.register("_scopes", pa.table({"i": range(len(scopes)), "account_id": [s[0] for s in scopes],
                                               "region": [s[1] for s in scopes]}))
        try:
            relevant = ("SELECT *, row_number() OVER (ORDER BY account_id, region, \"table\", operation, idx) AS gno "
                        "FROM gaps WHERE \"table\" IN (SELECT name FROM _tables) OR \"table\" = '*'")
            affects = (f"g.account_id = s.account_id "
                       f"AND (g.region = s.region OR '{GLOBAL_REGION}' IN (g.region, s.region))")
            fields = ", ".join(f'g."{f}"' for f in GAP_FIELDS)
            first = self.con.execute(
                f"WITH g AS ({relevant}) SELECT s.i, {fields} FROM _scopes AS s JOIN g ON {affects} "
                f"QUALIFY row_number() OVER (PARTITION BY s.i ORDER BY g.gno) = 1").fetchall()
            picked = ", ".join(f'arg_min(g."{f}", g.gno)' for f in GAP_FIELDS)
            uncovered = self.con.execute(
                f"WITH g AS ({relevant}) SELECT {picked} FROM g WHERE NOT EXISTS "
                f"(SELECT 1 FROM _scopes AS s WHERE {affects}) GROUP BY g.account_id, g.region "
                f"ORDER BY min(g.gno)").fetchall()
        finally:
            self.con.unregister("_tables")
            self.con.unregister("_scopes")
        by_scope = {row[0]: dict(zip(GAP_FIELDS, row[1:], strict=True)) for row in first}
        return by_scope, [dict(zip(GAP_FIELDS, row, strict=True)) for row in uncovered]

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
            cursor.execute(f"SELECT {', '.join(COLUMNS)} FROM {self._table} {self._where}")
            while batch := cursor.fetchmany(BATCH_ROWS):
                for row in batch:
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
