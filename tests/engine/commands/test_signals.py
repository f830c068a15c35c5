"""SIGTERM stops evaluate, query, diff and trend like Ctrl-C: exit 130, one line, no report, no child left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import write_rule
from tests.hardening.helpers import child_pids

SLOW_SQL = ("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 1000000000) "
            "SELECT account_id, 'global' AS region, account_id AS resource_id, 'PASS' AS status, "
            "'slow' AS reason FROM iam_account_summary, (SELECT max(n) FROM t)")
CLI = [sys.executable, "-m", "sounding.engine.cli"]


def threads(pid: int) -> int:
    """Threads of a live process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Threads:")))


@pytest.fixture
def slow_rules(tmp_path: Path) -> Path:
    """A rules directory whose one rule runs for minutes."""
    write_rule(tmp_path / "slow-rules", "slow_rule", SLOW_SQL)
    return tmp_path / "slow-rules"


def command(name: str, snapshot: Path, rules: Path, out: Path) -> list[str]:
    """The command line that keeps `name` busy."""
    rule_args = ["--no-builtin", "--rules", str(rules)]
    return {
        "evaluate": ["evaluate", str(snapshot), *rule_args, "--format", "json", "--timeout", "600"],
        "query": ["query", str(snapshot), SLOW_SQL, "--timeout", "600"],
        "diff": ["diff", str(snapshot), str(snapshot), *rule_args, "--only", "findings", "--format", "json"],
        # resources on a thread alongside the evaluations: the interrupt stops both
        "diff_both": ["diff", str(snapshot), str(snapshot), *rule_args, "--format", "json"],
        "trend": ["trend", str(snapshot), str(snapshot), *rule_args, "--format", "json"],
    }[name] + ["-o", str(out)]


@pytest.mark.parametrize("name", ["evaluate", "query", "diff", "diff_both", "trend"])
def test_sigterm_exits_130_and_writes_nothing(name: str, small_snapshot: Path, slow_rules: Path,
                                              tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    process = subprocess.Popen([*CLI, *command(name, small_snapshot, slow_rules, out_dir / "report")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    # Imports alone start two threads (pyarrow's pools); a DuckDB connection starts several more, and only the
    # command's own work opens one, by when the SIGTERM handler is long installed.
    while threads(process.pid) < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert process.poll() is None, process.communicate()
    kids = child_pids(process.pid)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert (process.returncode, stdout, stderr.splitlines()[-1:]) == (130, "", ["interrupted: nothing was written"])
    assert stderr.count("\n") == 1
    assert os.listdir(out_dir) == []
    for kid in kids:  # a worker the command started is gone with it
        assert not Path(f"/proc/{kid}").exists() or "Z" in Path(f"/proc/{kid}/stat").read_text().split(")")[1][:3]
