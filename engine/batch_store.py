"""Arrow batches kept in memory while they are small, in a private Arrow IPC file once they are not.

A small evaluation writes nothing to disk (and so is not stopped by a file-size limit); a large one
keeps the parent's memory bounded and reads its findings back a batch at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

MEMORY_BYTES = 64 * 2**20
_ERRNO = re.compile(r"\[errno (\d+)\] (.+)$")


def _os_error(exc: OSError, path: Path) -> OSError:
    """Arrow's I/O error as an OSError naming the file, with the operating system's words when Arrow gives them."""
    match = _ERRNO.search(str(exc))
    if match:
        return OSError(int(match.group(1)), f"cannot write: {match.group(2)}", str(path))
    return OSError(exc.errno, f"cannot write: {exc}", str(path))


class BatchStore:
    """Append-only batches of one schema; in memory up to memory_bytes, then in the file at path."""

    def __init__(self, schema: pa.Schema, path: Path, memory_bytes: int = MEMORY_BYTES) -> None:
        self.schema, self.path, self.memory_bytes = schema, path, memory_bytes
        self._memory: list[pa.RecordBatch] = []
        self._held = 0
        self._sink: pa.NativeFile | None = None
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self._on_disk = False

    def append(self, batch: pa.RecordBatch) -> None:
        """Add one batch at the end."""
        if not self._on_disk:
            self._memory.append(batch)
            self._held += batch.nbytes
            if self._held > self.memory_bytes:
                self._spill()
            return
        self._write(batch)

    def _spill(self) -> None:
        """Move the batches held in memory to the file; later batches go there directly."""
        try:
            self._sink = pa.OSFile(str(self.path), "wb")
            self._writer = pa.ipc.new_file(self._sink, self.schema)
        except OSError as exc:
            raise _os_error(exc, self.path) from None
        self._on_disk = True
        held, self._memory, self._held = self._memory, [], 0
        for batch in held:
            self._write(batch)

    def _write(self, batch: pa.RecordBatch) -> None:
        """Write one batch to the file."""
        assert self._writer is not None
        try:
            self._writer.write_batch(batch)
        except OSError as exc:
            raise _os_error(exc, self.path) from None

    def close(self) -> None:
        """No more batches: finish the file, if there is one."""
        if self._writer is not None:
            try:
                self._writer.close()
                assert self._sink is not None
                self._sink.close()
            except OSError as exc:
                raise _os_error(exc, self.path) from None
            self._writer = self._sink = None

    def batches(self) -> Iterator[pa.RecordBatch]:
        """Every batch, in the order appended (read back a batch at a time when on disk)."""
        if not self._on_disk:
            yield from list(self._memory)
            return
        # Read, not memory-mapped: pages of a mapped file count as this process's resident memory while
        # mapped, and a report reads every finding; a batch read into memory is freed once used.
        with pa.OSFile(str(self.path), "rb") as source:
            reader = pa.ipc.open_file(source)
            for index in range(reader.num_record_batches):
                yield reader.get_batch(index)

    def discard(self) -> None:
        """Drop the batches and delete the file."""
        self.close()
        self._memory, self._held = [], 0
        if self._on_disk:
            self.path.unlink(missing_ok=True)
