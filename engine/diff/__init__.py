"""Diff two snapshots: what only one covers, which resources drifted, which findings moved."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sounding.engine.diff.coverage import compare_coverage
from sounding.engine.diff.findings import diff_findings
from sounding.engine.diff.model import Diff
from sounding.engine.diff.resources import Stopper, diff_tables
from sounding.engine.errors import InputError
from sounding.engine.rules import Rule
from sounding.engine.snapshot import Snapshot

T = TypeVar("T")
U = TypeVar("U")


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
    both = [t for t in old.tables if t in new.tables and (wanted is None or t in wanted)]
    if resources and rules is not None:
        # Resource drift (DuckDB in this process) runs on a thread while the rule workers evaluate both sides.
        if progress:
            progress(f"diff {len(both)} tables alongside the evaluations")
        result.tables, result.findings = alongside(
            lambda stopper: diff_tables(old, new, both, ground, include_volatile=include_volatile, stopper=stopper),
            lambda: diff_findings(old, new, rules, progress=progress))
        return result
    if resources:
        result.tables = diff_tables(old, new, both, ground, include_volatile=include_volatile, progress=progress)
    if rules is not None:
        result.findings = diff_findings(old, new, rules, progress=progress)
    return result


def alongside(background: Callable[[Stopper], T], foreground: Callable[[], U]) -> tuple[T, U]:
    """background(stopper) on a thread while foreground() runs here; an exception or an interrupt here stops
    the background work (its query interrupted) before it propagates, and one there is raised once both end."""
    stopper = Stopper()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = background(stopper)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="resource-diff", daemon=True)
    thread.start()
    try:
        value = foreground()
        thread.join()
    except BaseException:
        stopper.stop()
        thread.join()
        raise
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"], value
