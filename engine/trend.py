"""Trend: pass/fail counts per rule (and account or region) across snapshots in collection order."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sounding.collector.contract import MANIFEST
from sounding.engine.errors import InputError
from sounding.engine.evaluate import evaluate
from sounding.engine.report.rows import write_csv
from sounding.engine.report.text import table
from sounding.engine.rules import Rule
from sounding.engine.snapshot import Snapshot, open_snapshot

GROUPINGS = {"rule": None, "account": "account_id", "region": "region"}
COUNTED = ("pass", "fail", "other")


@dataclass
class Trend:
    """Counts per series (rule, or rule and group) for each snapshot, oldest first."""

    by: str
    snapshots: list[dict[str, str]]
    series: dict[tuple[str, str], list[dict[str, int]]]

    def to_dict(self) -> dict[str, Any]:
        """The trend as one JSON-ready object."""
        group = GROUPINGS[self.by]
        rows = []
        for (rule_id, value), counts in sorted(self.series.items()):
            row: dict[str, Any] = {"rule_id": rule_id}
            if group:
                row[group] = value
            row["counts"] = counts
            rows.append(row)
        return {"by": self.by, "snapshots": self.snapshots, "series": rows}


def snapshot_paths(arguments: Sequence[Path]) -> list[Path]:
    """The snapshots named, or those directly inside the one directory named."""
    if len(arguments) == 1 and not (arguments[0] / MANIFEST).is_file() and arguments[0].is_dir():
        found = sorted(p for p in arguments[0].iterdir() if p.is_dir() and (p / MANIFEST).is_file())
        if not found:
            raise InputError(arguments[0], "holds no snapshot (no subdirectory with a manifest.json)")
        return found
    return list(arguments)


def open_in_order(paths: Sequence[Path]) -> list[Snapshot]:
    """Open every snapshot and order them by collection time (then by name)."""
    snapshots = [open_snapshot(p) for p in paths]
    return sorted(snapshots, key=lambda s: (s.collected_at, s.path.name))


def compute_trend(snapshots: Sequence[Snapshot], rules: Sequence[Rule], *, by: str = "rule",
                  progress: Callable[[str], None] | None = None) -> Trend:
    """Evaluate every snapshot with the same rules and count statuses per series."""
    group = GROUPINGS[by]
    per_snapshot: list[Counter[tuple[str, str, str]]] = []
    for snapshot in snapshots:
        if progress:
            progress(f"evaluate {snapshot.path.name}")
        counts: Counter[tuple[str, str, str]] = Counter()
        for finding in evaluate(snapshot, rules).findings:
            value = getattr(finding, group) if group else ""
            status = finding.status.lower() if finding.status in ("PASS", "FAIL") else "other"
            counts[(finding.rule_id, value, status)] += 1
        per_snapshot.append(counts)
    keys = {(rule, value) for counts in per_snapshot for (rule, value, _s) in counts}
    keys |= {(r.id, "") for r in rules if not group}
    series = {key: [{s: counts.get((*key, s), 0) for s in COUNTED} for counts in per_snapshot]
              for key in sorted(keys)}
    facts = [{"snapshot": s.path.name, "collected_at": s.manifest["collection"]["finished_at"]}
             for s in snapshots]
    return Trend(by, facts, series)


def render_json(trend: Trend) -> str:
    """Deterministic JSON."""
    return json.dumps(trend.to_dict(), indent=2, sort_keys=True) + "\n"


def render_csv(trend: Trend) -> str:
    """One line per series and snapshot."""
    group = GROUPINGS[trend.by]
    out = io.StringIO()
    rows = ([rule_id, *([value] if group else []), facts["snapshot"], facts["collected_at"],
             *(count[s] for s in COUNTED)]
            for (rule_id, value), counts in sorted(trend.series.items())
            for facts, count in zip(trend.snapshots, counts, strict=True))
    write_csv(["rule_id", *([group] if group else []), "snapshot", "collected_at", *COUNTED], rows, out,
              spreadsheet_safe=True)
    return out.getvalue()


def render_table(trend: Trend) -> str:
    """One line per series, one column per snapshot holding pass/fail/other."""
    group = GROUPINGS[trend.by]
    headers = ["Rule", *([group] if group else []), *(f["collected_at"][:19] for f in trend.snapshots)]
    rows = [[rule_id, *([value] if group else []), *(f"{c['pass']}/{c['fail']}/{c['other']}" for c in counts)]
            for (rule_id, value), counts in sorted(trend.series.items())]
    return "Counts are pass/fail/other, oldest snapshot first.\n\n" + table(headers, rows)


# The text formats; `html` (engine/report/trend_html.py, which reads a Trend) is added by the command.
FORMATS: dict[str, Callable[[Trend], str]] = {"table": render_table, "json": render_json, "csv": render_csv}
