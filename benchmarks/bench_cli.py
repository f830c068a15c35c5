"""End-to-end CLI figures against the physical limit, all measured in one run, reported as ratios.

The physical limit: a fresh DuckDB connection reading every column of every table once from
the same data stored one file per table (format 2) — `bench_evaluate.scan_floor` over a format-2
snapshot, the fastest of three runs (each a fresh child). Each command runs as the user runs it
(`python -m sounding.engine.cli ...`); its peak memory is the largest sum of resident sizes of the
command and its descendants (the rule workers), sampled every 20 ms from /proc, next to the
command's own ru_maxrss.

With --other, `diff` (resources and findings, --format json) and `diff_resources` (`--only resources`:
coverage and row drift, no evaluation) are reported as ratios to reading both snapshots once.

Example:
  python -m benchmarks.bench_cli /tmp/bench/org-1000 --other /tmp/bench/org-1000-b --json /tmp/cli.json
  python -m benchmarks.bench_cli /tmp/bench/org-1000 --other /tmp/bench/org-1000-b --diff-only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import machine, measure, snapshot_size

CLI = [sys.executable, "-m", "sounding.engine.cli"]


def _tree_rss_kib(pid: int) -> int:
    """Resident KiB of a process and all its descendants (0 once gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as fh:
                    pending.extend(int(x) for x in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def run_command(args: Sequence[str]) -> dict[str, Any]:
    """Run one CLI command; wall time, exit code, own peak RSS and peak RSS of its process tree."""
    started = time.perf_counter()
    child = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kib(child.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _pid, status, usage = os.wait4(child.pid, 0)
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    stderr = child.stderr.read().decode() if child.stderr else ""
    return {"wall_s": round(wall, 3), "exit": os.waitstatus_to_exitcode(status),
            "own_peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "tree_peak_rss_mib": round(peak[0] / 1024, 1),
            "stderr": stderr.strip().splitlines()[-1:] if stderr.strip() else []}


def read_both(old: str, new: str) -> dict[str, Any]:
    """The diff's floor: every column of both snapshots read once."""
    from benchmarks.bench_evaluate import scan_floor

    first, second = scan_floor(old), scan_floor(new)
    return {"floor_s": round(first["floor_s"] + second["floor_s"], 3)}


DIFF_FIGURES = ("diff", "diff_resources")


def main(argv: Sequence[str] | None = None) -> int:
    """Limit, then evaluate --format json, verify and (with --other) diff; every figure also as a ratio."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("snapshot", help="a format-2 snapshot (benchmarks.generate writes one)")
    parser.add_argument("--other", help="a perturbed copy, for diff (benchmarks.generate --perturb)")
    parser.add_argument("--diff-only", action="store_true",
                        help="with --other: only reading both and the two diff figures (no evaluate, verify)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    args = parser.parse_args(argv)
    if args.diff_only and not args.other:
        parser.error("--diff-only needs --other")
    report: dict[str, Any] = {"machine": machine(), "size": snapshot_size(args.snapshot)}
    if not args.diff_only:
        measure_single(args.snapshot, report)
    if args.other:
        report["read_both_s"] = best_of(lambda: measure("benchmarks.bench_cli.read_both", old=args.snapshot,
                                                        new=args.other)["result"]["floor_s"])
        with tempfile.TemporaryDirectory(prefix="sounding-bench-") as scratch:
            out = Path(scratch) / "diff.json"
            report["diff"] = run_command(["diff", args.snapshot, args.other, "-q", "--format", "json",
                                          "-o", str(out)])
            # The resource diff alone: coverage and row drift, no evaluation.
            report["diff_resources"] = run_command(["diff", args.snapshot, args.other, "--only", "resources",
                                                    "-q", "--format", "json", "-o", str(out)])
    if "limit_s" in report:
        print(f"limit (one full-column scan, one file per table): {report['limit_s']} s")
    if "read_both_s" in report:
        print(f"reading both (the same scan of each snapshot): {report['read_both_s']} s")
    for name in ("evaluate_json", "verify", "version", *DIFF_FIGURES):
        if name in report:
            figure = report[name]
            base = report["read_both_s"] if name in DIFF_FIGURES else report["limit_s"]
            print(f"{name}: {figure['wall_s']} s = {figure['wall_s'] / base:.2f}x "
                  f"{'reading both' if name in DIFF_FIGURES else 'the limit'}; exit {figure['exit']}; "
                  f"peak RSS own {figure['own_peak_rss_mib']} MiB, with worker {figure['tree_peak_rss_mib']} MiB")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 0


LIMIT_RUNS = 3


def best_of(run: Callable[[], float], runs: int = LIMIT_RUNS) -> float:
    """The fastest of several runs (each in a fresh child): a limit is what the machine can do, warm, at best."""
    return min(run() for _ in range(runs))


def measure_single(snapshot: str, report: dict[str, Any]) -> None:
    """The one-snapshot figures: the limit, evaluate --format json, verify, --version."""
    report["limit_s"] = best_of(lambda: measure("benchmarks.bench_evaluate.scan_floor",
                                                snapshot=snapshot)["result"]["floor_s"])
    with tempfile.TemporaryDirectory(prefix="sounding-bench-") as scratch:
        out = Path(scratch) / "report.json"
        report["evaluate_json"] = run_command(["evaluate", snapshot, "--format", "json", "-o", str(out), "-q",
                                               "--fail-on", "none"])
        report["evaluate_json"]["report_mib"] = round(out.stat().st_size / 2**20, 1) if out.exists() else None
    report["verify"] = run_command(["verify", snapshot])
    report["version"] = run_command(["--version"])


if __name__ == "__main__":
    sys.exit(main())
