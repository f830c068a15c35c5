"""Diff two snapshots: what only one covers, which resources drifted, which findings moved."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sounding.engine.diff.coverage import compare_coverage
from sounding.engine.diff.findings import diff_findings
from sounding.engine.diff.model import Diff
from sounding.engine.diff.resources import diff_tables
from sounding.engine.errors import InputError
from sounding.engine.rules import Rule
from sounding.engine.snapshot import Snapshot


def facts(snapshot: Snapshot) -> dict[str, Any]:
    """What the diff says about each side: nothing that depends on where it lies on disk."""
    manifest = snapshot.manifest
    return {"collected_at": manifest["collection"]["finished_at"], "format_version": manifest["format_version"],
            "tool_version": manifest["tool_version"], "accounts": len(snapshot.accounts),
            "tables": len(snapshot.tables), "gaps": len(snapshot.gaps)}


def diff_snapshots(old: Snapshot, new: Snapshot, *, tables: Sequence[str] | None = None,
                   rules: Sequence[Rule] | None = None, resources: bool = True,
                   include_volatile: bool = False, progress: Callable[[str], None] | None = None) -> Diff:
    """The diff OLD → NEW; `rules=None` skips finding drift, `resources=False` skips resource drift."""
    wanted = sorted(set(tables)) if tables else None
    if wanted:
        unknown = [t for t in wanted if t not in old.tables and t not in new.tables]
        if unknown:
            raise InputError("--table", f"neither snapshot has a table named {unknown[0]}")
    coverage, ground = compare_coverage(old, new, wanted)
    if wanted:
        coverage.tables_only_in_old = [t for t in coverage.tables_only_in_old if t in wanted]
        coverage.tables_only_in_new = [t for t in coverage.tables_only_in_new if t in wanted]
    result = Diff(old=facts(old), new=facts(new), coverage=coverage)
    if resources:
        both = [t for t in old.tables if t in new.tables and (wanted is None or t in wanted)]
        result.tables = diff_tables(old, new, both, ground, include_volatile=include_volatile, progress=progress)
    if rules is not None:
        result.findings = diff_findings(old, new, rules, progress=progress)
    return result
