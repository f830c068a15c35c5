"""Rewrites a snapshot in another format version: the same rows, accounts, gaps and collection facts."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sounding.collector.contract import MANIFEST, Manifest, TableEntry, parse_time
from sounding.collector.declarations import TableSpec
from sounding.collector.tables import TABLES_BY_NAME
from sounding.collector.write import EMPTY_PARTITION, SnapshotWriter


def convert(source: Path, out: Path, *, format_version: int, replace: bool = False) -> Path:
    """Write the snapshot at source (read through its manifest) to out in format_version.

    The source is trusted to be verified by the caller (`open_snapshot`); only declared tables are kept.
    """
    manifest = Manifest.from_json((source / MANIFEST).read_text(encoding="utf-8"))
    specs = [TABLES_BY_NAME[name] for name in sorted(manifest.tables)]
    writer = SnapshotWriter(out, specs, replace=replace, format_version=format_version)
    try:
        for spec in specs:
            for account_id, rows in _accounts_of(source, spec, manifest.tables[spec.name]):
                writer.write_arrow(spec.name, account_id, rows)
        return writer.finish(started_at=parse_time(manifest.started_at),
                             finished_at=parse_time(manifest.finished_at),
                             caller=manifest.caller, accounts=manifest.accounts, gaps=manifest.gaps,
                             api_calls=manifest.api_calls, collected_tables=sorted(manifest.tables),
                             options=manifest.options, written_by=manifest.tool_version)
    except BaseException:
        writer.abort()
        raise


def _accounts_of(source: Path, spec: TableSpec, entry: TableEntry) -> list[tuple[str, pa.Table]]:
    """Each account's rows of one table, in the order the source holds them."""
    schema = spec.arrow_schema()
    if entry.account_rows is None:
        return [(f.account_id or "", pq.read_table(source / f.path, schema=schema)) for f in entry.files
                if f.account_id != EMPTY_PARTITION]
    table = pa.concat_tables([pq.read_table(source / f.path, schema=schema) for f in entry.files])
    return [(account, table.filter(pc.equal(table["account_id"], account))) for account in sorted(entry.account_rows)]

