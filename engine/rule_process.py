"""Runs rule queries in a worker process: a wall-clock and address-space bound nothing in SQL escapes.

DuckDB's memory_limit bounds its buffer manager, but some functions (repeat(), range() as a list,
...) allocate outside it and do not notice an interrupt. The worker is a fresh interpreter
(`python -I .../rule_process.py`, see worker_command), never a fork: forking a process whose DuckDB threads hold
locks can leave the child hung. It builds its own sandbox connection, bounds its address space
with RLIMIT_AS, and is killed and replaced when a query overruns its time.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import pickle
import re
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from sounding.engine.errors import InputError
from sounding.engine.rule_output import InvalidOutput, RuleCap, rule_output

# Room above the worker's address space (once its connection is built) beyond memory_limit.
CHILD_HEADROOM_BYTES = 512 * 1024 * 1024
PER_THREAD_BYTES = 128 * 1024 * 1024
_UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
          "KIB": 1024, "MIB": 1024**2, "GIB": 1024**3, "TIB": 1024**4}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]I?B|B)?\s*$", re.IGNORECASE)
_ERRORS = {"interrupt": duckdb.InterruptException, "memory": duckdb.OutOfMemoryException}
_HEADER = struct.Struct("!Q")
# The worker's address-space limit (soft, hard) as its process started, before it bounds itself.
_GIVEN_ADDRESS_SPACE: tuple[int, int] | None = None
_SNAPSHOT: Any = None  # the worker's current snapshot: it holds open the pinned files DuckDB reads


def memory_bytes(limit: str) -> int:
    """A DuckDB memory size ('2GB', '512MiB') in bytes."""
    match = _SIZE.fullmatch(limit)
    if not match:
        raise ValueError(f"not a memory size: {limit!r}")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "").upper()])


def isolation_available() -> bool:
    """Whether rules can run in a bounded worker here (Linux: RLIMIT_AS and /proc)."""
    return hasattr(resource, "RLIMIT_AS") and os.path.exists("/proc/self/status")


READY_TIMEOUT = 120.0
PARENT_POLL_SECONDS = 0.5
WORKER_CWD = "/"


def _address_space() -> int:
    """This process's current virtual size in bytes (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of data."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _send(fd: int, value: Any) -> None:
    """Write one length-prefixed pickle."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    _write_all(fd, _HEADER.pack(len(data)))
    _write_all(fd, data)


PIPE_BYTES = 1 << 20


def _widen_pipe(fd: int) -> None:
    """A larger pipe for answers (Linux's default is 64 KiB): a rule's Arrow output crosses in 16x fewer
    reads, writes and context switches. Where the system refuses, the default stays."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _read_into(fd: int, size: int) -> pa.Buffer | None:
    """size bytes from fd into one Arrow buffer (no copies of a large answer; from Arrow's pool, which reuses
    memory across answers instead of a fresh zeroed allocation each); None at end of file."""
    data = pa.allocate_buffer(size)
    view, done = memoryview(data), 0
    while done < size:
        count = os.readv(fd, [view[done:done + (1 << 22)]])
        if not count:
            return None
        done += count
    return data


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes | None:
    """size bytes from fd; None at end of file; TimeoutError when nothing has come by the deadline."""
    chunks, left = [], size
    while left:
        if deadline is not None:
            # Past the deadline an answer that already arrived still counts: this process may have been busy
            # (spooling another rule, starting a worker) while the query finished in time.
            wait = max(0.0, deadline - time.monotonic())
            if not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class WorkerGone(duckdb.Error):
    """The worker ended before it answered."""


@dataclass(frozen=True)
class WorkerStart:
    """What a worker needs to serve one snapshot: the verified manifest, never a path to re-verify."""

    snapshot: str
    manifest: dict[str, Any]
    empty_tables: list[tuple[str, list[tuple[str, str]]]]
    memory_limit: str
    threads: int | None
    address_space_limit: int


def _connect(start: WorkerStart) -> duckdb.DuckDBPyConnection:
    """Build the sandbox connection for a snapshot and bound this process's address space around it."""
    from sounding.engine.connection import connect_sandbox
    from sounding.engine.snapshot import Snapshot

    # Build the connection with all the room this process was given: its address-space limit as it
    # started (`ulimit -v`, soft or hard), never more.
    given = _GIVEN_ADDRESS_SPACE or resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, given)
    # The parent verified the snapshot; the worker takes its manifest as it was verified.
    global _SNAPSHOT
    snapshot = Snapshot(Path(start.snapshot), start.manifest)
    con = connect_sandbox(snapshot, start.empty_tables, start.memory_limit, start.threads)
    _SNAPSHOT = snapshot  # holds the pinned descriptors DuckDB reads open until the next snapshot
    threads = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])  # fetched to the end
    # Each DuckDB thread may reserve a malloc arena (64 MB of address space) besides its stack.
    room = _address_space() + start.address_space_limit + threads * PER_THREAD_BYTES
    soft, hard = given
    resource.setrlimit(resource.RLIMIT_AS, (room if soft == resource.RLIM_INFINITY else min(room, soft), hard))
    return con


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    """A query's columns and rows as DuckDB's Python values (`query`)."""
    cursor = con.execute(sql)
    return ("ok", [d[0] for d in cursor.description], cursor.fetchall())


