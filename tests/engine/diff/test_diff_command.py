"""`sounding diff` on the command line: formats, determinism, the --fail-on-new gate, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sounding.engine.cli import cli

from tests.builders import write_rule
from tests.engine.diff.conftest import Builder

RULE = """SELECT account_id, region, user AS resource_id,
  CASE WHEN mfa_active THEN 'PASS' ELSE 'FAIL' END AS status, 'mfa ' || mfa_active::VARCHAR AS reason
FROM iam_credential_report"""


@pytest.fixture
def pair(build: Builder, tmp_path: Path) -> tuple[Path, Path, Path]:
    """OLD and NEW snapshots and a rule directory: bob loses MFA, the password policy gets longer."""
    write_rule(tmp_path / "rules", "user_mfa", RULE, severity="high")
    old = build("old", {"iam_password_policy": [{"minimum_password_length": 8}],
                        "iam_credential_report": [{"user": "bob", "mfa_active": True}]})
    new = build("new", {"iam_password_policy": [{"minimum_password_length": 14}],
                        "iam_credential_report": [{"user": "bob", "mfa_active": False}]})
    return old, new, tmp_path / "rules"


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, ["diff", "-q", *map(str, args)])


def test_markdown_lists_resource_and_finding_drift(pair: tuple[Path, Path, Path]) -> None:
    old, new, rules = pair
    result = run(old, new, "--no-builtin", "--rules", rules, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "### Sounding diff\n\n"
        "2026-03-01T12:00:00.000000Z → 2026-03-02T12:00:00.000000Z · resources: 0 added, 0 removed, 2 changed"
        " · findings: 1 new failure(s), 0 resolved, 0 status change(s), 0 still failing · same coverage\n\n"
        "#### Resource drift\n\n"
        "| Change | Table/Rule | Account | Region | Key/Resource | Path | Old | New | Reason |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        "| changed | iam_credential_report | 111111111111 | global | user=bob | mfa_active | true | false |  |\n"
        "| changed | iam_credential_report | 111111111111 | global | user=bob | raw.mfa_active | true | false |  |\n"
        "| changed | iam_password_policy | 111111111111 | global |  | minimum_password_length | 8 | 14 |  |\n"
        "| changed | iam_password_policy | 111111111111 | global |  | raw.minimum_password_length | 8 | 14 |  |\n"
        "\n#### Finding drift\n\n"
        "| Change | Severity | Table/Rule | Account | Region | Key/Resource | Old | New | Reason |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        "| new_failure | high | user_mfa | 111111111111 | global | bob | PASS | FAIL | mfa false |\n")


def test_csv_has_one_line_per_change(pair: tuple[Path, Path, Path]) -> None:
    old, new, rules = pair
    result = run(old, new, "--no-builtin", "--rules", rules, "--format", "csv", "--only", "resources",
                 "--table", "iam_password_policy")
    assert result.stdout == (
        "section,change,subject,account_id,region,id,path,old,new,severity,reason\n"
        '"resources","changed","iam_password_policy","111111111111","global","","minimum_password_length","8","14","",""\n'
        '"resources","changed","iam_password_policy","111111111111","global","","raw.minimum_password_length","8","14",'
        '"",""\n')


@pytest.mark.parametrize("output_format", ["table", "json", "csv", "markdown"])
def test_output_is_byte_identical_run_after_run_and_in_a_file(pair: tuple[Path, Path, Path], tmp_path: Path,
                                                              output_format: str) -> None:
    old, new, rules = pair
    args = (old, new, "--no-builtin", "--rules", rules, "--format", output_format)
    first, second = run(*args), run(*args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    target = tmp_path / "out" / f"diff.{output_format}"
    target.parent.mkdir()
    assert run(*args, "--output", target).stdout == ""
    assert target.read_text(encoding="utf-8") == first.stdout


def test_a_snapshot_against_itself_reports_no_change(pair: tuple[Path, Path, Path]) -> None:
    old, _new, rules = pair
    result = run(old, old, "--no-builtin", "--rules", rules, "--fail-on-new", "info")
    assert result.exit_code == 0
    assert result.stdout.endswith("\nNo change.\n")
    summary = json.loads(run(old, old, "--no-builtin", "--rules", rules, "--format", "json").stdout)["summary"]
    assert summary["resources"] == {"added": 0, "removed": 0, "changed": 0, "tables_changed": 0}
    assert (summary["findings"]["new_failure"], summary["findings"]["resolved"],
            summary["findings"]["status_changed"]) == (0, 0, 0)


def test_fail_on_new_gates_on_the_severity_of_new_failures(pair: tuple[Path, Path, Path]) -> None:
    old, new, rules = pair
    base = (old, new, "--no-builtin", "--rules", rules, "--format", "json")
    assert run(*base).exit_code == 0
    assert run(*base, "--fail-on-new", "high").exit_code == 1
    assert run(*base, "--fail-on-new", "medium").exit_code == 1
    assert run(*base, "--fail-on-new", "critical").exit_code == 0
    assert run(new, old, "--no-builtin", "--rules", rules, "--fail-on-new", "info").exit_code == 0


def test_a_snapshot_of_an_unreadable_format_version_is_refused_in_one_line(pair: tuple[Path, Path, Path]) -> None:
    old, new, _rules = pair
    manifest = json.loads((old / "manifest.json").read_text())
    manifest["format_version"] = 0
    (old / "manifest.json").write_text(json.dumps(manifest))
    result = run(old, new)
    assert result.exit_code == 2
    assert result.stderr == f"error: {old / 'manifest.json'}: malformed manifest: format_version must be one of 1, 2\n"
    assert result.stdout == ""


def test_usage_errors_are_one_line_and_exit_2(pair: tuple[Path, Path, Path], tmp_path: Path) -> None:
    old, new, _rules = pair
    cases = {
        ("--table", "nope"): "error: --table: neither snapshot has a table named nope\n",
        ("--only", "resources", "--fail-on-new", "high"):
            "error: --fail-on-new: needs finding drift; it cannot be combined with --only resources\n",
        ("--rule", "nope_*"): "error: --rule: no rule matches nope_*\n",
    }
    for extra, message in cases.items():
        result = run(old, new, *extra)
        assert (result.exit_code, result.stderr) == (2, message)
    missing = tmp_path / "missing"
    result = run(old, missing)
    assert (result.exit_code, result.stderr) == (
        2, f"error: {missing}: not a snapshot directory (it does not exist or is not a directory)\n")


HOSTILE = "eve\x1b[31m\x07\x9b\u202e|`<b>`"


@pytest.fixture
def hostile_pair(build: Builder, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A user whose name carries terminal escapes, a bidi override and Markdown/HTML markup loses MFA."""
    write_rule(tmp_path / "rules", "user_mfa", RULE, severity="high")
    old = build("old", {"iam_credential_report": [{"user": HOSTILE, "mfa_active": True}]})
    new = build("new", {"iam_credential_report": [{"user": HOSTILE, "mfa_active": False}]})
    return old, new, tmp_path / "rules"


def test_table_output_escapes_control_and_bidi_characters(hostile_pair: tuple[Path, Path, Path]) -> None:
    """Reports are data, not terminal commands (issue 14.13): nothing AWS supplies reaches the terminal raw."""
    old, new, rules = hostile_pair
    result = run(old, new, "--no-builtin", "--rules", rules, "--format", "table")
    assert result.exit_code == 0, result.stderr
    assert not any(c in result.stdout for c in "\x1b\x07\x9b\u202e")
    assert "eve\\x1b[31m\\x07\\x9b\\u202e|`<b>`" in result.stdout


def test_markdown_output_escapes_pipes_backticks_and_angle_brackets(hostile_pair: tuple[Path, Path, Path]) -> None:
    """Markdown cells (issue 14.14): a pipe cannot split a cell, backticks cannot open code, no HTML gets through."""
    old, new, rules = hostile_pair
    result = run(old, new, "--no-builtin", "--rules", rules, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| new_failure")]
    assert len(rows) == 1 and rows[0].count(" | ") == 8  # nine cells: the name's pipe did not add one
    assert "<b>" not in result.stdout and "\x1b" not in result.stdout and "\u202e" not in result.stdout
