"""Bad input through the real CLI: one line on stderr naming the file, exit 2, no traceback, nothing written.

Damage is done by code to snapshots built by code. Rule defects are of two kinds: a file that
cannot be read as a rule (bad header, duplicate id, binary or non-UTF-8 content) stops the run
with exit 2; a rule whose SQL is refused or whose output is invalid becomes an ERROR finding and
the run goes on.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sounding.collector.contract import sha256_file

from tests.builders import write_rule
from tests.hardening.helpers import sounding

POLICY = "tables/iam_password_policy.parquet"
OK = "SELECT 'PASS' AS status, 'r' AS resource_id, '111111111111' AS account_id, 'global' AS region, 'ok' AS reason"


def edit_manifest(snap: Path, change: Callable[[dict], None]) -> None:
    manifest = json.loads((snap / "manifest.json").read_text())
    change(manifest)
    (snap / "manifest.json").write_text(json.dumps(manifest))


def vouch_for(snap: Path, rel: str) -> None:
    """Make the manifest's checksum agree with a file changed after collection (a forged manifest)."""
    digest = sha256_file(snap / rel)
    table = rel.split("/")[1].removesuffix(".parquet")
    edit_manifest(snap, lambda m: m["tables"][table]["files"][0].update(sha256=digest))


def damage(kind: str, snap: Path) -> tuple[Path, str]:
    """Apply one kind of damage; return the path the error line must name and part of its problem."""
    manifest, policy = snap / "manifest.json", snap / POLICY
    if kind == "truncated_parquet":
        policy.write_bytes(policy.read_bytes()[:-30])
        return policy, "checksum mismatch: the file changed since collection"
    if kind == "truncated_parquet_vouched":
        policy.write_bytes(policy.read_bytes()[:-30])
        vouch_for(snap, POLICY)
        return policy, "not a readable Parquet file"
    if kind == "corrupt_parquet":
        data = bytearray(policy.read_bytes())
        data[len(data) // 2] ^= 0xFF
        policy.write_bytes(bytes(data))
        return policy, "checksum mismatch"
    if kind == "zeroed_footer_vouched":
        data = policy.read_bytes()
        policy.write_bytes(data[:-8] + b"\0" * 8)
        vouch_for(snap, POLICY)
        return policy, "not a readable Parquet file"
    if kind == "schema_disagrees":
        pq.write_table(pa.table({"account_id": ["111111111111"], "region": ["global"], "x": [1]}), policy)
        vouch_for(snap, POLICY)
        return policy, "schema does not match the declaration of table iam_password_policy"
    if kind == "column_type_disagrees":
        table = pq.read_table(policy)
        index = table.schema.get_field_index("minimum_password_length")
        table = table.set_column(index, "minimum_password_length", pa.array(["14"] * table.num_rows))
        pq.write_table(table, policy)
        vouch_for(snap, POLICY)
        return policy, "schema does not match the declaration of table iam_password_policy"
    if kind == "missing_manifest":
        manifest.unlink()
        return manifest, "missing: this is not a complete Sounding snapshot"
    if kind == "empty_manifest":
        manifest.write_text("")
        return manifest, "empty manifest"
    if kind == "malformed_manifest":
        manifest.write_text('{"format": "sounding-snapshot", ')
        return manifest, "malformed JSON at line 1"
    if kind == "manifest_is_a_list":
        manifest.write_text("[]")
        return manifest, "malformed manifest: expected a JSON object"
    if kind == "newer_version":
        edit_manifest(snap, lambda m: m.update(format_version=3))
        return manifest, "snapshot format version 3 is newer than this Sounding reads (2); upgrade Sounding"
    if kind == "tables_not_an_object":
        edit_manifest(snap, lambda m: m.update(tables=[]))
        return manifest, "tables must be object, not array"
    if kind == "file_entry_without_checksum":
        edit_manifest(snap, lambda m: m["tables"]["regions"]["files"][0].pop("sha256"))
        return manifest, "tables.regions.files[0] lacks sha256"
    if kind == "listed_file_missing":
        policy.unlink()
        return policy, "missing file listed in the manifest"
    if kind == "path_escapes":
        edit_manifest(snap, lambda m: m["tables"]["regions"]["files"][0].update(path="../outside.parquet"))
        return manifest, "tables.regions.files[0].path has an invalid value"
    if kind == "not_a_snapshot_file":
        shutil.rmtree(snap)
        snap.write_text("hello")
        return snap, "not a snapshot directory"
    if kind == "not_a_snapshot_dir":
        shutil.rmtree(snap)
        snap.mkdir()
        (snap / "notes.txt").write_text("hello")
        return snap / "manifest.json", "missing: this is not a complete Sounding snapshot"
    if kind == "does_not_exist":
        shutil.rmtree(snap)
        return snap, "not a snapshot directory (it does not exist or is not a directory)"
    raise AssertionError(kind)


SNAPSHOT_DAMAGE = ["truncated_parquet", "truncated_parquet_vouched", "corrupt_parquet", "zeroed_footer_vouched",
                   "schema_disagrees", "column_type_disagrees", "missing_manifest", "empty_manifest",
                   "malformed_manifest", "manifest_is_a_list", "newer_version", "tables_not_an_object",
                   "file_entry_without_checksum", "listed_file_missing", "path_escapes", "not_a_snapshot_file",
                   "not_a_snapshot_dir", "does_not_exist"]


def assert_one_line_exit_2(result, path: Path | str, problem: str) -> None:
    """Exit 2 and exactly one stderr line: 'error: <path>: <problem...>'."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert problem in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["evaluate", "verify"])
@pytest.mark.parametrize("kind", SNAPSHOT_DAMAGE)
def test_damaged_snapshot_is_one_line_and_exit_2(kind: str, command: str, snapshot: Path, tmp_path: Path) -> None:
    path, problem = damage(kind, snapshot)
    report = tmp_path / "report.json"
    args = [command, str(snapshot)] + (["-q", "--format", "json", "-o", str(report)] if command == "evaluate" else [])
    assert_one_line_exit_2(sounding(*args), path, problem)
    assert not report.exists()


def test_verify_reports_a_file_the_manifest_does_not_list(snapshot: Path) -> None:
    stray = snapshot / "tables" / "extra.parquet"
    shutil.copy(snapshot / POLICY, stray)
    assert_one_line_exit_2(sounding("verify", str(snapshot)), stray, "not listed in the manifest (1 such file(s))")


def test_verify_reports_a_symlink_placed_in_the_snapshot(snapshot: Path) -> None:
    link = snapshot / "tables" / "passwd.parquet"
    link.symlink_to("/etc/passwd")
    assert_one_line_exit_2(sounding("verify", str(snapshot)), link, "not listed in the manifest")


def test_a_snapshot_missing_tables_still_evaluates_and_rules_over_them_say_error(snapshot: Path,
                                                                                 tmp_path: Path) -> None:
    def drop(manifest: dict) -> None:
        del manifest["tables"]["iam_password_policy"]

    edit_manifest(snapshot, drop)
    (snapshot / "tables" / "iam_password_policy.parquet").unlink()
    result = sounding("evaluate", str(snapshot), "--rule", "iam_password_policy_exists", "--rule",
                      "root_mfa_enabled", "--format", "json", "-q")
    assert result.returncode in (1, 3), result.stderr  # a FAIL (1) or else the ERRORs (3): never green
    findings = {(f["rule_id"], f["account_id"], f["status"]) for f in json.loads(result.stdout)["findings"]}
    assert {f for f in findings if f[0] == "iam_password_policy_exists"} == {
        ("iam_password_policy_exists", "111111111111", "ERROR"),
        ("iam_password_policy_exists", "222222222222", "ERROR")}
    assert {f[2] for f in findings if f[0] == "root_mfa_enabled"} <= {"PASS", "FAIL"}


# Rule files that cannot be read as rules: the run stops, naming the file.
UNREADABLE_RULES = {
    "no_header": (b"SELECT 1\n", "header lacks title, severity, section, description, remediation"),
    "bad_severity": (b"-- title: t\n-- severity: extreme\n-- section: 1\n-- description: d\n-- remediation: r\n"
                     b"SELECT 1\n", "severity 'extreme' is not one of critical, high, medium, low, info"),
    "section_not_a_number": (b"-- title: t\n-- severity: low\n-- section: one\n-- description: d\n"
                             b"-- remediation: r\nSELECT 1\n", "section 'one' is not a number"),
    "unknown_key": (b"-- title: t\n-- severity: low\n-- section: 1\n-- description: d\n-- remediation: r\n"
                    b"-- owner: me\nSELECT 1\n", "unknown header key 'owner'"),
    "key_twice": (b"-- title: t\n-- title: u\n-- severity: low\n-- section: 1\n-- description: d\n"
                  b"-- remediation: r\nSELECT 1\n", "line 2: header key 'title' appears twice"),
    "no_sql": (b"-- title: t\n-- severity: low\n-- section: 1\n-- description: d\n-- remediation: r\n",
               "no SQL after the header"),
    "binary": (b"\x00\x01\x02SELECT", "binary content: a rule file must be UTF-8 SQL text"),
    "latin1": ("-- title: caf\u00e9\n".encode("latin-1"), "not UTF-8 text (byte 13)"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE_RULES))
def test_unreadable_rule_file_is_one_line_and_exit_2(name: str, snapshot: Path, tmp_path: Path) -> None:
    content, problem = UNREADABLE_RULES[name]
    rules = tmp_path / "rules"
    rules.mkdir()
    path = rules / f"rule_{name}.sql"
    path.write_bytes(content)
    write_rule(rules, "fine_rule", OK)
    result = sounding("evaluate", str(snapshot), "--no-builtin", "--rules", str(rules), "-q")
    assert_one_line_exit_2(result, path, problem)


def test_a_bad_rule_file_name_is_exit_2(snapshot: Path, tmp_path: Path) -> None:
    path = write_rule(tmp_path / "rules", "Bad-Name", OK)
    result = sounding("evaluate", str(snapshot), "--no-builtin", "--rules", str(tmp_path / "rules"), "-q")
    assert_one_line_exit_2(result, path, "rule id 'Bad-Name' (the file name) must be lower_snake_case")


def test_duplicate_rule_ids_are_exit_2_naming_both_files(snapshot: Path, tmp_path: Path) -> None:
    first = write_rule(tmp_path / "a", "same_rule", OK)
    second = write_rule(tmp_path / "b", "same_rule", OK)
    result = sounding("evaluate", str(snapshot), "--no-builtin", "--rules", str(tmp_path / "a"),
                      "--rules", str(tmp_path / "b"), "-q")
    assert_one_line_exit_2(result, second, f"duplicate rule id 'same_rule' (also {first})")


def test_a_rules_directory_that_does_not_exist_is_exit_2(snapshot: Path, tmp_path: Path) -> None:
    result = sounding("evaluate", str(snapshot), "--rules", str(tmp_path / "nope"), "-q")
    assert_one_line_exit_2(result, tmp_path / "nope", "rules directory does not exist")


# Rules that load but cannot run or return invalid rows: an ERROR finding each, and the run goes on.
FAULTY_RULES = {
    "syntax_error": ("SELEC 'PASS' AS status", "rule refused: SQL does not parse"),
    "two_statements": (f"{OK}; {OK}", "rule refused: a rule must be exactly one statement; found 2"),
    "not_select": ("DELETE FROM sounding_gaps", "rule refused: only SELECT is allowed; found DELETE"),
    "create_macro": ("CREATE MACRO m(x) AS x", "rule refused: only SELECT is allowed; found CREATE"),
    "missing_column": ("SELECT 'PASS' AS status, 'r' AS resource_id",
                       "invalid output: missing column account_id, region, reason"),
    "mistyped_column": ("SELECT 'PASS' AS status, 1 AS resource_id, '111111111111' AS account_id, "
                        "'global' AS region, 'x' AS reason",
                        "invalid output: column resource_id must be VARCHAR and not NULL; got int"),
    "null_reason": ("SELECT 'PASS' AS status, 'r' AS resource_id, '111111111111' AS account_id, "
                    "'global' AS region, NULL AS reason", "column reason must be VARCHAR and not NULL; got NULL"),
    "invalid_status": (OK.replace("'PASS'", "'pass'"), "invalid output: status 'pass' is not one of PASS"),
    "unknown_table": ("SELECT * FROM no_such_table", "reads table no_such_table, which no declaration provides"),
    "runtime_error": (f"{OK} WHERE 1 / 0 = CAST('x' AS INTEGER)", "query failed: Conversion Error"),
}


def test_faulty_rules_are_error_findings_and_the_run_goes_on(snapshot: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    for name, (sql, _) in FAULTY_RULES.items():
        write_rule(rules, f"faulty_{name}", sql)
    write_rule(rules, "zz_fine_rule", OK)
    result = sounding("evaluate", str(snapshot), "--no-builtin", "--rules", str(rules), "--format", "json", "-q")
    assert result.returncode == 3, result.stderr  # ERROR is never green
    assert result.stderr == (f"error: {len(FAULTY_RULES)} finding(s) are ERROR: those checks were not evaluated "
                             "(exit 3; --allow-errors to accept)\n")
    findings = {f["rule_id"]: (f["status"], f["reason"]) for f in json.loads(result.stdout)["findings"]}
    assert findings.pop("zz_fine_rule") == ("PASS", "ok")
    assert sorted(findings) == sorted(f"faulty_{name}" for name in FAULTY_RULES)
    for name, (_, expected) in FAULTY_RULES.items():
        status, reason = findings[f"faulty_{name}"]
        assert status == "ERROR"
        assert expected in reason, (name, reason)
        assert reason.endswith(f"(faulty_{name}.sql)")


WAIVERS = {
    "invalid_toml": (b"[[waiver]\nrule = 'x'\n", "invalid TOML"),
    "not_utf8": (b"[[waiver]]\nrule = '\xff'\n", "not UTF-8 text"),
    "waiver_not_a_list": (b"[waiver]\nrule = 'x'\n", "'waiver' must be an array of tables"),
    "missing_owner": (b"[[waiver]]\nrule = 'x'\nreason = 'r'\nexpires = 2026-12-31\n", "owner"),
}


@pytest.mark.parametrize("name", sorted(WAIVERS))
def test_malformed_waivers_file_is_one_line_and_exit_2(name: str, snapshot: Path, tmp_path: Path) -> None:
    content, problem = WAIVERS[name]
    path = tmp_path / "waivers.toml"
    path.write_bytes(content)
    result = sounding("evaluate", str(snapshot), "--waivers", str(path), "-q")
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {path}")
    assert problem in line


def test_a_rule_file_name_with_a_newline_is_still_one_line(snapshot: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "two\nlines.sql").write_text(f"-- title: t\n{OK}\n")
    result = sounding("evaluate", str(snapshot), "--no-builtin", "--rules", str(rules), "-q")
    assert_one_line_exit_2(result, f"{rules}/two\\nlines.sql", "rule id 'two lines' (the file name) must be")
