"""`sounding collect` progress: redrawn in place on a terminal, plain throttled lines when piped."""

from __future__ import annotations

import pytest
from sounding.collector.collect import CollectProgress
from sounding.engine.commands.collect import ProgressPrinter


def test_piped_progress_is_plain_lines(capsys: pytest.CaptureFixture[str]) -> None:
    printer = ProgressPrinter(enabled=True, every=0.0, tty=False)
    printer(CollectProgress(accounts_total=2, calls_submitted=5, calls_done=3, rows=7, gaps=1))
    printer(CollectProgress(accounts_total=2, accounts_done=1, event="account 111111111111: done (2 regions, 0 gaps)"))
    printer.close()
    assert capsys.readouterr().err.splitlines() == [
        "progress: 0/2 accounts, 3/5 table calls (account x region x table), 7 rows, 1 gaps",
        "account 111111111111: done (2 regions, 0 gaps)",
        "progress: 1/2 accounts, 0/0 table calls (account x region x table), 0 rows, 0 gaps"]


def test_piped_progress_is_throttled(capsys: pytest.CaptureFixture[str]) -> None:
    printer = ProgressPrinter(enabled=True, every=3600, tty=False)
    for done in range(50):
        printer(CollectProgress(accounts_total=1, calls_done=done))
    assert capsys.readouterr().err == ""


def test_terminal_progress_redraws_one_line_and_keeps_events_above_it(capsys: pytest.CaptureFixture[str]) -> None:
    """The shared Progress draws it: cut to the terminal's width (80 when unknown) less one, so it never wraps."""
    printer = ProgressPrinter(enabled=True, tty=True)
    printer.every = 0.0
    printer(CollectProgress(accounts_total=1, calls_submitted=2, calls_done=1))
    printer(CollectProgress(accounts_total=1, calls_submitted=2, calls_done=2, event="account 1: 3 regions"))
    printer.close()
    assert capsys.readouterr().err == (
        "\rprogress: 0/1 accounts, 1/2 table calls (account x region x table), 0 rows, 0 g\x1b[K"
        "\r\x1b[Kaccount 1: 3 regions\n"
        "\rprogress: 0/1 accounts, 2/2 table calls (account x region x table), 0 rows, 0 g\x1b[K"
        "\r\x1b[K")


def test_quiet_prints_nothing_and_events_are_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    ProgressPrinter(enabled=False, every=0.0, tty=True)(CollectProgress(accounts_total=1, event="x"))
    assert capsys.readouterr().err == ""
    ProgressPrinter(enabled=True, tty=False).event("account 1: cannot assume (key AKIAIOSFODNN7EXAMPLE)\n")
    assert capsys.readouterr().err == "account 1: cannot assume (key REDACTED)\\n\n"
