"""Counts of findings by status, severity and section, shared by every format."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.rules import SECTIONS, SEVERITIES, STATUSES
from sounding.engine.snapshot import Snapshot


def status_counts(findings: list[Finding]) -> dict[str, int]:
    """Findings per status, every status present."""
    counts = Counter(f.status for f in findings)
    return {s: counts.get(s, 0) for s in STATUSES}


def summarize(evaluation: Evaluation) -> dict[str, Any]:
    """Totals, by status, by severity (status counts) and by section (status counts)."""
    findings = evaluation.findings
    by_section = {}
    for number in sorted({f.section for f in findings}):
        name = SECTIONS.get(number, str(number))
        by_section[f"{number}. {name}"] = status_counts([f for f in findings if f.section == number])
    return {
        "rules": len(evaluation.rules),
        "findings": len(findings),
        "waived": sum(1 for f in findings if f.waived),
        "by_status": status_counts(findings),
        "by_severity": {s: status_counts([f for f in findings if f.severity == s]) for s in SEVERITIES},
        "by_section": by_section,
    }


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
