"""Rule files: sections as data, one header validator shared by the loader and lint."""

from __future__ import annotations

from pathlib import Path

import pytest
from sounding.engine.errors import InputError
from sounding.engine.lint import lint_paths
from sounding.engine.rules import SECTIONS, builtin_rules_dir, header_problems, load_rule, load_sections
from sounding.engine.scaffold import section_dir_name

from tests.builders import write_rule

HEADER = {"title": "t", "severity": "high", "section": "1", "description": "d", "remediation": "r"}


def test_sections_are_read_from_rules_sections_toml() -> None:
    assert load_sections(builtin_rules_dir() / "sections.toml") == SECTIONS
    assert sorted(SECTIONS) == list(range(1, 18))
    assert (SECTIONS[1], SECTIONS[15], SECTIONS[16], SECTIONS[17]) == (
        "Root user", "Storage", "Networking", "Monitoring")


def test_every_built_in_section_folder_is_named_after_its_section() -> None:
    for folder in sorted(p for p in builtin_rules_dir().iterdir() if p.is_dir() and p.name[:2].isdigit()):
        assert folder.name == section_dir_name(int(folder.name[:2]))


@pytest.mark.parametrize(("change", "missing", "problems"), [
    ({}, [], []),
    ({"title": ""}, ["title"], []),
    ({"owner": "me"}, [], [("owner", "unknown header key 'owner' (known: title, severity, section, description, "
                                      "remediation, references, frameworks, scope)")]),
    ({"severity": "urgent"}, [], [("severity", "severity 'urgent' is not one of critical, high, medium, low, info")]),
    ({"section": "one"}, [], [("section", "section 'one' is not a number")]),
    ({"section": "٣"}, [], [("section", "section '٣' is not a number")]),
    ({"section": "99"}, [], [("section", "section '99' is not a catalog section (1-17, rules/sections.toml)")]),
])
def test_header_problems(change: dict[str, str], missing: list[str], problems: list[tuple[str, str]]) -> None:
    assert header_problems({**HEADER, **change}) == (missing, problems)


@pytest.mark.parametrize(("section", "problem"), [
    ("99", "section '99' is not a catalog section (1-17, rules/sections.toml)"),
    ("one", "section 'one' is not a number"),
])
def test_the_loader_and_lint_say_the_same(tmp_path: Path, section: str, problem: str) -> None:
    path = write_rule(tmp_path / "rules", "odd_section", "SELECT 1")
    path.write_text(path.read_text().replace("-- section: 1", f"-- section: {section}"))
    with pytest.raises(InputError) as info:
        load_rule(path)
    assert info.value.problem == problem
    assert problem in [p.message for p in lint_paths([path])]
