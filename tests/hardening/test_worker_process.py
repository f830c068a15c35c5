"""The rule worker under attack: code in the working directory, kill -9, a hard ulimit -v, SIGTERM to the parent."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from sounding.engine import rule_process
from sounding.engine.errors import InputError
from sounding.engine.evaluate import evaluate
from sounding.engine.rule_process import isolation_available, worker_command
from sounding.engine.rules import load_rule
from sounding.engine.snapshot import open_snapshot

from tests.builders import write_rule
from tests.hardening.helpers import child_pids

pytestmark = pytest.mark.skipif(not isolation_available(), reason="the bounded worker is Linux-only")

ROW = "'111111111111' AS account_id, 'global' AS region, 'r' AS resource_id, 'ok' AS reason"
OK = f"SELECT 'PASS' AS status, {ROW}"
# Runs for minutes unless stopped: a cross join that never matches.
SLOW = f"SELECT 'PASS' AS status, {ROW} FROM range(100000000000) a, range(1000) b WHERE a.range * b.range = -1"
SOUNDING = str(Path(sys.executable).with_name("sounding"))


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_for(predicate: object, seconds: float) -> bool:
    """Poll until predicate() is true or the time is up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_the_worker_is_an_isolated_interpreter_started_by_path() -> None:
    command = worker_command(1234)
    assert command[:2] == [sys.executable, "-I"]
    assert command[2] == str(Path(rule_process.__file__).resolve())
    assert rule_process.WORKER_CWD == "/"


def test_code_in_the_working_directory_is_never_run(snapshot: Path, tmp_path: Path) -> None:
    """A cwd holding sounding/engine/rule_process.py (and engine/...) is neither imported nor run by the worker."""
    marker = tmp_path / "ran"
    payload = f"open({str(marker)!r}, 'w').write('hostile code ran')\n"
    for package in ("sounding", "sounding/engine", "engine"):
        (tmp_path / "cwd" / package).mkdir(parents=True, exist_ok=True)
        (tmp_path / "cwd" / package / "__init__.py").write_text(payload)
    for module in ("rule_process", "connection", "sandbox"):
        (tmp_path / "cwd" / "sounding" / "engine" / f"{module}.py").write_text(payload)
        (tmp_path / "cwd" / "engine" / f"{module}.py").write_text(payload)
    write_rule(tmp_path / "rules", "fine_rule", OK)
    done = subprocess.run([SOUNDING, "evaluate", str(snapshot), "--rules", str(tmp_path / "rules"), "--no-builtin",
                           "--format", "json", "-q"], cwd=tmp_path / "cwd", capture_output=True, text=True,
                          timeout=120, check=False)
    assert not marker.exists()
    statuses = [f["status"] for f in json.loads(done.stdout)["findings"]]
    assert statuses == ["PASS"]


def test_a_worker_killed_mid_query_becomes_an_error_for_that_rule_only(snapshot: Path, tmp_path: Path) -> None:
    rules = [load_rule(write_rule(tmp_path / "rules", "aa_slow", SLOW)),
             load_rule(write_rule(tmp_path / "rules", "zz_fine", OK))]
    killed: list[int] = []

    def kill_the_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            worker = rule_process._SHARED
            if worker is not None and worker.in_use and worker.pid and not worker._stale:
                time.sleep(0.5)  # the slow query is running by now
                os.kill(worker.pid, signal.SIGKILL)
                killed.append(worker.pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_worker)
    killer.start()
    findings = evaluate(open_snapshot(snapshot), rules, timeout=60).findings
    killer.join()
    assert killed
    results = {f.rule_id: (f.status, f.reason) for f in findings}
    assert results == {
        "aa_slow": ("ERROR", "query failed: the rule's process ended without an answer "
                             "(signal 9, SIGKILL: killed from outside, or out of memory) (aa_slow.sql)"),
        "zz_fine": ("PASS", "ok")}


def test_a_worker_killed_while_idle_is_replaced(snapshot: Path, tmp_path: Path) -> None:
    rule = load_rule(write_rule(tmp_path / "rules", "fine_rule", OK))
    assert [f.status for f in evaluate(open_snapshot(snapshot), [rule]).findings] == ["PASS"]
    worker = rule_process._SHARED
    assert worker is not None and worker.pid is not None
    os.kill(worker.pid, signal.SIGKILL)
    assert _wait_for(lambda: not _alive(worker.pid), 5)  # type: ignore[arg-type]
    assert [f.status for f in evaluate(open_snapshot(snapshot), [rule]).findings] == ["PASS"]


