"""Batches stay in memory while small and move to a private file past the bound, in order, readable again."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from sounding.engine.batch_store import BatchStore

SCHEMA = pa.schema([("n", pa.int64()), ("text", pa.string())])


def batch(start: int, rows: int) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({"n": list(range(start, start + rows)),
                                       "text": [f"row {n}" for n in range(start, start + rows)]}, schema=SCHEMA)


def numbers(store: BatchStore) -> list[int]:
    return [n for b in store.batches() for n in b.column("n").to_pylist()]


def test_small_stays_in_memory_and_writes_no_file(tmp_path: Path) -> None:
    store = BatchStore(SCHEMA, tmp_path / "spool.arrow", memory_bytes=1 << 20)
    store.append(batch(0, 10))
    store.append(batch(10, 5))
    store.close()
    assert numbers(store) == list(range(15))
    assert list(tmp_path.iterdir()) == []


def test_past_the_bound_everything_moves_to_the_file_in_order(tmp_path: Path) -> None:
    path = tmp_path / "spool.arrow"
    store = BatchStore(SCHEMA, path, memory_bytes=2_000)
    for start in range(0, 1_000, 100):
        store.append(batch(start, 100))
    store.close()
    assert path.exists()
    assert numbers(store) == list(range(1_000))
    assert numbers(store) == list(range(1_000))  # re-readable
    assert pa.ipc.open_file(str(path)).read_all().column("n").to_pylist() == list(range(1_000))
    store.discard()
    assert not path.exists()


def test_a_file_that_cannot_be_written_is_an_os_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "missing-directory" / "spool.arrow"
    store = BatchStore(SCHEMA, path, memory_bytes=10)
    with pytest.raises(OSError) as raised:
        store.append(batch(0, 10))
    assert raised.value.filename == str(path)
    assert raised.value.strerror.startswith("cannot write: ")