def _rule_output(con: duckdb.DuckDBPyConnection, payload: tuple[str, RuleCap]) -> tuple[Any, ...]:
    """A rule's validated output as an Arrow IPC stream, or why it is not findings."""
    sql, cap = payload
    try:
        table = rule_output(con, sql, cap)
    except InvalidOutput as exc:
        return ("invalid", str(exc))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return ("arrow", sink.getvalue())  # a pa.Buffer: sent after its size, never copied into a pickle


def _answer(con: duckdb.DuckDBPyConnection, kind: str, payload: Any) -> tuple[Any, ...]:
    """The outcome of one request ("query": rows, "rule": a rule's Arrow output), as the parent unpickles it."""
    try:
        return _rule_output(con, payload) if kind == "rule" else _rows(con, payload)
    except duckdb.OutOfMemoryException as exc:
        return ("memory", str(exc))
    except MemoryError:
        return ("memory", "out of memory")
    except duckdb.InterruptException as exc:
        return ("interrupt", str(exc))
    except duckdb.Error as exc:
        return ("error", str(exc).strip() or type(exc).__name__)


def _serve(requests: int, answers: int) -> None:
    """The worker's loop: ("init", start message) builds a connection, ("query", sql) or ("rule", (sql, cap))
    answers one query."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the worker; Ctrl-C goes to the parent
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    con: duckdb.DuckDBPyConnection | None = None
    while True:
        header = _read_exactly(requests, _HEADER.size, None)
        if header is None:
            return
        kind, payload = pickle.loads(_read_exactly(requests, _HEADER.unpack(header)[0], None) or b"")
        if kind == "init":
            if con is not None:
                con.close()
                con = None
            try:
                con = _connect(WorkerStart(**payload))
            except InputError as exc:  # e.g. a file that no longer matches its verified checksum
                _send(answers, ("refused", str(exc.path), exc.problem))
                continue
            except (duckdb.Error, OSError, MemoryError, ValueError) as exc:
                _send(answers, ("failed", (str(exc).strip().splitlines() or [type(exc).__name__])[0]))
                continue
            _send(answers, ("ready",))
            continue
        outcome = _answer(con, kind, payload) if con is not None else ("error", "the worker has no snapshot")
        try:
            if outcome[0] == "arrow":  # its size, then the Arrow stream itself
                _send(answers, ("arrow", outcome[1].size))
                _write_all(answers, memoryview(outcome[1]))
            else:
                _send(answers, outcome)
        except MemoryError:
            _send(answers, ("memory", "out of memory while returning rows"))


def _exit_with_parent(parent: int) -> None:
    """End this worker soon after its parent ends, however the parent ended (SIGTERM, kill -9, a crash)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def worker_command(parent: int) -> list[str]:
    """How the worker is started: this file by its own path, in an isolated interpreter (-I: no cwd,
    no script directory, no PYTHON* variables, no user site-packages on sys.path)."""
    return [sys.executable, "-I", str(Path(__file__).resolve()), str(parent)]


