"""One snapshot behind a locked-down DuckDB connection: rules run in a bounded worker, else in process.

The parts live in their own modules: what SQL may run (sql_policy), how a connection is built
(connection), the shared SQL (sql_library) and the worker (rule_process). The names below are
re-exported for callers that import them from here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import duckdb
import pyarrow as pa
from sounding.collector.declarations import TableSpec
from sounding.engine.connection import EmptyTable, connect_sandbox, meta_table_names
from sounding.engine.rule_output import RuleCap, rule_output
from sounding.engine.rule_process import (
    CHILD_HEADROOM_BYTES,
    RuleWorker,
    WorkerStart,
    acquire_worker,
    isolation_available,
    memory_bytes,
    release_worker,
)
from sounding.engine.snapshot import Snapshot
from sounding.engine.sql_policy import CheckedSQL, RuleRefused, check_sql, is_forbidden_function

__all__ = ["META_TABLES", "CheckedSQL", "RuleRefused", "Sandbox", "check_sql", "is_forbidden_function"]

# Every name the engine provides besides the declared tables (meta tables and the shared views).
META_TABLES = meta_table_names()
MAX_WORKERS = 4


class Sandbox:
    """One snapshot, loaded as views, behind a locked-down DuckDB connection."""

    def __init__(self, snapshot: Snapshot, declared: Iterable[TableSpec], *, memory_limit: str = "2GB",
                 threads: int | None = None, workers: int = 1) -> None:
        self.snapshot = snapshot
        self.available: set[str] = set(snapshot.tables)
        empty: list[EmptyTable] = [(spec.name, [(c.name, c.type) for c in spec.all_columns])
                                   for spec in declared if spec.name not in self.available]
        self.missing: set[str] = {name for name, _ in empty}
        self._empty, self._memory_limit, self._threads = empty, memory_limit, threads
        self._con: duckdb.DuckDBPyConnection | None = None
        self._submitted: tuple[str, float, RuleCap] | None = None
        # Some functions (repeat(), range() as a list) allocate outside DuckDB's buffer manager and
        # ignore interrupts: rules run in a separate worker process, bounded in address space and
        # killed on timeout. The worker is a fresh interpreter (not a fork of this threaded process);
        # it gets the verified manifest and re-checks each listed file from the descriptor DuckDB then reads.
        # The worker runs in a fixed directory: it gets the snapshot by absolute path.
        start = WorkerStart(snapshot=str(snapshot.path.absolute()), manifest=snapshot.manifest, empty_tables=empty,
                            memory_limit=memory_limit, threads=threads,
                            address_space_limit=memory_bytes(memory_limit) + CHILD_HEADROOM_BYTES)
        # Rule queries are mostly small and use one core each: a large snapshot gets a worker per core
        # (at most MAX_WORKERS), each serving one rule at a time.
        count = min(workers, MAX_WORKERS) if isolation_available() else 0
        self.workers: list[RuleWorker] = [acquire_worker(start) for _ in range(count)]
        for worker in self.workers:
            worker.begin()  # each builds its connection while the caller prepares the rules

    @property
    def worker(self) -> RuleWorker | None:
        """The first worker (queries that are not rules run there), or None when rules run in process."""
        return self.workers[0] if self.workers else None

    @property
    def slots(self) -> int:
        """How many rule queries may be in flight at once (submit_rule's slot numbers)."""
        return max(1, len(self.workers))

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """This process's own sandbox connection, built on first use (rules run in the worker)."""
        if self._con is None:
            self._con = connect_sandbox(self.snapshot, self._empty, self._memory_limit, self._threads)
        return self._con

    def run(self, query: str, *, timeout: float, max_rows: int) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run a checked query with a time and memory bound; returns column names and at most max_rows + 1 rows."""
        sql = f"SELECT * FROM ({query}) AS rule_output LIMIT {max_rows + 1}"
        if self.worker is not None:
            return self.worker.run(sql, timeout)
        timer = threading.Timer(timeout, self.con.interrupt)
        timer.start()
        try:
            cursor = self.con.execute(sql)
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        finally:
            timer.cancel()
        return columns, rows

    def submit_rule(self, query: str, *, timeout: float, cap: RuleCap, slot: int = 0) -> None:
        """Start a checked rule query on a slot's worker; the caller may work until collect_rule(slot)."""
        sql = f"SELECT * FROM ({query}) AS rule_output LIMIT {cap.rows + 1}"
        if self.workers:
            self.workers[slot].submit_rule(sql, timeout, cap)
        else:
            self._submitted = (sql, timeout, cap)  # without a worker it runs when collected

    def collect_rule(self, slot: int = 0) -> pa.Table:
        """The output of the rule query submitted on slot; raises InvalidOutput or DuckDB's exceptions."""
        if self.workers:
            return self.workers[slot].collect_rule()
        assert self._submitted is not None
        (sql, timeout, cap), self._submitted = self._submitted, None
        timer = threading.Timer(timeout, self.con.interrupt)
        timer.start()
        try:
            return rule_output(self.con, sql, cap)
        finally:
            timer.cancel()

    def close(self) -> None:
        """Release the connection and stop the workers (the shared one stays for the next evaluation)."""
        workers, self.workers = self.workers, []
        for worker in workers:
            release_worker(worker)
        if self._con is not None:
            self._con.close()
            self._con = None
