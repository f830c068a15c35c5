"""Every known way out of the sandbox is refused, with a message naming the rule file; the run goes on."""

from __future__ import annotations

from pathlib import Path

import pytest
from sounding.engine.evaluate import evaluate
from sounding.engine.rules import load_rule
from sounding.engine.snapshot import open_snapshot
from sounding.engine.sql_policy import RuleRefused, check_sql

from tests.builders import write_rule

OK = "SELECT 'PASS' AS status, 'r' AS resource_id, '111111111111' AS account_id, 'global' AS region, 'ok' AS reason"

# Each escape route, and a part of the reason it is refused with.
ESCAPES = {
    "read_csv_passwd": ("SELECT * FROM read_csv('/etc/passwd')", "read_csv() is not allowed"),
    "read_text": ("SELECT content AS status FROM read_text('/etc/hostname')", "read_text() is not allowed"),
    "read_parquet_outside": ("SELECT * FROM read_parquet('/tmp/*.parquet')", "read_parquet() is not allowed"),
    "glob": ("SELECT file AS status FROM glob('/etc/*')", "glob() is not allowed"),
    "bare_file_path": ("SELECT * FROM '/etc/passwd'", "reads table /etc/passwd, which no declaration provides"),
    "copy_to": ("COPY (SELECT 1) TO '/tmp/sounding-escape.csv'", "only SELECT is allowed; found COPY"),
    "export_database": ("EXPORT DATABASE '/tmp/sounding-export'", "only SELECT is allowed; found EXPORT"),
    "attach": ("ATTACH '/tmp/sounding.db'", "only SELECT is allowed; found ATTACH"),
    "install": ("INSTALL httpfs", "only SELECT is allowed; found LOAD"),
    "load": ("LOAD httpfs", "only SELECT is allowed; found LOAD"),
    "set": ("SET memory_limit = '100GB'", "only SELECT is allowed; found SET"),
    "pragma": ("PRAGMA enable_external_access", "only SELECT is allowed"),
    "call": ("CALL pragma_version()", "only SELECT is allowed; found CALL"),
    "getenv": ("SELECT getenv('AWS_SECRET_ACCESS_KEY') AS status", "getenv() is not allowed"),
    "current_setting": ("SELECT current_setting('home_directory') AS status", "current_setting() is not allowed"),
    "duckdb_secrets": ("SELECT * FROM duckdb_secrets()", "duckdb_secrets() is not allowed"),
    "duckdb_settings": ("SELECT * FROM duckdb_settings()", "duckdb_settings() is not allowed"),
    "query_string": ("SELECT * FROM query('SELECT 1')", "query() is not allowed"),
    "two_statements": (OK + "; " + OK, "exactly one statement; found 2"),
    "create": ("CREATE TABLE x AS SELECT 1", "only SELECT is allowed; found CREATE"),
    "insert": ("INSERT INTO sounding_gaps VALUES (1)", "only SELECT is allowed; found INSERT"),
    "now": ("SELECT now()::VARCHAR AS status", "now() is not allowed: it is not deterministic"),
    "random": ("SELECT random()::VARCHAR AS status", "random() is not allowed"),
    "syntax_error": ("SELEC 1", "SQL does not parse"),
    "http": ("SELECT * FROM 'https://example.com/x.csv'", "which no declaration provides"),
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_is_refused_and_the_run_goes_on(name: str, small_snapshot: Path, tmp_path: Path) -> None:
    sql, expected = ESCAPES[name]
    rules_dir = tmp_path / "rules"
    hostile = load_rule(write_rule(rules_dir, f"hostile_{name}", sql))
    fine = load_rule(write_rule(rules_dir, "zz_fine_rule", OK))
    findings = evaluate(open_snapshot(small_snapshot), [hostile, fine]).findings
    by_rule = {f.rule_id: f for f in findings}
    assert by_rule[hostile.id].status == "ERROR"
    assert expected in by_rule[hostile.id].reason
    assert by_rule[hostile.id].reason.endswith(f"(hostile_{name}.sql)")
    assert (by_rule["zz_fine_rule"].status, by_rule["zz_fine_rule"].reason) == ("PASS", "ok")


def test_nothing_is_written_by_refused_rules() -> None:
    assert not Path("/tmp/sounding-escape.csv").exists()
    assert not Path("/tmp/sounding-export").exists()


def test_settings_cannot_be_changed_for_the_next_rule(small_snapshot: Path, tmp_path: Path) -> None:
    first = load_rule(write_rule(tmp_path, "aa_set", "SELECT * FROM (SET threads = 1)"))
    second = load_rule(write_rule(tmp_path, "bb_read", OK))
    findings = evaluate(open_snapshot(small_snapshot), [first, second]).findings
    assert [f.status for f in findings] == ["ERROR", "PASS"]


def test_check_sql_reports_tables_without_ctes() -> None:
    checked = check_sql("WITH x AS (SELECT * FROM iam_users) SELECT * FROM x JOIN regions USING (account_id);")
    assert checked.tables == {"iam_users", "regions"}
    assert checked.query.endswith("USING (account_id)")


def test_check_sql_finds_functions_in_subqueries() -> None:
    with pytest.raises(RuleRefused, match="getenv"):
        check_sql("SELECT 1 WHERE 1 IN (SELECT length(getenv('HOME')))")


def _engine_imports() -> dict[str, set[str]]:
    """Every engine and collector module and the Sounding modules it imports (at the top or inside a function)."""
    import ast

    repo = Path(__file__).resolve().parents[2]
    modules: dict[str, set[str]] = {}
    for top in ("engine", "collector"):
        for path in (repo / top).rglob("*.py"):
            parts = [p for p in path.relative_to(repo / top).with_suffix("").parts if p != "__init__"]
            name = ".".join(["sounding", top, *parts])
            found = set()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sounding."):
                    found.add(str(node.module))
                elif isinstance(node, ast.Import):
                    found.update(a.name for a in node.names if a.name.startswith("sounding."))
            modules[name] = found - {name}  # a package importing its own submodules is no cycle
    return modules


def test_no_import_cycle_in_the_engine() -> None:
    """sql_policy <- sql_library <- connection <- rule_process <- sandbox: nothing imports back (12.3)."""
    modules = _engine_imports()
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for dep in sorted(modules.get(name, ())):
            if dep in modules and state.get(dep) == "open":
                cycles.append([*path[path.index(dep):], dep] if dep in path else [name, dep])
            elif dep in modules and dep not in state:
                visit(dep, [*path, dep])
        state[name] = "done"

    for name in sorted(modules):
        if name not in state:
            visit(name, [name])
    assert cycles == []
    assert "sounding.engine.sandbox" not in modules["sounding.engine.rule_process"]
    assert not modules["sounding.engine.sql_policy"] & {"sounding.engine.sandbox", "sounding.engine.connection"}


def test_sql_nested_too_deeply_to_check_is_refused_not_a_traceback() -> None:
    with pytest.raises(RuleRefused, match="SQL is nested too deeply to check"):
        check_sql("SELECT " + "coalesce(" * 900 + "1" + ")" * 900)
    with pytest.raises(RuleRefused, match="does not parse"):
        check_sql("SELECT " + "(" * 5000 + "1" + ")" * 5000)


def test_a_worker_released_with_a_query_in_flight_never_answers_the_next_query(small_snapshot: Path) -> None:
    """Evaluation submits the next rule before spooling the last: an interrupt between the two must not leave
    the shared worker's stale answer to be read as the answer to another query."""
    from sounding.collector.tables import ALL_TABLES
    from sounding.engine.rule_output import RuleCap
    from sounding.engine.sandbox import Sandbox

    snapshot = open_snapshot(small_snapshot)
    cap = RuleCap(100, None)
    first = Sandbox(snapshot, ALL_TABLES)
    first.submit_rule(OK.replace("'ok' AS reason", "'stale' AS reason"), timeout=30, cap=cap)
    first.close()  # released busy: the worker is stopped, not reused
    second = Sandbox(snapshot, ALL_TABLES)
    try:
        second.submit_rule(OK, timeout=30, cap=cap)
        assert second.collect_rule()["reason"].to_pylist() == ["ok"]
    finally:
        second.close()
