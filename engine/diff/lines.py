"""A diff flattened to one line per change: the shared shape of the csv, table and markdown formats."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sounding.engine.diff.model import FINDING_CATEGORIES, ROW_KINDS, STILL_FAILING, Diff, RowChange, ValueChange

FIELDS = ("section", "change", "subject", "account_id", "region", "id", "path", "old", "new", "severity",
          "reason")
SCOPE_KEYS = ("account_id", "region")


def cell(value: Any) -> str:
    """A value as text: strings as they are, everything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def key_text(key: dict[str, Any]) -> str:
    """The key columns beyond account and region, as `name=value`; empty for one-row-per-scope tables."""
    return ", ".join(f"{k}={cell(v)}" for k, v in key.items() if k not in SCOPE_KEYS)


def lines(diff: Diff, *, still_failing: bool = True) -> Iterator[dict[str, str]]:
    """Every change as a flat record with the FIELDS keys, in report order."""
    yield from _coverage_lines(diff)
    for table in diff.tables or []:
        if table.not_compared:
            yield _line("resources", "not_compared", table.name, reason=table.not_compared)
        for change, columns in (("column_added", table.columns_added), ("column_removed", table.columns_removed)):
            for column in columns:
                yield _line("resources", change, table.name, path=column)
        for retyped in table.columns_retyped:
            yield _line("resources", "column_retyped", table.name, path=retyped["column"], old=retyped["old"],
                        new=retyped["new"])
        for kind in ROW_KINDS:
            for row in getattr(table, kind):
                yield from _row_lines(table.name, kind, row)
    if diff.findings is not None:
        for category in FINDING_CATEGORIES:
            if category == STILL_FAILING and not still_failing:
                continue
            for f in diff.findings.changes[category]:
                yield _line("findings", category, f.rule_id, f.account_id, f.region, f.resource_id,
                            old=f.old_status or "", new=f.new_status or "", severity=f.severity, reason=f.reason)
        for rule in diff.findings.rules_not_compared:
            yield _line("findings", "rule_not_compared", rule["rule_id"], reason=rule["reason"])


def _coverage_lines(diff: Diff) -> Iterator[dict[str, str]]:
    """Coverage differences: tables, accounts, regions, reachability and gaps only one side has."""
    cov = diff.coverage
    for side, names in (("old", cov.tables_only_in_old), ("new", cov.tables_only_in_new)):
        for name in names:
            yield _line("coverage", f"table_only_in_{side}", name)
    for side, accounts in (("old", cov.accounts_only_in_old), ("new", cov.accounts_only_in_new)):
        for account in accounts:
            yield _line("coverage", f"account_only_in_{side}", "", account)
    for entry in cov.regions:
        for side in ("old", "new"):
            for region in entry[f"only_in_{side}"]:
                yield _line("coverage", f"region_only_in_{side}", "", entry["account_id"], region)
    for entry in cov.reachability:
        yield _line("coverage", "reachability_changed", "", entry["account_id"],
                    old=cell(entry["old"]), new=cell(entry["new"]))
    for side, gaps in (("old", cov.gaps_only_in_old), ("new", cov.gaps_only_in_new)):
        for gap in gaps:
            yield _line("coverage", f"gap_only_in_{side}", gap["table"], gap["account_id"], gap["region"],
                        path=f"{gap['service']}:{gap['operation']}",
                        reason=f"{gap['error_code']} ({gap['error_kind']}): {gap['message']}")


def _row_lines(table: str, kind: str, row: RowChange) -> Iterator[dict[str, str]]:
    """One line for an added or removed row; one per changed column or raw path otherwise."""
    account, region, ident = str(row.key.get("account_id", "")), str(row.key.get("region", "")), key_text(row.key)
    if kind != "changed":
        yield _line("resources", kind, table, account, region, ident)
        return
    for prefix, changes in (("", row.columns), ("raw.", row.raw)):
        for change in changes:
            yield _line("resources", kind, table, account, region, ident, path=prefix + change.path,
                        old=_side(change, "old"), new=_side(change, "new"))


def _side(change: ValueChange, side: str) -> str:
    """One side of a value change as text; '(absent)' where the key did not exist."""
    if not getattr(change, f"{side}_present"):
        return "(absent)"
    value = getattr(change, side)
    return "null" if value is None else cell(value)


def _line(section: str, change: str, subject: str, account_id: str = "", region: str = "", ident: str = "", *,
          path: str = "", old: str = "", new: str = "", severity: str = "", reason: str = "") -> dict[str, str]:
    """A flat record."""
    return {"section": section, "change": change, "subject": subject, "account_id": account_id,
            "region": region, "id": ident, "path": path, "old": old, "new": new, "severity": severity,
            "reason": reason}