class RuleWorker:
    """A worker process with its own sandbox connection; killed and replaced when a query overruns."""

    def __init__(self, start: WorkerStart | None) -> None:
        self.start = start
        self.process: subprocess.Popen[bytes] | None = None
        self._requests = self._answers = -1
        self._stale = True
        self.in_use = False
        self._pending: tuple[float, float] | None = None  # (deadline, timeout) of the request in flight
        self._init_sent = False  # a start message was sent and its answer not yet read
        self._fresh = False  # spawned and not yet ready once

    def load(self, start: WorkerStart) -> None:
        """Point the worker at another snapshot; it loads it before its next query."""
        if self._init_sent:  # still building a connection to another snapshot: start afresh
            self.close()
        self.start, self._stale = start, True

    @property
    def pid(self) -> int | None:
        """The worker's process id while it runs."""
        return self.process.pid if self.process is not None else None

    def _spawn(self) -> None:
        """Start a fresh interpreter as the worker: it imports what it needs, then waits for a snapshot."""
        # Only what Python needs: the worker never sees credentials in the environment, and it starts
        # in a fixed directory so nothing in the caller's working directory can be imported or read.
        env = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
        self.process = subprocess.Popen(worker_command(os.getpid()), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env, cwd=WORKER_CWD, close_fds=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._requests, self._answers = self.process.stdin.fileno(), self.process.stdout.fileno()
        _widen_pipe(self._answers)
        self._init_sent, self._stale = False, True  # a new process has no snapshot yet
        self._fresh = True  # started for the snapshot it is about to load (not an idle worker reused)

    def _send_init(self) -> None:
        """Send the start message; the worker builds its connection while this process goes on."""
        assert self.start is not None, "the worker has no snapshot to load"
        with contextlib.suppress(BrokenPipeError):  # a dead worker shows as no answer in _await_ready
            _send(self._requests, ("init", {f.name: getattr(self.start, f.name) for f in fields(self.start)}))
        self._init_sent = True

    def _await_ready(self) -> None:
        """Wait until the worker's connection is built (or say why it was not)."""
        self._init_sent = False
        try:
            header = _read_exactly(self._answers, _HEADER.size, time.monotonic() + READY_TIMEOUT)
        except TimeoutError:
            returncode = self.close()
            raise duckdb.Error(f"the rule worker did not start ({_ending(returncode)})") from None
        if header is None:
            returncode = self.close()
            raise WorkerGone(f"the rule worker did not start ({_ending(returncode)})")
        answer = pickle.loads(_read_exactly(self._answers, _HEADER.unpack(header)[0], None) or b"")
        if answer[0] == "refused":
            self.close()
            assert self.start is not None
            raise InputError(answer[1] or self.start.snapshot, answer[2])
        if answer[0] != "ready":
            raise duckdb.Error(f"the rule worker could not open the snapshot: {answer[1]}")
        self._stale = self._fresh = False

    def begin(self) -> None:
        """Start the worker (if needed) and send it the snapshot without waiting for its connection."""
        if self.process is not None and self.process.poll() is not None:
            self.close()
        if self.process is None:
            self._spawn()
        if self._stale and not self._init_sent:
            self._send_init()

    def _ready(self) -> None:
        """A running worker loaded with the current snapshot; one that died while idle is replaced."""
        self.begin()
        if self._stale:
            fresh = self._fresh
            try:
                self._await_ready()
            except WorkerGone:
                if fresh:
                    raise
                # Killed while idle but still exiting when begin() looked (a zombie leader whose threads
                # have not all ended is not yet reported by waitpid): replaced once.
                self.begin()
                self._await_ready()

    def run(self, sql: str, timeout: float) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Columns and rows of sql; raises DuckDB's Interrupt/OutOfMemory/Error exceptions on failure."""
        self.submit("query", sql, timeout)
        outcome = self.collect()
        return outcome[1], outcome[2]

    def submit_rule(self, sql: str, timeout: float, cap: RuleCap) -> None:
        """Start a rule's query; collect_rule() waits for its output (the caller works meanwhile)."""
        self.submit("rule", (sql, cap), timeout)

    def collect_rule(self) -> pa.Table:
        """The output of the rule submitted last; raises InvalidOutput or DuckDB's exceptions."""
        outcome = self.collect()
        if outcome[0] == "invalid":
            raise InvalidOutput(outcome[1])
        return pa.ipc.open_stream(outcome[1]).read_all()

    @property
    def busy(self) -> bool:
        """Whether a request was sent and its answer not yet collected."""
        return self._pending is not None

    def submit(self, kind: str, payload: Any, timeout: float) -> None:
        """Send one request (one at a time); its time starts now, collect() waits for the answer."""
        if self._pending is not None:
            raise RuntimeError("the rule worker already has a request in flight")
        self._ready()
        self._pending = (time.monotonic() + timeout, timeout)
        with contextlib.suppress(BrokenPipeError):  # a dead worker shows as no answer in collect()
            _send(self._requests, (kind, payload))

    def collect(self) -> tuple[Any, ...]:
        """The answer to the request in flight; raises DuckDB's Interrupt/OutOfMemory/Error exceptions."""
        if self._pending is None:
            raise RuntimeError("no request in flight")
        deadline, timeout = self._pending
        self._pending = None
        try:
            header = _read_exactly(self._answers, _HEADER.size, deadline)
        except TimeoutError:
            self.close()
            raise duckdb.InterruptException(f"ran longer than {timeout:g} s") from None
        # The header comes once the query has finished: the rest is being written now, whatever its size.
        body = _read_exactly(self._answers, _HEADER.unpack(header)[0], None) if header else None
        if body is None:
            returncode = self.close()
            if -returncode in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS):
                raise duckdb.OutOfMemoryException(f"the rule's process ended with signal {-returncode}")
            raise duckdb.Error(f"the rule's process ended without an answer ({_ending(returncode)})")
        outcome = pickle.loads(body)
        if outcome[0] == "arrow":  # the Arrow stream follows its size
            stream = _read_into(self._answers, outcome[1])
            if stream is None:
                returncode = self.close()
                raise duckdb.Error(f"the rule's process ended without an answer ({_ending(returncode)})")
            return ("arrow", stream)
        if outcome[0] in ("ok", "invalid"):
            return outcome
        raise _ERRORS.get(outcome[0], duckdb.Error)(outcome[1])

    def close(self) -> int:
        """Stop the worker (if any) and reap it; returns its return code (-N: ended by signal N)."""
        if self.process is None:
            return 0
        process, self.process = self.process, None
        self._pending, self._init_sent = None, False
        with contextlib.suppress(ProcessLookupError):
            process.kill()  # Popen skips the signal for a process it has already reaped
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        return process.wait()


