"""Finding drift pairs findings by one merge pass over two report-ordered streams; the same pairs as by-key maps."""

from __future__ import annotations

import random

from sounding.engine.diff.findings import _first_per_key, _merged
from sounding.engine.findings import Finding


def findings(rng: random.Random, count: int) -> list[Finding]:
    """Random findings in report order, duplicates of a key included."""
    made = []
    for _ in range(count):
        rule = rng.choice(["a", "b", "c"])
        made.append(Finding(rule_id=rule, title="t", severity="high", section={"a": 2, "b": 1, "c": 2}[rule],
                            status=rng.choice(["PASS", "FAIL", "ERROR"]), account_id=rng.choice("12"),
                            region=rng.choice(["global", "us-east-1"]), resource_id=rng.choice("xyz"),
                            reason=rng.choice("pq")))
    return sorted(made, key=Finding.sort_key)


def by_key(items: list[Finding]) -> dict[tuple[str, str, str, str], Finding]:
    """The first finding of each key in report order (what the diff compared before it streamed)."""
    keyed: dict[tuple[str, str, str, str], Finding] = {}
    for finding in items:
        keyed.setdefault(finding.key, finding)
    return keyed


def test_merge_pairs_exactly_what_by_key_maps_pair() -> None:
    rng = random.Random(5)
    for _ in range(200):
        old, new = findings(rng, rng.randint(0, 30)), findings(rng, rng.randint(0, 30))
        before, after = by_key(old), by_key(new)
        expected = {k: (before.get(k), after.get(k)) for k in set(before) | set(after)}
        pairs = list(_merged(_first_per_key(iter(old)), _first_per_key(iter(new))))
        assert {(o or n).key: (o, n) for o, n in pairs} == expected
        assert len(pairs) == len(expected)
