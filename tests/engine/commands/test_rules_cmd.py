"""`sounding rules list|show|new|test|lint` through the CLI: output, filters, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sounding.engine.cli import cli
from sounding.engine.rules import builtin_rules_dir

HEADER = ("-- title: {title}\n-- severity: {severity}\n-- section: {section}\n-- scope: account\n"
          "-- description: Written by a test.\n-- remediation: Nothing.\n-- references: https://example.com/\n")
SQL = ("SELECT account_id, 'global' AS region, 'arn:aws:::' || account_id AS resource_id, 'MANUAL' AS status, "
       "'look' AS reason FROM sounding_accounts\n")
CASES = ('[[case]]\nname = "one account"\n[[case.expect]]\nstatus = "{status}"\naccount_id = "111111111111"\n'
         'region = "global"\nresource_id = "arn:aws:::111111111111"\n')


def sounding(*args: str) -> Result:
    """Run the CLI in-process."""
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """Two rules in two sections, each with a passing case file."""
    root = tmp_path / "my-rules"
    for rule_id, section, severity, title in (("alpha_check", 2, "high", "Alpha holds"),
                                              ("beta_check", 14, "low", "Beta holds")):
        folder = root / f"{section:02d}-x"
        folder.mkdir(parents=True)
        (folder / f"{rule_id}.sql").write_text(HEADER.format(title=title, severity=severity, section=section) + SQL)
        (folder / f"{rule_id}.test.toml").write_text(CASES.format(status="MANUAL"))
    return root


def test_list_table_json_csv_and_filters(rules_dir: Path) -> None:
    """Only the --rules directory with --no-builtin; filters by section, severity and id glob."""
    result = sounding("rules", "list", "--no-builtin", "--rules", str(rules_dir))
    assert result.exit_code == 0
    assert result.stdout == ("Rule         Severity  Section  Title\n"
                             "-----------  --------  -------  -----------\n"
                             "alpha_check  high      2        Alpha holds\n"
                             "beta_check   low       14       Beta holds\n")
    as_json = sounding("rules", "list", "--no-builtin", "--rules", str(rules_dir), "--format", "json",
                       "--severity", "low")
    assert json.loads(as_json.stdout) == [{"id": "beta_check", "severity": "low", "section": 14,
                                           "section_name": "Further services", "title": "Beta holds",
                                           "frameworks": []}]
    as_csv = sounding("rules", "list", "--no-builtin", "--rules", str(rules_dir), "--format", "csv",
                      "--section", "2")
    assert as_csv.stdout == ('id,severity,section,section_name,title\n'
                             '"alpha_check","high",2,"Organizations","Alpha holds"\n')
    assert sounding("rules", "list", "--no-builtin", "--rules", str(rules_dir), "--rule", "b*").stdout.count(
        "_check") == 1


def test_list_includes_the_builtin_pack_by_default(rules_dir: Path) -> None:
    """Built-in rules and --rules rules together."""
    ids = [r["id"] for r in json.loads(sounding("rules", "list", "--rules", str(rules_dir), "--format",
                                                "json").stdout)]
    assert {"root_mfa_enabled", "alpha_check", "beta_check"} <= set(ids)


def test_no_builtin_without_rules_is_a_usage_error() -> None:
    """Nothing to list: exit 2 with one line."""
    result = sounding("rules", "list", "--no-builtin")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --rules: no rule directory")


def test_show_prints_metadata_and_sql(rules_dir: Path) -> None:
    """Every header field, then the query."""
    result = sounding("rules", "show", "alpha_check", "--no-builtin", "--rules", str(rules_dir))
    assert result.exit_code == 0
    path = rules_dir / "02-x" / "alpha_check.sql"
    assert result.stdout == (f"id:          alpha_check\nfile:        {path}\ntitle:       Alpha holds\n"
                             "severity:    high\nsection:     2. Organizations\nscope:       account\n"
                             "description: Written by a test.\nremediation: Nothing.\n"
                             "references:  https://example.com/\nframeworks:\n\n" + SQL.rstrip() + "\n")
    missing = sounding("rules", "show", "nope", "--no-builtin", "--rules", str(rules_dir))
    assert (missing.exit_code, missing.stderr) == (2, "error: nope: no rule with this id (see `sounding rules list`)\n")


def test_new_creates_files_and_refuses_an_existing_id(tmp_path: Path) -> None:
    """Prints both paths; a second call with the same id exits 2; so does a built-in id."""
    result = sounding("rules", "new", "gamma_check", "--section", "3", "--dir", str(tmp_path))
    folder = tmp_path / "03-control-tower"
    assert (result.exit_code, result.stdout) == (0, f"{folder / 'gamma_check.sql'}\n"
                                                    f"{folder / 'gamma_check.test.toml'}\n")
    again = sounding("rules", "new", "gamma_check", "--section", "3", "--dir", str(tmp_path))
    assert again.exit_code == 2
    assert again.stderr == f"error: {folder / 'gamma_check.sql'}: rule id 'gamma_check' already exists\n"
    builtin = sounding("rules", "new", "root_mfa_enabled", "--section", "1", "--dir", str(tmp_path))
    assert builtin.exit_code == 2
    assert "rule id 'root_mfa_enabled' already exists" in builtin.stderr


def test_test_reports_each_case_and_a_summary(rules_dir: Path) -> None:
    """PASS lines, the summary line, exit 0."""
    result = sounding("rules", "test", str(rules_dir))
    assert (result.exit_code, result.stdout) == (0, "PASS alpha_check: one account\nPASS beta_check: one account\n"
                                                    "2 passed, 0 failed\n")


def test_test_shows_a_diff_and_exits_1_on_failure(rules_dir: Path) -> None:
    """A wrong expectation: FAIL line, unified diff of expected and actual, exit 1."""
    case_file = rules_dir / "14-x" / "beta_check.test.toml"
    case_file.write_text(CASES.format(status="FAIL"))
    result = sounding("rules", "test", str(case_file))
    assert result.exit_code == 1
    assert result.stdout == (
        "FAIL beta_check: one account\n"
        "    --- expected\n    +++ actual\n    @@ -1 +1 @@\n"
        "    -status=FAIL account_id=111111111111 region=global resource_id=arn:aws:::111111111111\n"
        "    +status=MANUAL account_id=111111111111 region=global resource_id=arn:aws:::111111111111\n"
        "0 passed, 1 failed\n")


def test_test_counts_a_rule_without_cases_as_failed(rules_dir: Path) -> None:
    """A rule with no case file is not tested, so it cannot pass."""
    (rules_dir / "14-x" / "beta_check.test.toml").unlink()
    result = sounding("rules", "test", str(rules_dir / "14-x" / "beta_check.sql"))
    assert result.exit_code == 1
    assert result.stdout == f"FAIL beta_check: no case file {rules_dir / '14-x' / 'beta_check.test.toml'}\n" \
                            "0 passed, 1 failed\n"


def test_test_exits_2_on_an_invalid_case_file(rules_dir: Path) -> None:
    """A case file that is not valid TOML: one error line naming it."""
    case_file = rules_dir / "02-x" / "alpha_check.test.toml"
    case_file.write_text("[[case]\n")
    result = sounding("rules", "test", str(rules_dir))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {case_file}: invalid TOML")


def test_test_defaults_to_the_builtin_pack_and_rules_dirs(rules_dir: Path) -> None:
    """Without paths: the built-in rules and the --rules directories."""
    result = sounding("rules", "test", "--rules", str(rules_dir), "--rule", "alpha_*", "--rule", "root_mfa_enabled")
    assert result.exit_code == 0, result.stdout
    assert "PASS alpha_check: one account\n" in result.stdout
    assert "PASS root_mfa_enabled: " in result.stdout
    assert "beta_check" not in result.stdout
    none = sounding("rules", "test", "--rules", str(rules_dir), "--rule", "zeta_*")
    assert (none.exit_code, none.stderr) == (2, "error: --rule: no rule matches zeta_*\n")


def test_lint_clean_and_with_problems(rules_dir: Path) -> None:
    """Clean: exit 0 and a count on stderr. A bad status: path:line on stdout, exit 1."""
    clean = sounding("rules", "lint", "--no-builtin", "--rules", str(rules_dir))
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "2 rule file(s) checked, 0 problem(s)\n")
    bad = rules_dir / "14-x" / "beta_check.sql"
    bad.write_text(bad.read_text().replace("'MANUAL'", "'UNKNOWN'"))
    result = sounding("rules", "lint", str(bad))
    assert result.exit_code == 1
    assert result.stdout == f"{bad}:8: status 'UNKNOWN' is not one of PASS, FAIL, MANUAL, SKIP, ERROR\n"


def test_lint_checks_ids_against_the_builtin_pack(tmp_path: Path) -> None:
    """A user rule reusing a built-in id is a duplicate."""
    folder = tmp_path / "01-mine"
    folder.mkdir()
    path = folder / "root_mfa_enabled.sql"
    path.write_text(HEADER.format(title="t", severity="low", section=1) + SQL)
    result = sounding("rules", "lint", "--rules", str(tmp_path), str(path))
    assert result.stdout == (f"{path}:1: duplicate rule id 'root_mfa_enabled' "
                             f"(also {builtin_rules_dir() / '01-root-user' / 'root_mfa_enabled.sql'})\n")
