"""Time of each built-in rule's SQL alone, against the DuckDB scan floor of the same snapshot.

One fresh child per snapshot builds the sandbox connection the rule worker builds (views, meta
tables, engine functions, the SQL library; declared tables the snapshot lacks are empty) and runs
every rule once, in catalog order, fetching its rows as Arrow: no worker transport, no Python
conversion of rows, no report. Another child measures the scan floor (bench_evaluate.scan_floor).
The ratio is the rules' total over the floor.

Example:
  python -m benchmarks.bench_rules /tmp/perf-bench/org-200 /tmp/b13/org-1000 --top 15 --json rules.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import machine, measure, snapshot_size

MEMORY_LIMIT = "2GB"  # what evaluate gives the worker by default


def rule_times(snapshot: str, only: str = "", repeat: int = 1) -> dict[str, Any]:
    """Build the sandbox connection, then run each rule (ids containing `only`): best wall and CPU seconds, rows.

    CPU time (all of the process's threads) is steadier than wall time on a shared machine; with
    `repeat` > 1 each rule runs that many times in a row and its fastest run counts.
    """
    from sounding.collector.tables import ALL_TABLES
    from sounding.engine.connection import connect_sandbox
    from sounding.engine.rules import builtin_rules_dir, load_rules
    from sounding.engine.snapshot import open_snapshot
    from sounding.engine.sql_policy import check_sql

    snap = open_snapshot(snapshot, checksums=False)
    empty = [(spec.name, [(c.name, c.type) for c in spec.all_columns])
             for spec in ALL_TABLES if spec.name not in snap.tables]
    started = time.perf_counter()
    con = connect_sandbox(snap, empty, MEMORY_LIMIT, None)
    connected = time.perf_counter()
    rules = sorted((r for r in load_rules([builtin_rules_dir()]) if only in r.id), key=lambda r: (r.section, r.id))
    per_rule = []
    for rule in rules:
        query = f"SELECT * FROM ({check_sql(rule.sql).query}) AS rule_output"
        wall = cpu = float("inf")
        for _ in range(max(repeat, 1)):
            begun, cpu_begun = time.perf_counter(), time.process_time()
            rows = con.sql(query).to_arrow_table().num_rows
            wall = min(wall, time.perf_counter() - begun)
            cpu = min(cpu, time.process_time() - cpu_begun)
        per_rule.append({"rule": rule.id, "s": round(wall, 4), "cpu_s": round(cpu, 4), "rows": rows})
    con.close()
    return {"connect_s": round(connected - started, 3), "rules": len(per_rule),
            "total_s": round(sum(r["s"] for r in per_rule), 3),
            "total_cpu_s": round(sum(r["cpu_s"] for r in per_rule), 3),
            "rows": sum(r["rows"] for r in per_rule), "per_rule": per_rule}


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each snapshot: the scan floor, then every rule's SQL; print the slowest rules."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("snapshots", nargs="+", help="snapshot directories (e.g. from benchmarks.generate)")
    parser.add_argument("--only", default="", help="run only the rules whose id contains this text")
    parser.add_argument("--repeat", type=int, default=1, help="run each rule this many times, keep the fastest")
    parser.add_argument("--top", type=int, default=10, help="how many of the slowest rules to print (default 10)")
    parser.add_argument("--json", type=Path, help="also write every measurement (each rule's time) to this JSON file")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"machine": machine(), "snapshots": []}
    print("accounts  floor_s  connect_s  rules  rules_s  rules_cpu_s  ratio  median_rule_s  rows")
    for path in args.snapshots:
        size = snapshot_size(path)
        floor = measure("benchmarks.bench_evaluate.scan_floor", snapshot=path)
        timed = measure("benchmarks.bench_rules.rule_times", snapshot=path, only=args.only,
                        repeat=args.repeat)
        result = timed["result"]
        ratio = result["total_s"] / max(floor["result"]["floor_s"], 1e-9)
        times = sorted(r["s"] for r in result["per_rule"])
        median = times[len(times) // 2] if times else 0.0
        report["snapshots"].append({"path": path, "size": size, "floor": floor, "rules": timed,
                                    "ratio": round(ratio, 2)})
        print(f"{size['accounts']:<9} {floor['result']['floor_s']:<8} {result['connect_s']:<10} "
              f"{result['rules']:<6} {result['total_s']:<8} {result['total_cpu_s']:<12} {ratio:<6.2f} {median:<14} "
              f"{result['rows']}", flush=True)
        for rule in sorted(result["per_rule"], key=lambda r: -r["s"])[:args.top]:
            print(f"  {rule['s']:<8} cpu {rule['cpu_s']:<8} {rule['rows']:<9} {rule['rule']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
