"""Counts of findings by status, severity and section, shared by every format, from one iteration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.rules import SECTIONS, SEVERITIES, STATUSES
from sounding.engine.snapshot import Snapshot


def status_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per status, every status present."""
    counts = Counter(f.status for f in findings)
    return {s: counts.get(s, 0) for s in STATUSES}


class Tally:
    """Counts findings as they go by (a report writing them can count in the same pass)."""

    def __init__(self) -> None:
        self.total = 0
        self.waived = 0
        self.by_status: Counter[str] = Counter()
        self.by_severity: Counter[tuple[str, str]] = Counter()
        self.by_section: Counter[tuple[int, str]] = Counter()

    def add(self, finding: Finding) -> None:
        """Count one finding."""
        self.total += 1
        self.waived += finding.waived
        self.by_status[finding.status] += 1
        self.by_severity[(finding.severity, finding.status)] += 1
        self.by_section[(finding.section, finding.status)] += 1

    def summary(self, rules: int) -> dict[str, Any]:
        """Totals, by status, by severity (status counts) and by section (status counts)."""
        sections = sorted({number for number, _ in self.by_section})
        return {
            "rules": rules,
            "findings": self.total,
            "waived": self.waived,
            "by_status": {s: self.by_status.get(s, 0) for s in STATUSES},
            "by_severity": {v: {s: self.by_severity.get((v, s), 0) for s in STATUSES} for v in SEVERITIES},
            "by_section": {f"{n}. {SECTIONS.get(n, str(n))}": {s: self.by_section.get((n, s), 0) for s in STATUSES}
                           for n in sections},
        }


def summarize(evaluation: Evaluation) -> dict[str, Any]:
    """Totals, by status, by severity (status counts) and by section (status counts): one iteration."""
    tally = Tally()
    for finding in evaluation.findings:
        tally.add(finding)
    return tally.summary(len(evaluation.rules))


def snapshot_facts(snapshot: Snapshot) -> dict[str, Any]:
    """What a report says about the snapshot: nothing that depends on where it lies on disk."""
    manifest = snapshot.manifest
    return {
        "format_version": manifest["format_version"],
        "tool_version": manifest["tool_version"],
        "started_at": manifest["collection"]["started_at"],
        "collected_at": manifest["collection"]["finished_at"],
        "caller": manifest["caller"],
        "accounts": [a["account_id"] for a in snapshot.accounts],
        "regions": manifest["regions"],
        "gaps": len(manifest["gaps"]),
        "api_calls": manifest["api_calls"],
    }
