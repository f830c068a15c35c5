"""The set-based finding merge says exactly what the one-finding-at-a-time merge says."""

from __future__ import annotations

import random

from sounding.engine.diff.finding_merge import merged_changes
from sounding.engine.diff.findings import _first_per_key, _merged, classify
from sounding.engine.diff.model import FindingChange
from sounding.engine.finding_spool import FindingSpool
from sounding.engine.findings import Finding

TEXTS = ["a", "B", "é", "Z", "ß", "日本", "\U0001f600", ""]


def findings(rng: random.Random, count: int) -> list[Finding]:
    """Random findings over few keys: repeated keys, keys on one side only, every status."""
    return [Finding(rule_id=rng.choice(["r1", "r2", "s1"]), title=rng.choice(["t", "u"]),
                    severity=rng.choice(["high", "low"]), section=1 if rng.random() < 0.7 else 2,
                    status=rng.choice(["PASS", "FAIL", "ERROR", "SKIP", "MANUAL"]),
                    account_id=rng.choice(["111111111111", "222222222222"]), region=rng.choice(["global", "eu"]),
                    resource_id=rng.choice(TEXTS), reason=rng.choice(TEXTS))
            for _ in range(count)]


def spooled(given: list[Finding]):
    spool = FindingSpool()
    spool.add(given)
    return spool.finish()


def one_by_one(before: list[Finding], after: list[Finding]) -> list[FindingChange]:
    """The reference: the streaming merge over report-ordered findings, each category sorted."""
    ordered = [sorted(side, key=Finding.sort_key) for side in (before, after)]
    changes = [c for o, n in _merged(_first_per_key(ordered[0]), _first_per_key(ordered[1]))
               if (c := classify(o, n)) is not None]
    return sorted(changes, key=lambda c: (c.category, *c.sort_key()))


def test_random_evaluations_merge_to_the_same_changes() -> None:
    rng = random.Random(29)
    for _ in range(25):
        before, after = findings(rng, rng.randint(0, 400)), findings(rng, rng.randint(0, 400))
        expected = one_by_one(before, after)
        assert merged_changes(spooled(before), spooled(after)) == expected
    assert expected  # the last round found changes of some kind
