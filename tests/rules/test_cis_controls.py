"""The CIS AWS Foundations Benchmark is covered: every v5.0.0 and v3.0.0 control has a rule, every mapping is real."""

from __future__ import annotations

import re

import pytest
from sounding.engine import rules_doc
from sounding.engine.rules import builtin_rules_dir, load_rules

RULES = load_rules([builtin_rules_dir()])
CONTROLS = rules_doc.load_cis_controls()
FRAMEWORK_IDS = {"cis-5.0", "cis-3.0", "fsbp", "nist-800-53-r5"}
ENTRY = re.compile(r"^(?P<framework>[a-z0-9.\-]+):(?P<control>\S+)$")


@pytest.mark.parametrize("framework", sorted(rules_doc.CIS_VERSIONS))
def test_every_automated_control_has_a_rule(framework: str) -> None:
    """The benchmark's automated controls are each implemented by at least one rule."""
    mapped = rules_doc.rules_by_control(RULES, framework)
    missing = [c["id"] for c in CONTROLS[framework] if c["assessment"] == "automated" and c["id"] not in mapped]
    assert missing == []


@pytest.mark.parametrize("framework", sorted(rules_doc.CIS_VERSIONS))
def test_every_manual_control_has_a_rule_that_says_what_to_check(framework: str) -> None:
    """Manual controls are findings too (MANUAL, with the remediation), never silently absent."""
    mapped = rules_doc.rules_by_control(RULES, framework)
    assert [c["id"] for c in CONTROLS[framework] if c["id"] not in mapped] == []


@pytest.mark.parametrize("framework", sorted(rules_doc.CIS_VERSIONS))
def test_rule_headers_name_only_listed_controls(framework: str) -> None:
    """A header that names a control the benchmark does not have is a typo, not a mapping."""
    listed = {c["id"] for c in CONTROLS[framework]}
    assert sorted(set(rules_doc.rules_by_control(RULES, framework)) - listed) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_framework_entries_are_framework_id_colon_control(rule: object) -> None:
    """Headers use the agreed form `framework-id:control`, with a known framework id."""
    for entry in rule.frameworks:  # type: ignore[attr-defined]
        match = ENTRY.match(entry)
        assert match and match["framework"] in FRAMEWORK_IDS, entry


def test_control_lists_are_the_published_shape() -> None:
    """62 recommendations in v3.0.0 and 63 in v5.0.0; ids unique; assessment is automated or manual."""
    assert {k: len(v) for k, v in CONTROLS.items()} == {"cis-5.0": 63, "cis-3.0": 62}
    for controls in CONTROLS.values():
        assert len({c["id"] for c in controls}) == len(controls)
        assert {c["assessment"] for c in controls} == {"automated", "manual"}


def test_docs_tables_list_every_control() -> None:
    """docs/rules.md has one row per control under each version's heading."""
    text = rules_doc.cis_tables(RULES, CONTROLS)
    for framework, heading in rules_doc.CIS_VERSIONS.items():
        assert f"## {heading} control → rule id(s)" in text
        section = text.split(f"## {heading} control")[1].split("\n## ")[0]
        assert [row.split(" | ")[0].lstrip("| ") for row in section.splitlines() if re.match(r"^\| \d", row)] == [
            c["id"] for c in CONTROLS[framework]]