def test_under_a_hard_address_space_limit_the_worker_starts_within_it(snapshot: Path, tmp_path: Path) -> None:
    """`ulimit -v` (hard): the worker may not raise it, and must not need to."""
    write_rule(tmp_path / "rules", "fine_rule", OK)
    limit = 6 * 1024**3

    def bound() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run([SOUNDING, "evaluate", str(snapshot), "--rules", str(tmp_path / "rules"), "--no-builtin",
                           "--format", "json", "-q"], capture_output=True, text=True, timeout=120,
                          preexec_fn=bound, check=False)
    findings = json.loads(done.stdout)["findings"]
    assert [(f["status"], f["reason"]) for f in findings] == [("PASS", "ok")]


def test_sigterm_to_the_parent_leaves_no_worker_behind(snapshot: Path, tmp_path: Path) -> None:
    write_rule(tmp_path / "rules", "slow_rule", SLOW)
    parent = subprocess.Popen([SOUNDING, "evaluate", str(snapshot), "--rules", str(tmp_path / "rules"),
                               "--no-builtin", "--timeout", "600", "-q"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: child_pids(parent.pid), 60), "the worker never started"
        workers = child_pids(parent.pid)
        time.sleep(1.0)  # the slow query is running
        parent.send_signal(signal.SIGTERM)
        parent.wait(timeout=30)
        assert _wait_for(lambda: not any(_alive(pid) for pid in workers), 5), "a worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_a_worker_whose_parent_is_gone_ends_at_once() -> None:
    """The worker watches its parent id: started for a parent that no longer exists, it exits by itself."""
    script = textwrap.dedent("""
        import subprocess, sys
        from sounding.engine.rule_process import worker_command
        child = subprocess.Popen(worker_command(999999999), stdin=subprocess.PIPE, cwd="/")
        print(child.wait(timeout=20))
    """)
    done = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.stdout.strip() == "0"


def test_a_snapshot_named_by_a_relative_path_is_found_by_the_worker(snapshot: Path, tmp_path: Path) -> None:
    """The worker runs in a fixed directory, so it is given the snapshot's absolute path."""
    write_rule(tmp_path / "rules", "fine_rule", OK)
    done = subprocess.run([SOUNDING, "evaluate", snapshot.name, "--rules", str(tmp_path / "rules"), "--no-builtin",
                           "--format", "json", "-q"], cwd=snapshot.parent, capture_output=True, text=True,
                          timeout=120, check=False)
    assert [f["status"] for f in json.loads(done.stdout)["findings"]] == ["PASS"]


def _address_space_limits(pid: int) -> tuple[str, str]:
    """The soft and hard 'Max address space' of a process, as /proc/PID/limits shows them."""
    for line in (Path("/proc") / str(pid) / "limits").read_text().splitlines():
        if line.startswith("Max address space"):
            soft, hard = line.split()[3:5]
            return soft, hard
    raise AssertionError("no address-space line")


@pytest.mark.parametrize("hard", [False, True])
def test_the_worker_never_raises_the_address_space_limit_it_was_given(snapshot: Path, tmp_path: Path,
                                                                      hard: bool) -> None:
    """`ulimit -Sv` (soft only) and `ulimit -v` (both): the worker's limit stays at or below what it got."""
    write_rule(tmp_path / "rules", "slow_rule", SLOW)
    limit = 3 * 1024**3  # below what the worker would take by itself (2 GB memory limit and headroom)

    def bound() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit if hard else resource.RLIM_INFINITY))

    parent = subprocess.Popen([SOUNDING, "evaluate", str(snapshot), "--rules", str(tmp_path / "rules"),
                               "--no-builtin", "--timeout", "600", "-q"], preexec_fn=bound,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: child_pids(parent.pid), 60), "the worker never started"
        worker = child_pids(parent.pid)[0]
        time.sleep(2.0)  # the worker has built its connection and bounded itself
        soft_text, hard_text = _address_space_limits(worker)
        assert soft_text != "unlimited" and int(soft_text) <= limit
        assert hard_text == (str(limit) if hard else "unlimited")
    finally:
        parent.kill()
        parent.wait()


def test_a_table_file_gone_before_the_worker_opens_it_is_refused_naming_it(snapshot: Path, tmp_path: Path) -> None:
    """A table file gone between the parent's verification and the worker's start: the worker, which reads only
    files it verified itself, refuses the snapshot with one line naming the file; no rule runs on unverified data."""
    opened = open_snapshot(snapshot)
    gone = snapshot / "tables" / "regions.parquet"
    gone.unlink()
    rule = load_rule(write_rule(tmp_path / "rules", "fine_rule", OK))
    with pytest.raises(InputError) as refused:
        evaluate(opened, [rule])
    assert refused.value.path == str(gone)
    assert "missing" in refused.value.problem
