"""Wall time and peak RSS of the built-in rule pack over snapshots, against the DuckDB scan floor.

The scan floor is the time a fresh DuckDB connection needs to read every column (raw included)
of every table once, from the same files the sandbox reads. Each measurement runs in a fresh child.

Example:
  python -m benchmarks.bench_evaluate /tmp/bench/org-10 /tmp/bench/org-100 /tmp/bench/org-1000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import machine, measure, snapshot_size


def scan_floor(snapshot: str) -> dict[str, Any]:
    """Read every column of every table once; hash each value so nothing is skipped or answered from stats."""
    import duckdb
    from sounding.engine.snapshot import open_snapshot

    snap = open_snapshot(snapshot, checksums=False)
    started = time.perf_counter()
    con = duckdb.connect(":memory:")
    rows = 0
    for name, entry in sorted(snap.tables.items()):
        files = ", ".join("'" + str(f.path.resolve()) + "'" for f in snap.files(name))
        touch = ", ".join(f'max(hash("{c["name"]}"))' for c in entry["schema"])
        count, *_ = con.execute(f"SELECT count(*), max(length(raw)), {touch} FROM read_parquet([{files}])").fetchone()
        rows += count
    con.close()
    return {"floor_s": round(time.perf_counter() - started, 3), "rows": rows}


def evaluate_pack(snapshot: str, checksums: bool = True) -> dict[str, Any]:
    """Open (verify) the snapshot and evaluate the built-in pack; per-rule times from the progress callback."""
    from sounding.engine.evaluate import evaluate
    from sounding.engine.rules import builtin_rules_dir, load_rules
    from sounding.engine.snapshot import open_snapshot

    started = time.perf_counter()
    snap = open_snapshot(snapshot, checksums=checksums)
    opened = time.perf_counter()
    rules = load_rules([builtin_rules_dir()])
    marks: list[tuple[str, float]] = []
    result = evaluate(snap, rules, progress=lambda text: marks.append((text.split()[-1], time.perf_counter())))
    done = time.perf_counter()
    per_rule = [(rule, round(end - start, 3)) for (rule, start), (_next, end)
                in zip(marks, [*marks[1:], ("end", done)], strict=True)]
    statuses = Counter(f.status for f in result.findings)
    return {"open_s": round(opened - started, 3), "evaluate_s": round(done - opened, 3),
            "first_rule_at_s": round(marks[0][1] - opened, 3) if marks else None,
            "rules": len(rules), "findings": len(result.findings), "statuses": dict(sorted(statuses.items())),
            "slowest_rules": sorted(per_rule, key=lambda r: -r[1])[:8]}


def baseline() -> dict[str, Any]:
    """Import the engine and DuckDB only: the RSS every measurement starts from."""
    import duckdb  # noqa: F401
    import sounding.engine.evaluate  # noqa: F401
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each snapshot: floor, then the pack (with and without checksum verification)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("snapshots", nargs="+", help="snapshot directories (e.g. from benchmarks.generate)")
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    parser.add_argument("--no-checksums", action="store_true", help="open snapshots without hashing files")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"machine": machine(), "baseline": measure("benchmarks.bench_evaluate.baseline"),
                              "snapshots": []}
    print(f"baseline (imports only): peak RSS {report['baseline']['peak_rss_mib']} MiB", file=sys.stderr)
    print("accounts  files   rows      floor_s  open_s  evaluate_s  ratio  eval_cpu_s  peak_rss_mib  findings")
    for path in args.snapshots:
        size = snapshot_size(path)
        floor = measure("benchmarks.bench_evaluate.scan_floor", snapshot=path)
        pack = measure("benchmarks.bench_evaluate.evaluate_pack", snapshot=path, checksums=not args.no_checksums)
        ratio = pack["result"]["evaluate_s"] / max(floor["result"]["floor_s"], 1e-9)
        report["snapshots"].append({"path": path, "size": size, "floor": floor, "evaluate": pack,
                                    "ratio": round(ratio, 2)})
        print(f"{size['accounts']:<9} {size['files']:<7} {size['rows']:<9} {floor['result']['floor_s']:<8} "
              f"{pack['result']['open_s']:<7} {pack['result']['evaluate_s']:<11} {ratio:<6.2f} "
              f"{pack['cpu_s']:<11} {pack['peak_rss_mib']:<13} {pack['result']['findings']}", flush=True)
        print(f"  slowest rules: {pack['result']['slowest_rules']}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
