"""Measures one function call in a fresh child process: wall time, CPU time, peak RSS (no psutil).

The parent starts `python -m benchmarks.common FUNCTION JSON_KWARGS`; the child imports the
function, calls it once, and prints a JSON line with its own timings and the function's result.
The parent reads the child's peak RSS from os.wait4 (ru_maxrss), so nothing else shares the number.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCH-RESULT "


def measure(function: str, **kwargs: Any) -> dict[str, Any]:
    """Call module.function(**kwargs) in a child; its result plus wall_s, cpu_s and peak_rss_mib."""
    command = [sys.executable, "-m", "benchmarks.common", function, json.dumps(kwargs)]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    total = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"{function} failed in the child (exit {child.returncode})")
    line = next(x for x in reversed(output.splitlines()) if x.startswith(MARK))
    result = json.loads(line[len(MARK):])
    result["process_wall_s"] = round(total, 3)
    result["peak_rss_mib"] = round(usage.ru_maxrss / 1024, 1)  # Linux reports KiB
    result["process_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 3)
    return result


def machine() -> dict[str, Any]:
    """The facts a reader needs to compare numbers: cores, memory, versions, load."""
    import duckdb
    import pyarrow

    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {"nproc": os.cpu_count(), "memory_gib": round(pages / 2**30, 1), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__, "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def mib(size_bytes: int) -> float:
    """Bytes as MiB, one decimal."""
    return round(size_bytes / 2**20, 1)


def snapshot_size(path: str | Path) -> dict[str, Any]:
    """Files, bytes and rows of a snapshot, from its manifest."""
    manifest = json.loads((Path(path) / "manifest.json").read_text())
    tables = manifest["tables"].values()
    return {"accounts": len(manifest["accounts"]), "tables": len(manifest["tables"]),
            "files": sum(len(t["files"]) for t in tables), "rows": sum(t["rows"] for t in tables),
            "parquet_mib": mib(sum(f["bytes"] for t in tables for f in t["files"]))}


def _child(function: str, kwargs_json: str) -> None:
    """Child side: call the function once, print timings and its result."""
    module, name = function.rsplit(".", 1)
    target = getattr(importlib.import_module(module), name)
    wall, cpu = time.perf_counter(), time.process_time()
    result = target(**json.loads(kwargs_json))
    payload = {"wall_s": round(time.perf_counter() - wall, 3), "cpu_s": round(time.process_time() - cpu, 3),
               "peak_rss_self_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
               "result": result}
    print(MARK + json.dumps(payload, sort_keys=True), flush=True)


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
