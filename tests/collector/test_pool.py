"""The collector's pool: results and errors like a ThreadPoolExecutor, but never holds the process at exit."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from sounding.collector.pool import DaemonPool


def test_results_and_errors_reach_the_caller() -> None:
    def boom() -> None:
        raise KeyError("x")

    with DaemonPool(3) as pool:
        squares = [pool.submit(lambda n: n * n, n) for n in range(10)]
        failed = pool.submit(boom)
    assert [f.result() for f in squares] == [n * n for n in range(10)]
    with pytest.raises(KeyError):
        failed.result()


def test_at_most_max_workers_run_at_once() -> None:
    running, peak, lock = 0, 0, threading.Lock()

    def work() -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1

    with DaemonPool(2) as pool:
        futures = [pool.submit(work) for _ in range(8)]
    assert all(f.done() for f in futures) and peak == 2


def test_an_interruption_drops_queued_calls() -> None:
    gate = threading.Event()
    with pytest.raises(KeyboardInterrupt), DaemonPool(1) as pool:
        started = pool.submit(gate.wait, 5)
        queued = [pool.submit(time.sleep, 0) for _ in range(5)]
        raise KeyboardInterrupt
    assert all(f.cancelled() for f in queued)
    gate.set()
    assert started.result(timeout=5) is True


def test_a_hanging_call_does_not_keep_the_process_alive() -> None:
    program = ("import time\nfrom sounding.collector.pool import DaemonPool\n"
               "pool = DaemonPool(2)\npool.submit(time.sleep, 600)\npool.shutdown(wait=False)\n")
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", program], check=True, timeout=60)
    assert time.monotonic() - started < 10


def test_finished_calls_arrive_in_completion_order() -> None:
    gate = threading.Event()
    with DaemonPool(2) as pool:
        slow = pool.submit(gate.wait, 5)
        fast = pool.submit(lambda: "fast")
        assert pool.next_finished(poll=0.01) is fast
        gate.set()
        assert pool.next_finished(poll=0.01) is slow
