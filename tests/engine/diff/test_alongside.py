"""Resource drift on a thread alongside the evaluations: an interrupt here stops it there; its error is not lost."""

from __future__ import annotations

import threading
import time

import pytest
from sounding.engine.diff import alongside
from sounding.engine.diff.resources import Stopped, Stopper


def test_both_results_come_back() -> None:
    assert alongside(lambda stopper: ["tables"], lambda: "findings") == (["tables"], "findings")


def test_an_interrupt_in_the_foreground_stops_the_background_before_it_propagates() -> None:
    ended = threading.Event()

    def background(stopper: Stopper) -> list[str]:
        try:
            while not stopper.requested.is_set():  # as diff_tables checks between tables
                time.sleep(0.01)
            raise Stopped
        finally:
            ended.set()

    def foreground() -> str:
        time.sleep(0.05)
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        alongside(background, foreground)
    assert ended.is_set() and time.monotonic() - started < 5


def test_an_error_in_the_background_is_raised_once_the_foreground_is_done() -> None:
    done = []

    def background(stopper: Stopper) -> list[str]:
        raise ValueError("table could not be compared")

    with pytest.raises(ValueError, match="could not be compared"):
        alongside(background, lambda: done.append("findings"))
    assert done == ["findings"]


def test_a_running_query_is_interrupted(tmp_path) -> None:
    """stop() interrupts the connection's query (DuckDB's interrupt), not only the loop between tables."""
    import duckdb

    stopper = Stopper()
    con = duckdb.connect(":memory:")
    stopper.connection = con
    errors: list[BaseException] = []

    def run() -> None:
        try:
            con.execute("SELECT count(*) FROM range(100000000000) a, range(1000) b WHERE a.range * b.range = -1")
        except duckdb.InterruptException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    stopper.stop()
    thread.join(10)
    assert not thread.is_alive() and len(errors) == 1