def _ending(returncode: int) -> str:
    """How a worker ended, in words."""
    if returncode >= 0:
        return f"exit status {returncode}"
    name = signal.Signals(-returncode).name if -returncode in signal.valid_signals() else "unknown"
    hint = ": killed from outside, or out of memory" if -returncode == signal.SIGKILL else ""
    return f"signal {-returncode}, {name}{hint}"


_SHARED: RuleWorker | None = None


def acquire_worker(start: WorkerStart) -> RuleWorker:
    """The process-wide worker, re-pointed at this snapshot; a private one when it is busy.

    Starting an interpreter costs about half a second; evaluations in one process (rule tests,
    diff) reuse one worker instead.
    """
    global _SHARED
    if _SHARED is None:
        _SHARED = RuleWorker(start)
        atexit.register(_SHARED.close)
    worker = _SHARED if not _SHARED.in_use else RuleWorker(start)
    worker.load(start)
    worker.in_use = True
    return worker


def prestart_worker() -> None:
    """Start the shared worker's interpreter now, before a snapshot is known: its imports (about 0.4 s)
    overlap the caller's own start, reading the snapshot and loading the rules."""
    global _SHARED
    if not isolation_available():
        return
    if _SHARED is None:
        _SHARED = RuleWorker(None)
        atexit.register(_SHARED.close)
    if _SHARED.process is None and not _SHARED.in_use:
        with contextlib.suppress(OSError):  # an early start is only a head start: a failure shows when it is needed
            _SHARED._spawn()


def release_worker(worker: RuleWorker) -> None:
    """Give a worker back: the shared one stays running for the next evaluation, a private one stops."""
    worker.in_use = False
    if worker is not _SHARED or worker.busy:  # an answer still on its way would answer the next request
        worker.close()


def main(argv: list[str]) -> None:
    """Entry point of the worker process: serve queries on stdin/stdout until stdin closes or the parent ends."""
    global _GIVEN_ADDRESS_SPACE
    _GIVEN_ADDRESS_SPACE = resource.getrlimit(resource.RLIMIT_AS)
    # malloc, not jemalloc/mimalloc: an arena allocator's address-space reservations count against RLIMIT_AS.
    pa.set_memory_pool(pa.system_memory_pool())
    if len(argv) > 1:
        _exit_with_parent(int(argv[1]))
    _serve(sys.stdin.fileno(), sys.stdout.fileno())


if __name__ == "__main__":
    main(sys.argv)
