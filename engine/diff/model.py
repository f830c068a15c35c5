"""What a diff of two snapshots holds: coverage differences, resource drift, finding drift."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Finding drift categories, in the order reports list them.
NEW_FAILURE = "new_failure"
RESOLVED = "resolved"
STILL_FAILING = "still_failing"
STATUS_CHANGED = "status_changed"
FINDING_CATEGORIES = (NEW_FAILURE, RESOLVED, STATUS_CHANGED, STILL_FAILING)

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
ROW_KINDS = (ADDED, REMOVED, CHANGED)


@dataclass
class ValueChange:
    """One typed column or one JSON path whose value differs; `old`/`new` absent means the key was."""

    path: str
    old: Any = None
    new: Any = None
    old_present: bool = True
    new_present: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The change as reports write it; a side where the key did not exist is left out."""
        data: dict[str, Any] = {"path": self.path}
        if self.old_present:
            data["old"] = self.old
        if self.new_present:
            data["new"] = self.new
        return data


@dataclass
class RowChange:
    """A row added, removed or changed, identified by the table's primary key."""

    kind: str
    key: dict[str, Any]
    columns: list[ValueChange] = field(default_factory=list)
    raw: list[ValueChange] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The row change as reports write it."""
        data: dict[str, Any] = {"key": self.key}
        if self.kind == CHANGED:
            data["columns"] = [c.to_dict() for c in self.columns]
            data["raw"] = [c.to_dict() for c in self.raw]
        return data


@dataclass
class TableDiff:
    """The drift of one table present in both snapshots."""

    name: str
    added: list[RowChange] = field(default_factory=list)
    removed: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_retyped: list[dict[str, str]] = field(default_factory=list)
    not_compared: str = ""

    @property
    def is_empty(self) -> bool:
        """No row and no schema difference."""
        return not (self.added or self.removed or self.changed or self.columns_added
                    or self.columns_removed or self.columns_retyped or self.not_compared)

    def to_dict(self) -> dict[str, Any]:
        """The table's drift as reports write it."""
        data: dict[str, Any] = {kind: [r.to_dict() for r in getattr(self, kind)] for kind in ROW_KINDS}
        if self.columns_added or self.columns_removed or self.columns_retyped:
            data["schema"] = {"columns_added": self.columns_added, "columns_removed": self.columns_removed,
                              "columns_retyped": self.columns_retyped}
        if self.not_compared:
            data["not_compared"] = self.not_compared
        return data


@dataclass
class Coverage:
    """What only one snapshot covers: tables, accounts, regions, reachability, collection gaps."""

    tables_only_in_old: list[str] = field(default_factory=list)
    tables_only_in_new: list[str] = field(default_factory=list)
    accounts_only_in_old: list[str] = field(default_factory=list)
    accounts_only_in_new: list[str] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    reachability: list[dict[str, Any]] = field(default_factory=list)
    gaps_only_in_old: list[dict[str, str]] = field(default_factory=list)
    gaps_only_in_new: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Both snapshots cover the same ground with the same gaps."""
        return not any(vars(self).values())

    def to_dict(self) -> dict[str, Any]:
        """The coverage differences as reports write them."""
        return {
            "tables": {"only_in_old": self.tables_only_in_old, "only_in_new": self.tables_only_in_new},
            "accounts": {"only_in_old": self.accounts_only_in_old, "only_in_new": self.accounts_only_in_new},
            "regions": self.regions,
            "reachability": self.reachability,
            "gaps": {"only_in_old": self.gaps_only_in_old, "only_in_new": self.gaps_only_in_new},
        }


@dataclass
class FindingChange:
    """One finding whose status moved (or stayed FAIL) between the snapshots."""

    category: str
    rule_id: str
    title: str
    severity: str
    account_id: str
    region: str
    resource_id: str
    old_status: str | None
    new_status: str | None
    reason: str

    def sort_key(self) -> tuple[str, ...]:
        """Rule, account, region, resource: a total order within a category."""
        return (self.rule_id, self.account_id, self.region, self.resource_id)

    def to_dict(self) -> dict[str, Any]:
        """The finding change as reports write it."""
        return {"rule_id": self.rule_id, "title": self.title, "severity": self.severity,
                "account_id": self.account_id, "region": self.region, "resource_id": self.resource_id,
                "old_status": self.old_status, "new_status": self.new_status, "reason": self.reason}


@dataclass
class FindingDrift:
    """Findings by category, and the rules that could not be compared."""

    changes: dict[str, list[FindingChange]] = field(
        default_factory=lambda: {c: [] for c in FINDING_CATEGORIES})
    rules_not_compared: list[dict[str, Any]] = field(default_factory=list)
    rules: int = 0

    def to_dict(self, item: Callable[[FindingChange], Any] = FindingChange.to_dict) -> dict[str, Any]:
        """The finding drift as reports write it; `item` makes each change's entry (the JSON writer's own)."""
        data: dict[str, Any] = {c: [item(f) for f in self.changes[c]] for c in FINDING_CATEGORIES}
        data["rules_not_compared"] = self.rules_not_compared
        return data


@dataclass
class Diff:
    """Everything `sounding diff` reports about OLD → NEW."""

    old: dict[str, Any]
    new: dict[str, Any]
    coverage: Coverage
    tables: list[TableDiff] | None = None
    findings: FindingDrift | None = None

    def summary(self) -> dict[str, Any]:
        """Counts per kind of change: what a reader sees first."""
        data: dict[str, Any] = {}
        if self.tables is not None:
            data["resources"] = {kind: sum(len(getattr(t, kind)) for t in self.tables) for kind in ROW_KINDS}
            data["resources"]["tables_changed"] = sum(1 for t in self.tables if not t.is_empty)
        if self.findings is not None:
            data["findings"] = {c: len(self.findings.changes[c]) for c in FINDING_CATEGORIES}
        data["coverage_changed"] = not self.coverage.is_empty
        return data

    def to_dict(self, finding: Callable[[FindingChange], Any] = FindingChange.to_dict) -> dict[str, Any]:
        """The whole diff as one JSON-ready object; only tables with drift are listed."""
        data: dict[str, Any] = {"old": self.old, "new": self.new, "summary": self.summary(),
                                "coverage": self.coverage.to_dict()}
        if self.tables is not None:
            data["resources"] = {t.name: t.to_dict() for t in self.tables if not t.is_empty}
        if self.findings is not None:
            data["findings"] = self.findings.to_dict(finding)
        return data
