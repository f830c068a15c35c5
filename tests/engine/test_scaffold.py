"""`rules new` scaffolding: a complete header, a working query, a passing case file, no clobbering."""

from __future__ import annotations

from pathlib import Path

import pytest
from sounding.engine.casefile import run_case_file
from sounding.engine.errors import InputError
from sounding.engine.lint import lint_paths
from sounding.engine.rules import OPTIONAL_KEYS, REQUIRED_KEYS, builtin_rules_dir, load_rule, parse_header
from sounding.engine.scaffold import scaffold_rule, section_dir_name


def test_section_directory_names() -> None:
    """Two-digit number and the catalog name, as the built-in pack names its folders."""
    assert section_dir_name(1) == "01-root-user"
    assert section_dir_name(8) == "08-identity-center-and-iam-users"
    assert section_dir_name(14) == "14-further-services"


def test_scaffold_writes_a_rule_that_loads_lints_and_passes(tmp_path: Path) -> None:
    """Every header key present, lint clean, and every generated case passes."""
    rule_path, case_file = scaffold_rule("my_check", 14, tmp_path / "rules")
    assert rule_path == tmp_path / "rules" / "14-further-services" / "my_check.sql"
    assert case_file == tmp_path / "rules" / "14-further-services" / "my_check.test.toml"
    header, _ = parse_header(rule_path.read_text(), rule_path)
    assert sorted(header) == sorted(REQUIRED_KEYS + OPTIONAL_KEYS)
    assert "TODO" not in rule_path.read_text() + case_file.read_text()
    rule = load_rule(rule_path)
    assert (rule.id, rule.section, rule.severity) == ("my_check", 14, "medium")
    assert lint_paths([tmp_path / "rules"]) == []
    results = run_case_file(rule)
    assert [(r.case, r.passed) for r in results] == [
        ("every reachable account gets a MANUAL finding", True), ("an unreachable account gets no finding", True)]


def test_scaffold_reuses_an_existing_section_folder(tmp_path: Path) -> None:
    """A folder already numbered for the section is used, whatever its name."""
    (tmp_path / "01-root").mkdir()
    rule_path, _ = scaffold_rule("my_root_check", 1, tmp_path)
    assert rule_path == tmp_path / "01-root" / "my_root_check.sql"


def test_scaffold_refuses_an_existing_id(tmp_path: Path) -> None:
    """An id in the target directory or in another rule directory is refused; nothing is written."""
    scaffold_rule("my_check", 14, tmp_path)
    with pytest.raises(InputError, match="rule id 'my_check' already exists"):
        scaffold_rule("my_check", 2, tmp_path)
    with pytest.raises(InputError, match="rule id 'root_mfa_enabled' already exists"):
        scaffold_rule("root_mfa_enabled", 1, tmp_path, existing=[builtin_rules_dir()])
    assert not (tmp_path / "02-organizations").exists()
    assert not (tmp_path / "01-root-user").exists()


@pytest.mark.parametrize(("rule_id", "section", "problem"), [
    ("My-Check", 1, "lower_snake_case"), ("ok_id", 99, "section 99 is not a catalog section"),
])
def test_scaffold_refuses_bad_ids_and_sections(tmp_path: Path, rule_id: str, section: int, problem: str) -> None:
    """Ids must be valid file names; sections must be in the catalog."""
    with pytest.raises(InputError, match=problem):
        scaffold_rule(rule_id, section, tmp_path)
    assert list(tmp_path.iterdir()) == []
