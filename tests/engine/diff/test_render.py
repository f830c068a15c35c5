"""diff --format json: the bytes of json.dumps(Diff.to_dict(), indent=2, sort_keys=True), however it is written."""

from __future__ import annotations

import json

from sounding.engine.diff.model import (
    FINDING_CATEGORIES,
    Coverage,
    Diff,
    FindingChange,
    FindingDrift,
    RowChange,
    TableDiff,
    ValueChange,
)
from sounding.engine.diff.render import render_json


def change(category: str, old: str | None, new: str | None, reason: str = "why") -> FindingChange:
    return FindingChange(category=category, rule_id="iam_root_mfa", title="Root \"MFA\" ✓", severity="high",
                         account_id="111111111111", region="global", resource_id="arn:aws:iam::1:root",
                         old_status=old, new_status=new, reason=reason)


def test_every_finding_change_and_row_change_written_as_json_dumps_writes_them() -> None:
    drift = FindingDrift(rules=2)
    drift.changes = {c: [] for c in FINDING_CATEGORIES}
    drift.changes["new_failure"] = [change("new_failure", None, "FAIL", "é\n\t\u2028 </b>"),
                                    change("new_failure", "PASS", "FAIL")]
    drift.changes["resolved"] = [change("resolved", "FAIL", None)]
    drift.rules_not_compared = [{"rule_id": "x", "reason": "table t was collected only in OLD"}]
    table = TableDiff("iam_users", added=[RowChange("added", {"account_id": "1", "region": "global", "n": 1.5})],
                      changed=[RowChange("changed", {"account_id": "1", "region": "global"},
                                         columns=[ValueChange("a", None, [1, {"b": None}])],
                                         raw=[ValueChange("c", new_present=False, old={"d": "e"})])])
    diff = Diff(old={"accounts": 1}, new={"accounts": 2}, coverage=Coverage(accounts_only_in_new=["2"]),
                tables=[table, TableDiff("empty")], findings=drift)
    expected = json.dumps(diff.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert render_json(diff) == expected
    first = change("new_failure", None, "FAIL", "é\n\t\u2028 </b>")
    assert json.loads(expected)["findings"]["new_failure"][0] == first.to_dict()
