"""Finding drift of two spooled evaluations as one DuckDB join: Python objects only for the findings that moved.

The same result as merging the two report-ordered streams one finding at a time (engine.diff.findings):
the first finding of each (rule, account, region, resource) key on each side, in report order, a full
join on that key, the category from the two statuses, each category ordered by rule, account, region
and resource.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sounding.engine.diff.model import NEW_FAILURE, RESOLVED, STATUS_CHANGED, STILL_FAILING, FindingChange
from sounding.engine.sql_policy import BASE_CONFIG

MEMORY_LIMIT = "1GB"
_COLUMNS = ("section", "rule_id", "title", "severity", "status", "account_id", "region", "resource_id", "reason")
_KEY = ("section", "rule_id", "account_id", "region", "resource_id")


def _numbered(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches' finding columns with each finding's place in report order."""
    done = 0
    for batch in batches:
        columns = [batch.column(name) for name in _COLUMNS]
        yield pa.RecordBatch.from_arrays([*columns, pa.array(range(done, done + batch.num_rows), pa.int64())],
                                         names=[*_COLUMNS, "pos"])
        done += batch.num_rows


def _reader(batches: Iterator[pa.RecordBatch]) -> pa.RecordBatchReader:
    """A one-pass reader over the numbered batches."""
    schema = pa.schema([("section", pa.int64()), *((name, pa.string()) for name in _COLUMNS[1:]),
                        ("pos", pa.int64())])
    return pa.RecordBatchReader.from_batches(schema, _numbered(batches))


def _first_per_key(side: str) -> str:
    """SQL: the first finding (in report order) of each key of one side."""
    return (f"SELECT * FROM {side} QUALIFY row_number() OVER (PARTITION BY {', '.join(_KEY)} ORDER BY pos) = 1")


_CLASSIFY = f"""
WITH o AS ({_first_per_key('old_side')}), n AS ({_first_per_key('new_side')}),
joined AS (
    SELECT section, o.status AS old_status, n.status AS new_status,
           coalesce(n.rule_id, o.rule_id) AS rule_id,
           CASE WHEN n.rule_id IS NULL THEN o.title ELSE n.title END AS title,
           CASE WHEN n.rule_id IS NULL THEN o.severity ELSE n.severity END AS severity,
           coalesce(n.account_id, o.account_id) AS account_id, coalesce(n.region, o.region) AS region,
           coalesce(n.resource_id, o.resource_id) AS resource_id,
           CASE WHEN n.rule_id IS NULL THEN o.reason ELSE n.reason END AS reason
    FROM o FULL OUTER JOIN n USING ({', '.join(_KEY)})
),
classified AS (
    SELECT *, CASE
        WHEN new_status = 'FAIL' AND old_status IS DISTINCT FROM 'FAIL' THEN '{NEW_FAILURE}'
        WHEN old_status = 'FAIL' AND (new_status IS NULL OR new_status = 'PASS') THEN '{RESOLVED}'
        WHEN old_status = 'FAIL' AND new_status = 'FAIL' THEN '{STILL_FAILING}'
        WHEN old_status IS DISTINCT FROM new_status THEN '{STATUS_CHANGED}'
    END AS category FROM joined
)
SELECT category, rule_id, title, severity, account_id, region, resource_id, old_status, new_status, reason
FROM classified WHERE category IS NOT NULL
ORDER BY category, rule_id, account_id, region, resource_id, section
"""


def merged_changes(before: Any, after: Any) -> list[FindingChange]:
    """Every finding change between two spooled streams (FindingStream.batches), ordered within category."""
    scratch = Path(tempfile.mkdtemp(prefix="sounding-drift-"))
    try:
        with duckdb.connect(":memory:", config=dict(BASE_CONFIG)) as con:
            con.execute(f"SET temp_directory = '{scratch / 'spill'}'")
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            con.register("old_side", _reader(before.batches()))
            con.register("new_side", _reader(after.batches()))
            cursor = con.execute(_CLASSIFY)
            changes: list[FindingChange] = []
            while True:
                rows = cursor.fetchmany(10_000)
                if not rows:
                    return changes
                changes.extend(FindingChange(*row) for row in rows)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
