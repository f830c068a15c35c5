"""Amazon Security Lake custom-source output: OCSF Compliance Findings as Parquet, one file per partition."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from sounding.engine.errors import InputError
from sounding.engine.evaluate import Evaluation
from sounding.engine.report.ocsf import events

# Security Lake's custom-source layout: ext/<source>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/
PARTITIONS = ("region", "accountId", "eventDay")
BATCH_ROWS = 10_000
_S = pa.string()
_I = pa.int32()
_STRINGS = pa.list_(_S)
# The OCSF attributes engine.report.ocsf writes, typed; `unmapped` is a map of JSON texts (its contents vary).
EVENT_SCHEMA = pa.schema([
    ("activity_id", _I), ("activity_name", _S), ("category_name", _S), ("category_uid", _I),
    ("class_name", _S), ("class_uid", _I), ("type_uid", pa.int64()), ("type_name", _S),
    ("severity_id", _I), ("severity", _S), ("status_id", _I), ("status", _S), ("status_code", _S),
    ("status_detail", _S), ("message", _S), ("time", pa.int64()),
    ("compliance", pa.struct([("control", _S), ("status", _S), ("status_code", _S), ("status_id", _I),
                              ("standards", _STRINGS), ("requirements", _STRINGS)])),
    ("finding_info", pa.struct([
        ("uid", _S), ("title", _S), ("desc", _S), ("created_time", pa.int64()), ("types", _STRINGS),
        ("src_url", _S),
        ("analytic", pa.struct([("uid", _S), ("name", _S), ("type_id", _I), ("type", _S), ("category", _S),
                                ("desc", _S), ("version", _S)]))])),
    ("resources", pa.list_(pa.struct([("uid", _S), ("type", _S), ("cloud_partition", _S), ("region", _S)]))),
    ("cloud", pa.struct([("provider", _S), ("region", _S),
                         ("account", pa.struct([("uid", _S), ("name", _S), ("type", _S), ("type_id", _I)]))])),
    ("metadata", pa.struct([("event_code", _S), ("version", _S), ("profiles", _STRINGS),
                            ("product", pa.struct([("name", _S), ("vendor_name", _S), ("version", _S)]))])),
    ("remediation", pa.struct([("desc", _S), ("references", _STRINGS)])),
    ("unmapped", pa.map_(_S, _S)),
])
ROW_SCHEMA = EVENT_SCHEMA.append(pa.field("_seq", pa.int64()))
for _name in PARTITIONS:
    ROW_SCHEMA = ROW_SCHEMA.append(pa.field(_name, _S))


def row(event: dict[str, Any], seq: int, event_day: str) -> dict[str, Any]:
    """An OCSF event as a Parquet row: each `unmapped` value as JSON text, the partition columns added."""
    unmapped = {k: json.dumps(v, sort_keys=True, ensure_ascii=False)
                for k, v in sorted(event.get("unmapped", {}).items())}
    return {**event, "unmapped": list(unmapped.items()), "_seq": seq, "region": event["cloud"]["region"],
            "accountId": event["cloud"]["account"]["uid"], "eventDay": event_day}


def rows(evaluation: Evaluation) -> Iterator[dict[str, Any]]:
    """Every finding as a row, in the evaluation's order; eventDay is the collection day (UTC)."""
    event_day = evaluation.snapshot.collected_at.astimezone(UTC).strftime("%Y%m%d")
    for seq, event in enumerate(events(evaluation)):
        yield row(event, seq, event_day)


def stage(evaluation: Evaluation, path: Path) -> int:
    """Write every row to one Parquet file, a batch at a time; the number of rows."""
    count = 0
    with pq.ParquetWriter(str(path), ROW_SCHEMA) as writer:
        batch: list[dict[str, Any]] = []
        for item in rows(evaluation):
            batch.append(item)
            if len(batch) == BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=ROW_SCHEMA))
                count += len(batch)
                batch = []
        if batch or not count:
            writer.write_table(pa.Table.from_pylist(batch, schema=ROW_SCHEMA))
            count += len(batch)
    return count


def write_lake(evaluation: Evaluation, out: Path) -> int:
    """Create directory `out` with region=/accountId=/eventDay= partitions, atomically; the number of events."""
    if out.exists() or out.is_symlink():
        raise InputError(out, "already exists; give a new directory (Sounding never replaces what it did not create)")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(out, "the directory to write into does not exist")
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    try:
        staged = work / "staged.parquet"
        count = stage(evaluation, staged)
        lake = work / "lake"
        con = duckdb.connect(config={"threads": 1, "preserve_insertion_order": True})
        try:
            con.execute(f"COPY (SELECT * EXCLUDE (_seq) FROM read_parquet(?) ORDER BY _seq) TO '{_quoted(lake)}' "
                        f"(FORMAT parquet, PARTITION_BY ({', '.join(PARTITIONS)}))", [str(staged)])
        finally:
            con.close()
        if not count:
            lake.mkdir(exist_ok=True)
        os.rename(lake, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return count


def _quoted(path: Path) -> str:
    """A path inside a SQL string literal."""
    return str(path).replace("'", "''")
