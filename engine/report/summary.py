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
        self.add_count(finding.section, finding.severity, finding.status, finding.waived, 1)

    def add_count(self, section: int, severity: str, status: str, waived: bool, count: int) -> None:
        """Count `count` findings that share section, severity, status and waived."""
        self.total += count
        self.waived += count if waived else 0
        self.by_status[status] += count
        self.by_severity[(severity, status)] += count
        self.by_section[(section, status)] += count

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Tally:
        """The tally of findings, from finding_counts."""
        tally = cls()
        for key in finding_counts(findings):
            tally.add_count(*key)
        return tally

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


def finding_counts(findings: Iterable[Finding]) -> list[tuple[int, str, str, bool, int]]:
    """How many findings share (section, severity, status, waived): in bulk for a stream (FindingStream.counts)."""
    counts = getattr(findings, "counts", None)
    if callable(counts):
        return counts()
    tally = Counter((f.section, f.severity, f.status, f.waived) for f in findings)
    return sorted((*key, count) for key, count in tally.items())


def summarize(evaluation: Evaluation) -> dict[str, Any]:
    """Totals, by status, by severity (status counts) and by section (status counts)."""
    return Tally.of(evaluation.findings).summary(len(evaluation.rules))


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
