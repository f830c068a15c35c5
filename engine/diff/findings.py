"""Finding drift: both snapshots evaluated with the same rules, findings matched by rule and resource."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from sounding.engine.diff.finding_merge import merged_changes
from sounding.engine.diff.model import (
    NEW_FAILURE,
    RESOLVED,
    STATUS_CHANGED,
    STILL_FAILING,
    FindingChange,
    FindingDrift,
)
from sounding.engine.evaluate import evaluate, tables_read
from sounding.engine.findings import Finding
from sounding.engine.rules import Rule
from sounding.engine.sandbox import RuleRefused, check_sql
from sounding.engine.snapshot import Snapshot

FAIL = "FAIL"


def diff_findings(old: Snapshot, new: Snapshot, rules: Sequence[Rule], *,
                  progress: Callable[[str], None] | None = None) -> FindingDrift:
    """Evaluate both snapshots and classify every finding whose status is FAIL or moved."""
    drift = FindingDrift(rules=len(rules))
    skipped = rules_not_compared(old, new, rules)
    drift.rules_not_compared = [skipped[r] for r in sorted(skipped)]
    compared = [r for r in rules if r.id not in skipped]
    if progress:
        progress("evaluate OLD")
    before = evaluate(old, compared, progress=progress).findings
    if progress:
        progress("evaluate NEW")
    after = evaluate(new, compared, progress=progress).findings
    if hasattr(before, "batches") and hasattr(after, "batches"):  # spooled: one join, objects only for changes
        for change in merged_changes(before, after):
            drift.changes[change.category].append(change)
        return drift
    # Both streams are in report order, which orders finding keys the same way on both sides (the
    # same rules, so the same sections): one merge pass, no finding held beyond the current pair.
    for old_finding, new_finding in _merged(_first_per_key(before), _first_per_key(after)):
        change = classify(old_finding, new_finding)
        if change is not None:
            drift.changes[change.category].append(change)
    for changes in drift.changes.values():
        changes.sort(key=FindingChange.sort_key)
    return drift


def classify(old: Finding | None, new: Finding | None) -> FindingChange | None:
    """The drift category of one finding key; None when nothing moved and it does not fail."""
    old_status = old.status if old else None
    new_status = new.status if new else None
    if new_status == FAIL and old_status != FAIL:
        category = NEW_FAILURE
    elif old_status == FAIL and new_status in (None, "PASS"):
        category = RESOLVED
    elif old_status == FAIL and new_status == FAIL:
        category = STILL_FAILING
    elif old_status != new_status:
        category = STATUS_CHANGED
    else:
        return None
    finding = new or old
    assert finding is not None
    return FindingChange(category=category, rule_id=finding.rule_id, title=finding.title,
                         severity=finding.severity, account_id=finding.account_id, region=finding.region,
                         resource_id=finding.resource_id, old_status=old_status, new_status=new_status,
                         reason=finding.reason)


def rules_not_compared(old: Snapshot, new: Snapshot, rules: Sequence[Rule]) -> dict[str, dict[str, str]]:
    """Rules reading a table only one snapshot collected: their findings would differ for that alone."""
    only_old = set(old.tables) - set(new.tables)
    only_new = set(new.tables) - set(old.tables)
    result = {}
    for rule in rules:
        try:
            checked = check_sql(rule.sql)
            read = tables_read(checked.tables | checked.functions)
        except RuleRefused:
            continue
        one_sided = sorted(read & (only_old | only_new))
        if one_sided:
            table = one_sided[0]
            side = "OLD" if table in only_old else "NEW"
            result[rule.id] = {"rule_id": rule.id, "reason": f"table {table} was collected only in {side}"}
    return result


MergeKey = tuple[int, str, str, str, str]


def _first_per_key(findings: Iterable[Finding]) -> Iterator[tuple[MergeKey, Finding]]:
    """Findings in report order, the first of each (rule, account, region, resource) only."""
    last: MergeKey | None = None
    for finding in findings:
        # (section, *Finding.key), spelled out: this runs for every finding of both evaluations.
        key = (finding.section, finding.rule_id, finding.account_id, finding.region, finding.resource_id)
        if key != last:
            yield key, finding
            last = key


def _merged(old: Iterator[tuple[MergeKey, Finding]], new: Iterator[tuple[MergeKey, Finding]],
            ) -> Iterator[tuple[Finding | None, Finding | None]]:
    """Pairs of the same key from two key-ordered streams; None where one side lacks the key."""
    a, b = next(old, None), next(new, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            assert a is not None
            yield a[1], None
            a = next(old, None)
        elif a is None or b[0] < a[0]:
            yield None, b[1]
            b = next(new, None)
        else:
            yield a[1], b[1]
            a, b = next(old, None), next(new, None)
