"""Runs every case file of the built-in rule pack through the same mechanism as `sounding rules test`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sounding.engine.casefile import case_path, load_cases, run_case
from sounding.engine.rules import builtin_rules_dir, load_rules

RULES = load_rules([builtin_rules_dir()])
CASES = [(rule, case) for rule in RULES if case_path(rule.path).is_file()
         for case in load_cases(case_path(rule.path))]


@pytest.mark.parametrize(("rule", "case"), CASES, ids=[f"{r.id}: {c.name}" for r, c in CASES])
def test_rule_case(rule, case, tmp_path: Path) -> None:
    """The rule gives exactly the findings its case expects."""
    result = run_case(rule, case, case_path(rule.path), tmp_path)
    assert result.passed, f"{rule.id} / {case.name}\n{result.diff}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_every_rule_has_pass_fail_and_error_cases(rule) -> None:
    """Each rule is shown to pass, to fail, and to say ERROR when its data is missing."""
    path = case_path(rule.path)
    assert path.is_file(), f"{rule.id} has no case file {path.name}"
    statuses = {e["status"] for case in load_cases(path) for e in case.expect}
    # Every outcome the rule can give is shown (a rule the catalog never lets FAIL shows MANUAL instead), and ERROR.
    outcomes = {s for s in ("PASS", "FAIL", "MANUAL") if f"'{s}'" in rule.sql}
    assert outcomes, f"{rule.id} never returns PASS, FAIL or MANUAL"
    assert outcomes | {"ERROR"} <= statuses, f"{rule.id} cases cover only {sorted(statuses)}, not {sorted(outcomes)}"
