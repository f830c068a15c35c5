"""Findings kept outside the parent's memory: Arrow batches (a private IPC file once large), read back in
report order as a stream.

The evaluation appends each rule's findings, already in report order, as Arrow batches (engine.batch_store:
in memory while small, then a file read back a batch at a time). Gaps are indexed once and matched per
(account, region) scope. Reports iterate `FindingStream` (possibly several times) or its Arrow batches;
nothing holds every finding as a Python object at once.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
import weakref
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sounding.collector.contract import GAP_FIELDS, GLOBAL_REGION
from sounding.engine.batch_store import BatchStore
from sounding.engine.findings import Finding
from sounding.engine.rule_output import details_text, in_report_order
from sounding.engine.rules import Rule

BATCH_ROWS = 10_000
COLUMNS = ("section", "rule_id", "title", "severity", "status", "account_id", "region", "resource_id", "reason",
           "details", "waived", "waiver_reason")
_SCHEMA = pa.schema([("seq", pa.int64()), ("section", pa.int64()), *((c, pa.string()) for c in COLUMNS[1:10]),
                     ("waived", pa.bool_()), ("waiver_reason", pa.string())])
# What the tallies of a stream are counted by.
COUNT_KEYS = ("section", "severity", "status", "waived")


def _sorted(table: pa.Table) -> pa.Table:
    """Spooled rows in report order, ties by the order spooled."""
    return in_report_order(table, leading=("section", "rule_id"), tie="seq")


_GAP_ORDER = ("account_id", "region", "table", "operation")


def _nulls_last(value: str | None) -> tuple[bool, str]:
    """A sort key placing a missing value after every string."""
    return (value is None, value or "")


def _affects(gap_region: str, finding_region: str) -> bool:
    """Whether a gap in gap_region affects a finding in finding_region (same account)."""
    return gap_region == finding_region or GLOBAL_REGION in (gap_region, finding_region)


class FindingSpool:
    """Collects findings rule by rule into one Arrow file; `finish()` returns the stream over it."""

    def __init__(self, gaps: Sequence[dict[str, str]] = (),
                 hooks: Sequence[Callable[[pa.RecordBatch], pa.RecordBatch]] = (), *, keep: bool = True) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="sounding-findings-"))
        os.chmod(self.directory, 0o700)
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.directory, True)
        self._versions = itertools.count()
        self.store = self._new_store()
        # Gaps in the order matching reports them: account, region, table, operation, then manifest order.
        self._gaps_in_order = [{f: g[f] for f in GAP_FIELDS} for _, g in sorted(
            enumerate(gaps), key=lambda item: (*(_nulls_last(item[1][f]) for f in _GAP_ORDER), item[0]))]
        self._seq = 0
        # Findings per (section, severity, status, waived), kept as batches are spooled: summaries and the
        # exit status never read the spool back to count.
        self.counts: Counter[tuple[Any, ...]] = Counter()
        # Called in order on each batch of a rule's sorted findings before it is spooled (waivers mark it,
        # a report writes it); each returns the batch to spool.
        self.hooks = list(hooks)
        # keep=False: the hooks consumed every finding (a report streamed while the rules ran); only the counts
        # are kept, and nothing is written to disk.
        self.keep = keep

    def _new_store(self) -> BatchStore:
        """Empty storage for spooled rows, its file (if it comes to one) new in the private directory."""
        return BatchStore(_SCHEMA, self.directory / f"findings-{next(self._versions)}.arrow")

    def _write(self, table: pa.Table, *, hooked: bool = False) -> None:
        """Append rows (in _SCHEMA, seq given); hooked: through the hooks first."""
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            for hook in self.hooks if hooked else ():
                batch = hook(batch)
            _count(batch, self.counts)
            if self.keep:
                self.store.append(batch)

    def add(self, findings: Sequence[Finding]) -> None:
        """Spool findings in the order given (the order ties are reported in)."""
        for start in range(0, len(findings), BATCH_ROWS):
            chunk = findings[start:start + BATCH_ROWS]
            self._write(_findings_table(chunk, self._seq))
            self._seq += len(chunk)

    def add_rule(self, rule: Rule, found: pa.Table, *, ordered: bool = False) -> None:
        """Spool one rule's findings (rule_output.OUTPUT_SCHEMA) in report order: sorted here
        (Finding.sort_key, ties in the given order) unless they are `ordered` already."""
        total = found.num_rows
        rows = found if ordered else in_report_order(found)
        self._write(pa.table({
            "seq": pa.array(range(self._seq, self._seq + total), pa.int64()), "section": pa.repeat(rule.section, total),
            "rule_id": pa.repeat(rule.id, total), "title": pa.repeat(rule.title, total),
            "severity": pa.repeat(rule.severity, total),
            **{name: rows[name] for name in ("status", "account_id", "region", "resource_id", "reason", "details")},
            "waived": pa.repeat(False, total), "waiver_reason": pa.repeat("", total),
        }, schema=_SCHEMA), hooked=True)
        self._seq += total

    def gap_accounts(self, tables: Collection[str]) -> set[str]:
        """The accounts with a gap in any of tables (or in every table)."""
        wanted = set(tables)
        return {g["account_id"] for g in self._gaps_in_order if g["table"] in wanted or g["table"] == "*"}

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
        once here (in memory), ties kept in the order they were added.
        """
        self.store.close()
        if not ordered:
            table = _sorted(pa.Table.from_batches(list(self.store.batches()), _SCHEMA))
            self.replace(table.to_batches(max_chunksize=BATCH_ROWS))
        return FindingStream(self, None)

    def replace(self, batches: Iterator[pa.RecordBatch] | Sequence[pa.RecordBatch]) -> None:
        """Spool batches (in _SCHEMA) anew; they then replace the current findings."""
        store, counts = self._new_store(), Counter[tuple[Any, ...]]()
        for batch in batches:
            _count(batch, counts)
            store.append(batch)
        store.close()
        old, self.store, self.counts = self.store, store, counts
        old.discard()


