"""A thread pool whose workers never keep the process alive: an interrupted collect ends at once.

concurrent.futures.ThreadPoolExecutor joins its workers when the interpreter exits, so after
Ctrl-C or SIGTERM a process with API calls hanging in its workers waits for them (up to the read
timeout times the retries: minutes). This pool's workers are daemon threads: on interruption the
queued calls are dropped, the calls in flight are abandoned (they write nothing; the main thread
alone writes the snapshot), and the process exits as soon as the main thread has cleaned up.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from types import TracebackType
from typing import Any

_STOP = None


class DaemonPool:
    """Runs callables on up to `max_workers` daemon threads, each call's outcome in a Future."""

    def __init__(self, max_workers: int, name: str = "collect") -> None:
        self.finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()  # each future once it is done
        self._max_workers = max_workers
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.SimpleQueue())
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Queue one call; a worker is started if none is idle and the limit allows."""
        future: Future[Any] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the pool is shut down")
            self._queue.put((future, function, args))
            if len(self._threads) < self._max_workers:  # one worker per call until the limit
                thread = threading.Thread(target=self._work, name=f"{self._name}_{len(self._threads)}",
                                          daemon=True)
                self._threads.append(thread)
                thread.start()
        return future

    def shutdown(self, *, wait: bool) -> None:
        """Stop taking work; with `wait`, let the queued calls finish; without, drop them and return at once."""
        with self._lock:
            self._closed = True
            threads = list(self._threads)
        if not wait:
            self._cancel_queued()
        for _ in threads:
            self._queue.put(_STOP)
        if wait:
            for thread in threads:
                thread.join()

    def __enter__(self) -> DaemonPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, _exc: BaseException | None,
                 _tb: TracebackType | None) -> None:
        self.shutdown(wait=kind is None)

    def _cancel_queued(self) -> None:
        """Cancel every call not yet started."""
        while True:
            try:
                entry = self._queue.get_nowait()
            except queue.Empty:
                return
            if entry is not None:
                entry[0].cancel()

    def _work(self) -> None:
        """A worker: take calls until told to stop."""
        while True:
            entry = self._queue.get()
            if entry is _STOP:
                return
            future, function, args = entry
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = function(*args)
            except BaseException as exc:  # handed to the waiting caller, like ThreadPoolExecutor does
                future.set_exception(exc)
            else:
                future.set_result(result)
            self.finished.put(future)

    def next_finished(self, poll: float = 0.5) -> Future[Any]:
        """The next call to finish, in O(1) however many are queued (interruptible: it polls)."""
        while True:
            try:
                return self.finished.get(timeout=poll)
            except queue.Empty:
                continue
