"""Every command and option is documented: docs/cli.md is the current --help of each, and the README's
*Command line* section covers what they share (the model is sqlite-utils' test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from sounding.engine.cli import cli
from sounding.engine.commands.reference import render

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO / "docs" / "cli.md"


def all_commands(group: click.Group = cli, prefix: str = "sounding") -> dict[str, click.Command]:
    """Every command and subcommand by its full name, the group itself included."""
    found: dict[str, click.Command] = {prefix: group}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(all_commands(command, f"{prefix} {name}"))
        else:
            found[f"{prefix} {name}"] = command
    return found


def section(name: str) -> str:
    """The part of docs/cli.md about one command."""
    text = REFERENCE.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(name)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"docs/cli.md has no section for `{name}`"
    return match.group(1)


def test_reference_is_current() -> None:
    """docs/cli.md is exactly what the commands' --help says now."""
    assert REFERENCE.read_text(encoding="utf-8") == render(), \
        "docs/cli.md is stale: run `python -m sounding.engine.commands.reference > docs/cli.md`"


@pytest.mark.parametrize(("name", "option"), sorted(
    (name, opt) for name, command in all_commands().items()
    for param in command.params if isinstance(param, click.Option) for opt in param.opts if opt.startswith("--")))
def test_every_option_is_documented(name: str, option: str) -> None:
    """Each long option appears in its command's section, with its help text."""
    text = section(name)
    assert re.search(rf"(^|[\s,]){re.escape(option)}\b", text), f"`{name}` documents no {option}"
    param = next(p for p in all_commands()[name].params if option in getattr(p, "opts", ()))
    assert " ".join((param.help or "").split()[:4]) in " ".join(text.split()), f"{name} {option}: help missing"


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_has_a_section_and_an_example(name: str) -> None:
    assert "Example:" in section(name)


@pytest.mark.parametrize("topic", ["Exit status", "Output files", "The terminal", "Shell completion", "CSV"])
def test_readme_explains_what_the_commands_share(topic: str) -> None:
    """The README's Command line section has a heading for each shared behaviour."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^### {re.escape(topic)}", readme, flags=re.M), f"README.md lacks '### {topic}'"


def test_exit_codes_in_the_readme_match_the_code() -> None:
    """Every exit status the commands use is in the README's table."""
    from sounding.engine.commands import common

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for code in (common.EXIT_FINDINGS, common.EXIT_INPUT, common.EXIT_ERRORS, common.EXIT_INTERRUPTED,
                 common.EXIT_BROKEN_PIPE):
        assert re.search(rf"^\| `{code}` \|", readme, flags=re.M), f"exit status {code} is not documented"
