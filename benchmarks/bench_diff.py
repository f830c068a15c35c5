"""Wall time and peak RSS of `sounding diff` (the library call) against reading both snapshots once.

Resource drift (`--only resources`, no rules) is compared with the scan floor of both snapshots;
with --findings the full diff (both snapshots evaluated with the built-in pack) is measured too.

Example:
  python -m benchmarks.generate --perturb 0.01 --source /tmp/bench/org-1000 --out /tmp/bench/org-1000-b
  python -m benchmarks.bench_diff /tmp/bench/org-1000 /tmp/bench/org-1000-b --findings
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


def diff(old: str, new: str, findings: bool = False, checksums: bool = True) -> dict[str, Any]:
    """Open both snapshots and diff them as `sounding diff` does; counts of what changed."""
    from sounding.engine.diff import diff_snapshots
    from sounding.engine.rules import builtin_rules_dir, load_rules
    from sounding.engine.snapshot import open_snapshot

    started = time.perf_counter()
    a, b = open_snapshot(old, checksums=checksums), open_snapshot(new, checksums=checksums)
    opened = time.perf_counter()
    rules = load_rules([builtin_rules_dir()]) if findings else None
    result = diff_snapshots(a, b, rules=rules)
    done = time.perf_counter()
    changes = {kind: sum(len(getattr(t, kind)) for t in result.tables) for kind in ("added", "removed", "changed")}
    return {"open_s": round(opened - started, 3), "diff_s": round(done - opened, 3), **changes,
            "finding_changes": None if result.findings is None else _count(result.findings)}


def _count(findings: Any) -> Any:
    """A small summary of finding drift, whatever shape the diff model gives it."""
    if isinstance(findings, list):
        return len(findings)
    changes = getattr(findings, "changes", None)
    if isinstance(changes, dict):
        return {k: len(v) for k, v in sorted(changes.items())}
    return str(type(findings).__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure the floor of both snapshots, then the diff, each in a fresh child."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--findings", action="store_true", help="also measure the diff with finding drift")
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    args = parser.parse_args(argv)
    floors = [measure("benchmarks.bench_evaluate.scan_floor", snapshot=p) for p in (args.old, args.new)]
    floor_s = sum(f["result"]["floor_s"] for f in floors)
    resources = measure("benchmarks.bench_diff.diff", old=args.old, new=args.new)
    report: dict[str, Any] = {"machine": machine(), "size": snapshot_size(args.old), "floors": floors,
                              "resources": resources, "ratio": round(resources["result"]["diff_s"] / floor_s, 2)}
    r = resources["result"]
    print(f"accounts {report['size']['accounts']}: floor(both) {floor_s:.2f} s; resource diff {r['diff_s']} s "
          f"(open {r['open_s']} s), ratio {report['ratio']}, peak RSS {resources['peak_rss_mib']} MiB; "
          f"added {r['added']} removed {r['removed']} changed {r['changed']}", flush=True)
    if args.findings:
        full = measure("benchmarks.bench_diff.diff", old=args.old, new=args.new, findings=True)
        report["findings"] = full
        f = full["result"]
        print(f"  with finding drift: {f['diff_s']} s, peak RSS {full['peak_rss_mib']} MiB, "
              f"finding changes {f['finding_changes']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
