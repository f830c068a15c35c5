"""`rules lint` checks: one small bad rule per defect, each reported as path:line: problem."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sounding.engine.errors import InputError
from sounding.engine.lint import Binder, Problem, lint_paths
from sounding.engine.rules import builtin_rules_dir

HEADER = """\
-- title: A rule written by a lint test
-- severity: high
-- section: 1
-- scope: account
-- description: Why it matters.
-- remediation: What to do.
-- references: https://docs.aws.amazon.com/
"""
GOOD_SQL = """\
SELECT
    a.account_id,
    'global' AS region,
    'arn:' || s.partition || ':::' || a.account_id AS resource_id,
    CASE WHEN sm.account_mfa_enabled = 1 THEN 'PASS' ELSE 'FAIL' END AS status,
    'reason' AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN iam_account_summary AS sm ON sm.account_id = a.account_id
"""
BODY = HEADER.count("\n") + 1  # the line where the SQL starts
Lint = Callable[..., list[str]]


@pytest.fixture(scope="module")
def binder() -> Iterator[Binder]:
    """One empty snapshot of the declared tables for every test of this module."""
    shared = Binder()
    yield shared
    shared.close()


@pytest.fixture
def lint(binder: Binder) -> Lint:
    """A helper that writes one rule file and returns its problems as text."""
    def run(tmp: Path, text: str, name: str = "lint_rule", folder: str = "01-root-user") -> list[str]:
        path = tmp / "rules" / folder / f"{name}.sql"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return [str(p) for p in lint_paths([tmp / "rules"], binder=binder)]
    return run


def at(tmp_path: Path, line: int, problem: str, name: str = "lint_rule", folder: str = "01-root-user") -> str:
    """The expected `path:line: problem` text."""
    return str(Problem(str(tmp_path / "rules" / folder / f"{name}.sql"), line, problem))


def test_a_complete_rule_is_clean(tmp_path: Path, lint: Lint) -> None:
    """No problem for a rule that follows every convention."""
    assert lint(tmp_path, HEADER + GOOD_SQL) == []


def test_the_builtin_pack_lints_clean(binder: Binder) -> None:
    """Every shipped rule passes lint."""
    assert [str(p) for p in lint_paths([builtin_rules_dir()], binder=binder)] == []


def test_header_missing_key(tmp_path: Path, lint: Lint) -> None:
    """A header without remediation (and references) names each missing key."""
    text = HEADER.replace("-- remediation: What to do.\n", "").replace("-- references: https://docs.aws.amazon.com/\n",
                                                                       "")
    assert lint(tmp_path, text + GOOD_SQL) == [
        at(tmp_path, 1, "header lacks references (write '-- references: ...' at the top)"),
        at(tmp_path, 1, "header lacks remediation (write '-- remediation: ...' at the top)"),
    ]


def test_header_invalid_severity_and_unknown_key(tmp_path: Path, lint: Lint) -> None:
    """Each bad header line is named by its own line number."""
    text = HEADER.replace("severity: high", "severity: urgent") + "-- owner: me\n"
    assert lint(tmp_path, text + GOOD_SQL) == [
        at(tmp_path, 2, "severity 'urgent' is not one of critical, high, medium, low, info"),
        at(tmp_path, 8, "unknown header key 'owner' (known: title, severity, section, description, remediation, "
                        "references, frameworks, scope)"),
    ]


def test_header_section_outside_catalog_and_wrong_directory(tmp_path: Path, lint: Lint) -> None:
    """Section 99 is not in the catalog; section 2 in 01-root-user is in the wrong place."""
    assert lint(tmp_path, HEADER.replace("section: 1", "section: 99") + GOOD_SQL) == [
        at(tmp_path, 3, "section '99' is not a catalog section (1-17)")]
    assert lint(tmp_path, HEADER.replace("section: 1", "section: 2") + GOOD_SQL) == [
        at(tmp_path, 3, "section 2 does not match the directory 01-root-user")]


def test_file_name_is_not_a_valid_id(tmp_path: Path, lint: Lint) -> None:
    """The id is the file name, so it must be lower_snake_case."""
    assert lint(tmp_path, HEADER + GOOD_SQL, name="Bad-Rule") == [
        at(tmp_path, 1, "rule id 'Bad-Rule' (the file name) must be lower_snake_case, 3-80 characters",
           name="Bad-Rule")]


def test_duplicate_id_across_directories(tmp_path: Path, binder: Binder) -> None:
    """Two directories holding the same id: the file linted names the other one."""
    other = tmp_path / "other" / "root_mfa_enabled.sql"
    other.parent.mkdir()
    other.write_text(HEADER + GOOD_SQL)
    problems = [str(p) for p in lint_paths([other.parent], also_known=[builtin_rules_dir()], binder=binder)]
    assert problems == [f"{other}:1: duplicate rule id 'root_mfa_enabled' "
                        f"(also {builtin_rules_dir() / '01-root-user' / 'root_mfa_enabled.sql'})"]


def test_two_statements(tmp_path: Path, lint: Lint) -> None:
    """A rule is exactly one statement."""
    assert lint(tmp_path, HEADER + GOOD_SQL + ";\nSELECT 1;\n") == [
        at(tmp_path, BODY, "a rule must be exactly one SELECT statement; found 2 statements")]


def test_syntax_error(tmp_path: Path, lint: Lint) -> None:
    """A parse error points at the line the parser stopped on."""
    sql = GOOD_SQL.replace("FROM sounding_accounts AS a", "FORM sounding_accounts AS a")
    assert lint(tmp_path, HEADER + sql) == [
        at(tmp_path, BODY + 6, 'SQL does not parse: Parser Error: syntax error at or near "FORM"')]


def test_not_a_select(tmp_path: Path, lint: Lint) -> None:
    """Anything but SELECT is refused."""
    assert lint(tmp_path, HEADER + "CREATE TABLE t AS SELECT 1\n") == [
        at(tmp_path, BODY, "only SELECT is allowed; found CREATE")]


def test_unknown_table(tmp_path: Path, lint: Lint) -> None:
    """A table no declaration provides, at the line that names it."""
    sql = GOOD_SQL.replace("LEFT JOIN iam_account_summary", "LEFT JOIN iam_account_summry")
    problems = lint(tmp_path, HEADER + sql)
    assert problems == [at(tmp_path, BODY + 8, "Catalog Error: Table with name iam_account_summry does not exist!")]


def test_unknown_column(tmp_path: Path, lint: Lint) -> None:
    """A column the table does not declare, at its line."""
    sql = GOOD_SQL.replace("sm.account_mfa_enabled", "sm.mfa_enabled")
    assert lint(tmp_path, HEADER + sql) == [
        at(tmp_path, BODY + 4, 'Binder Error: Values list "sm" does not have a column named "mfa_enabled"')]


def test_missing_output_column(tmp_path: Path, lint: Lint) -> None:
    """Every required output column must be there."""
    sql = GOOD_SQL.replace(",\n    'reason' AS reason", "")
    assert lint(tmp_path, HEADER + sql) == [
        at(tmp_path, BODY, "output lacks column reason (a rule returns status, resource_id, account_id, region, "
                           "reason)")]


def test_output_column_of_the_wrong_type(tmp_path: Path, lint: Lint) -> None:
    """resource_id as a number is refused: the required columns are VARCHAR."""
    sql = GOOD_SQL.replace("'arn:' || s.partition || ':::' || a.account_id AS resource_id", "42 AS resource_id")
    assert lint(tmp_path, HEADER + sql) == [
        at(tmp_path, BODY, "output column resource_id is INTEGER; it must be VARCHAR (cast it: ::VARCHAR)")]


def test_invalid_status_literal_returned(tmp_path: Path, lint: Lint) -> None:
    """'FAILED' returned as status is not a status."""
    sql = GOOD_SQL.replace("ELSE 'FAIL'", "ELSE\n        'FAILED'")
    assert lint(tmp_path, HEADER + sql) == [
        at(tmp_path, BODY + 5, "status 'FAILED' is not one of PASS, FAIL, MANUAL, SKIP, ERROR")]


def test_invalid_status_literal_compared(tmp_path: Path, lint: Lint) -> None:
    """A CTE's status compared with 'OK' is caught; a collected table's own status column is not."""
    sql = ("WITH checks AS (\n" + GOOD_SQL + ")\nSELECT * FROM checks\nWHERE status <> 'OK'\n"
           "AND account_id NOT IN (SELECT o.account_id FROM organizations_accounts AS o\n"
           "WHERE o.status = 'SUSPENDED')\n")
    assert lint(tmp_path, HEADER + sql) == [
        at(tmp_path, BODY + 12, "status 'OK' is not one of PASS, FAIL, MANUAL, SKIP, ERROR")]


def test_forbidden_function(tmp_path: Path, lint: Lint) -> None:
    """now() makes results depend on the wall clock."""
    sql = GOOD_SQL.replace("'reason' AS reason", "'checked at ' || now()::VARCHAR AS reason")
    assert lint(tmp_path, HEADER + sql) == [at(tmp_path, BODY + 5, "function now() is not allowed in a rule")]


def test_file_given_directly(tmp_path: Path, lint: Lint) -> None:
    """A single .sql file may be linted; anything else is refused."""
    lint(tmp_path, HEADER + GOOD_SQL)
    assert lint_paths([tmp_path / "rules" / "01-root-user" / "lint_rule.sql"]) == []
    with pytest.raises(InputError, match="not a rule file"):
        lint_paths([tmp_path / "rules" / "01-root-user" / "lint_rule.test.toml"])
