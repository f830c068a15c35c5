"""The collector's compaction step alone: per-account parts of every table into one file per table.

The parts are a format-1 copy of the snapshot (`collector.convert`), laid out exactly as the
collector stages them; the figure is the time `collector.write.compact` takes over all tables.

Example:
  python -m benchmarks.bench_compact /tmp/bench/org-1000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import measure


def compact_all(parts: str) -> dict[str, Any]:
    """Compact every table of a format-1 snapshot into a scratch directory; the time it took."""
    from sounding.collector.tables import TABLES_BY_NAME
    from sounding.collector.write import compact
    from sounding.engine.snapshot import open_snapshot

    snapshot = open_snapshot(parts, checksums=False)
    started = time.perf_counter()
    rows = 0
    with tempfile.TemporaryDirectory(prefix="sounding-compact-") as scratch:
        for name in sorted(snapshot.tables):
            files = [f.path for f in snapshot.files(name) if f.account_id != "_empty"]
            rows += compact(files, Path(scratch) / f"{name}.parquet", TABLES_BY_NAME[name].arrow_schema())
    return {"compact_s": round(time.perf_counter() - started, 3), "rows": rows,
            "accounts": len(snapshot.accounts)}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the parts, then measure compaction in a fresh child."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("snapshot", help="a snapshot of either format")
    args = parser.parse_args(argv)
    from sounding.collector.convert import convert

    scratch = Path(tempfile.mkdtemp(prefix="sounding-parts-"))
    try:
        parts = convert(Path(args.snapshot), scratch / "parts", format_version=1)
        result = measure("benchmarks.bench_compact.compact_all", parts=str(parts))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figure = result["result"]
    per_thousand = figure["compact_s"] / max(figure["accounts"], 1) * 1000
    print(f"compacted {figure['rows']} rows of {figure['accounts']} accounts in {figure['compact_s']} s "
          f"({per_thousand:.1f} s per 1,000 accounts), CPU {result['cpu_s']} s, peak RSS {result['peak_rss_mib']} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