class FindingStream:
    """The findings of an evaluation in report order: re-iterable, never held whole in memory."""

    def __init__(self, spool: FindingSpool, statuses: frozenset[str] | None) -> None:
        self._spool, self._statuses = spool, statuses
        self._count: int | None = None

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The findings as Arrow batches of COLUMNS (and seq), in report order, filtered by status."""
        if not self._spool.keep:
            raise RuntimeError("these findings were not kept: they went to the evaluation's hooks")
        keep = pa.array(sorted(self._statuses), pa.string()) if self._statuses is not None else None
        for batch in self._spool.store.batches():
            if keep is not None:
                batch = batch.filter(pc.is_in(batch.column("status"), value_set=keep))
            if batch.num_rows:
                yield batch

    def __iter__(self) -> Iterator[Finding]:
        for batch in self.batches():
            yield from findings_of(batch)

    def __len__(self) -> int:
        if self._count is None:
            self._count = sum(key[-1] for key in self.counts())
        return self._count

    def __bool__(self) -> bool:
        return len(self) > 0

    def counts(self) -> list[tuple[int, str, str, bool, int]]:
        """How many findings there are per (section, severity, status, waived): kept by the spool as it wrote."""
        return sorted((*key, count) for key, count in self._spool.counts.items()  # type: ignore[misc]
                      if count and (self._statuses is None or key[2] in self._statuses))

    def with_statuses(self, statuses: Collection[str]) -> FindingStream:
        """Only the findings whose status is one of statuses (a view; nothing is copied)."""
        wanted = frozenset(statuses) if self._statuses is None else self._statuses & frozenset(statuses)
        return FindingStream(self._spool, wanted)

    def update_batches(self, change: Callable[[pa.RecordBatch], pa.RecordBatch]) -> None:
        """Replace every spooled batch (all columns, seq included) by change(batch), in order (waivers use this)."""
        self._spool.replace(change(batch) for batch in FindingStream(self._spool, None).batches())
        self._count = None

    def update(self, change: Callable[[Finding], None]) -> None:
        """Apply change to every finding, in order, and keep what it changed (one Finding at a time)."""
        def changed(batch: pa.RecordBatch) -> pa.RecordBatch:
            findings = findings_of(batch)
            for finding in findings:
                change(finding)
            return _findings_table(findings, batch.column("seq")).to_batches()[0]

        self.update_batches(changed)


def _count(batch: pa.RecordBatch, counts: Counter[tuple[Any, ...]]) -> None:
    """Add a batch's findings per (section, severity, status, waived) to counts."""
    if not batch.num_rows:
        return
    grouped = pa.table(batch.select(list(COUNT_KEYS))).group_by(list(COUNT_KEYS), use_threads=False) \
        .aggregate([([], "count_all")])
    keys = [grouped[name].to_pylist() for name in COUNT_KEYS]
    for *key, count in zip(*keys, grouped["count_all"].to_pylist(), strict=True):
        counts[tuple(key)] += count


def _findings_table(findings: Sequence[Finding], seq: int | pa.Array) -> pa.Table:
    """Findings as spool rows, numbered from seq (or with the given seq column)."""
    return pa.table({
        "seq": pa.array(range(seq, seq + len(findings)), pa.int64()) if isinstance(seq, int) else seq,
        "section": [f.section for f in findings], "rule_id": [f.rule_id for f in findings],
        "title": [f.title for f in findings], "severity": [f.severity for f in findings],
        "status": [f.status for f in findings], "account_id": [f.account_id for f in findings],
        "region": [f.region for f in findings], "resource_id": [f.resource_id for f in findings],
        "reason": [f.reason for f in findings],
        "details": [details_text(f.details) for f in findings],
        "waived": [f.waived for f in findings], "waiver_reason": [f.waiver_reason for f in findings],
    }, schema=_SCHEMA)


def findings_of(batch: pa.RecordBatch) -> list[Finding]:
    """A spooled batch as Finding objects, turned into Python column by column (much cheaper than row by row)."""
    return [finding_from_row(row) for row in zip(*(batch.column(name).to_pylist() for name in COLUMNS), strict=True)]


def finding_from_row(row: tuple[Any, ...]) -> Finding:
    """A Finding from one spooled row."""
    (section, rule_id, title, severity, status, account_id, region, resource_id, reason, details, waived,
     waiver_reason) = row
    return Finding(rule_id=rule_id, title=title, severity=severity, section=section, status=status,
                   account_id=account_id, region=region, resource_id=resource_id, reason=reason,
                   details=json.loads(details) if details else {}, waived=bool(waived),
                   waiver_reason=waiver_reason or "")
