"""The CLI: help with an example for every command, exit codes, one-line errors, data on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sounding.engine.cli import cli

REPO = Path(__file__).resolve().parents[3]


def all_commands(group: click.Group = cli, prefix: str = "") -> dict[str, click.Command]:
    """Every command and subcommand, by its full name."""
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        full = f"{prefix}{name}"
        found[full] = command
        if isinstance(command, click.Group):
            found.update(all_commands(command, f"{full} "))
    return found


@pytest.mark.parametrize("name", sorted(all_commands()))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output, f"`sounding {name} --help` shows no example"
    assert f"sounding {name}" in result.output


@pytest.mark.parametrize("name", sorted(n for n in all_commands() if " " not in n))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"sounding {name}" in (REPO / "README.md").read_text()


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("sounding, version ")


def test_evaluate_exit_codes_follow_fail_on(small_snapshot: Path) -> None:
    runner = CliRunner()
    failing = runner.invoke(cli, ["evaluate", str(small_snapshot), "-q"])
    assert failing.exit_code == 1
    # The small snapshot lacks most tables: the rules over them are ERROR, which is never green (exit 3).
    assert runner.invoke(cli, ["evaluate", str(small_snapshot), "-q", "--fail-on", "none"]).exit_code == 3
    assert runner.invoke(cli, ["evaluate", str(small_snapshot), "-q", "--fail-on", "none",
                               "--allow-errors"]).exit_code == 0
    # Only medium FAILs (password policy for the second account): --fail-on high passes.
    assert runner.invoke(cli, ["evaluate", str(small_snapshot), "-q", "--rule", "iam_password_policy_*",
                               "--fail-on", "high"]).exit_code == 0


def test_evaluate_json_has_snapshot_summary_and_findings_on_stdout_only(small_snapshot: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", str(small_snapshot), "--format", "json", "--fail-on", "none",
                                      "--rule", "iam_password_policy_exists"])
    document = json.loads(result.stdout)
    assert set(document) >= {"snapshot", "summary", "findings"}
    assert [(f["account_id"], f["status"]) for f in document["findings"]] == [("111111111111", "PASS"),
                                                                              ("222222222222", "FAIL")]
    assert set(document["findings"][0]) >= {"rule_id", "title", "severity", "section", "status", "account_id",
                                             "region", "resource_id", "reason"}
    assert result.stderr == ""  # per-rule progress only with --verbose (or redrawn in place on a terminal)
    verbose = CliRunner().invoke(cli, ["evaluate", str(small_snapshot), "--format", "json", "--fail-on", "none",
                                       "--rule", "iam_password_policy_exists", "--verbose"])
    assert verbose.stderr == "[1/1] iam_password_policy_exists\n"


def test_filters_by_status_section_and_severity(small_snapshot: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", str(small_snapshot), "--format", "csv", "--status", "FAIL",
                                      "--severity", "medium", "--section", "1", "-q", "--fail-on", "none"])
    lines = result.stdout.splitlines()
    assert lines[0].startswith("rule_id,title,severity,section,status")
    assert {line.split(",")[0] for line in lines[1:]} == {'"iam_password_policy_exists"',
                                                          '"iam_password_policy_strong"'}


def test_output_file_is_written_whole(small_snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["evaluate", str(small_snapshot), "--format", "json", "-o", str(out), "-q",
                                      "--fail-on", "none", "--allow-errors"])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["summary"]["findings"] > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("command", ["evaluate", "verify"])
def test_one_flipped_byte_is_exit_2_naming_the_file(command: str, small_snapshot: Path) -> None:
    target = small_snapshot / "tables" / "iam_password_policy.parquet"
    data = bytearray(target.read_bytes())
    data[200] ^= 0x01
    target.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, [command, str(small_snapshot)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {target}: checksum mismatch: the file changed since collection\n"
    assert result.stdout == ""


def test_verify_ok(small_snapshot: Path) -> None:
    result = CliRunner().invoke(cli, ["verify", str(small_snapshot)])
    assert result.exit_code == 0
    assert result.stderr == f"{small_snapshot}: OK (3 tables, 3 files, 0 gap(s))\n"


def test_unknown_rule_filter_is_a_usage_error(small_snapshot: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", str(small_snapshot), "--rule", "nope_*"])
    assert (result.exit_code, result.stderr) == (2, "error: --rule: no rule matches nope_*\n")


def test_every_rule_pattern_must_match(small_snapshot: Path) -> None:
    """A typo beside a correct id is an error naming the typo, not a run that quietly checks less."""
    result = CliRunner().invoke(cli, ["evaluate", str(small_snapshot), "-q", "--rule", "iam_password_policy_*",
                                      "--rule", "root_mfa_enabld"])
    assert (result.exit_code, result.stderr) == (2, "error: --rule: no rule matches root_mfa_enabld\n")


@pytest.mark.parametrize("args", [[], ["rules"]])
def test_a_group_alone_shows_its_help(args: list[str]) -> None:
    """`sounding` or `sounding rules` alone print the help as click does, not an error line."""
    result = CliRunner().invoke(cli, args)
    assert result.output.startswith("Usage: ") and "Commands:" in result.output
    assert "error:" not in result.output
