"""Runs rule queries in a forked worker process: a wall-clock and address-space bound nothing in SQL escapes.

DuckDB's memory_limit bounds its buffer manager, but some functions (repeat(), range() as a list,
...) allocate outside it and do not notice an interrupt. The worker builds its own connection
after the fork (a connection used across fork() can hang), bounds its address space with
RLIMIT_AS, and is killed and replaced when a query overruns its time.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import resource
import select
import signal
import struct
import time
from collections.abc import Callable
from typing import Any

import duckdb

# Room above the worker's address space (once its connection is built) beyond memory_limit.
CHILD_HEADROOM_BYTES = 512 * 1024 * 1024
PER_THREAD_BYTES = 128 * 1024 * 1024
_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
          "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]I?B|B)?\s*$", re.IGNORECASE)
_ERRORS = {"interrupt": duckdb.InterruptException, "memory": duckdb.OutOfMemoryException}
_HEADER = struct.Struct("!Q")


def memory_bytes(limit: str) -> int:
    """A DuckDB memory size ('2GB', '512MiB') in bytes."""
    match = _SIZE.match(limit)
    if not match:
        raise ValueError(f"not a memory size: {limit!r}")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "").upper()])


def fork_available() -> bool:
    """Whether rules can run in a forked worker here (Linux: fork, RLIMIT_AS and /proc)."""
    return hasattr(os, "fork") and os.path.exists("/proc/self/status")


def _address_space() -> int:
    """This process's current virtual size in bytes (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _send(fd: int, value: Any) -> None:
    """Write one length-prefixed pickle."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    """size bytes from fd; None at end of file or when the deadline passes (then nothing is consumed safely)."""
    chunks, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _serve(connect: Callable[[], duckdb.DuckDBPyConnection], limit: int, requests: int, answers: int) -> None:
    """The worker's loop: build a connection, bound the address space, answer one query per request."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    con = connect()
    threads = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    # Each DuckDB thread may reserve a malloc arena (64 MB of address space) besides its stack.
    room = limit + threads * PER_THREAD_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + room, resource.RLIM_INFINITY))
    while True:
        header = _read_exactly(requests, _HEADER.size, None)
        if header is None:
            return
        sql = pickle.loads(_read_exactly(requests, _HEADER.unpack(header)[0], None) or b"")
        try:
            cursor = con.execute(sql)
            outcome: tuple[Any, ...] = ("ok", [d[0] for d in cursor.description], cursor.fetchall())
        except duckdb.OutOfMemoryException as exc:
            outcome = ("memory", str(exc))
        except MemoryError:
            outcome = ("memory", "out of memory")
        except duckdb.InterruptException as exc:
            outcome = ("interrupt", str(exc))
        except duckdb.Error as exc:
            outcome = ("error", str(exc).strip() or type(exc).__name__)
        try:
            _send(answers, outcome)
        except MemoryError:
            _send(answers, ("memory", "out of memory while returning rows"))


class RuleWorker:
    """A forked process with its own sandbox connection; killed and replaced when a query overruns."""

    def __init__(self, connect: Callable[[], duckdb.DuckDBPyConnection], address_space_limit: int) -> None:
        self.connect = connect
        self.limit = address_space_limit
        self.pid: int | None = None
        self._requests = self._answers = -1

    def _start(self) -> None:
        """Fork the worker; it builds its connection itself."""
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker; it never returns
            code = 1
            try:
                os.close(request_write)
                os.close(answer_read)
                _serve(self.connect, self.limit, request_read, answer_write)
                code = 0
            finally:
                os._exit(code)
        os.close(request_read)
        os.close(answer_write)
        self.pid, self._requests, self._answers = pid, request_write, answer_read

    def run(self, sql: str, timeout: float) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Columns and rows of sql; raises DuckDB's Interrupt/OutOfMemory/Error exceptions on failure."""
        if self.pid is None:
            self._start()
        deadline = time.monotonic() + timeout
        try:
            _send(self._requests, sql)
            header = _read_exactly(self._answers, _HEADER.size, deadline)
            body = _read_exactly(self._answers, _HEADER.unpack(header)[0], deadline) if header else None
        except TimeoutError:
            self.close()
            raise duckdb.InterruptException(f"ran longer than {timeout:g} s") from None
        except BrokenPipeError:
            body = None
        if body is None:
            status = self.close()
            killed_by = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
            if killed_by in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
                raise duckdb.OutOfMemoryException(f"the rule's process ended with signal {killed_by}")
            raise duckdb.Error(f"the rule's process ended without an answer (status {status})")
        outcome = pickle.loads(body)
        if outcome[0] == "ok":
            return outcome[1], outcome[2]
        raise _ERRORS.get(outcome[0], duckdb.Error)(outcome[1])

    def close(self) -> int:
        """Stop the worker (if any); returns its wait status."""
        if self.pid is None:
            return 0
        for fd in (self._requests, self._answers):
            os.close(fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return status
