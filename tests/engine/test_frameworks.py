"""Frameworks: the registry, the header, `evaluate --framework`, `rules list` JSON, control summaries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sounding.engine.cli import cli
from sounding.engine.errors import InputError
from sounding.engine.frameworks import (
    ControlSummary,
    check_ids,
    control_key,
    control_summaries,
    parse_frameworks,
    registry,
    rule_status_counts,
    status_totals,
)
from sounding.engine.report import framework_tables
from sounding.engine.rules import builtin_rules_dir, load_rule, load_rules

from tests.engine.report.report_fixture import RULES_DIR, build_evaluation

VALID = "cis-3.0, cis-5.0, fsbp, nist-800-53-r5"
REPORTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "reports.md"
RULE = ("-- title: T\n-- severity: low\n-- section: 1\n-- description: D.\n-- remediation: R.\n"
        "-- frameworks: {frameworks}\nSELECT 1\n")


def rule_file(tmp_path: Path, frameworks: str) -> Path:
    """A rule file whose frameworks header is `frameworks`."""
    path = tmp_path / "some_rule.sql"
    path.write_text(RULE.format(frameworks=frameworks), encoding="utf-8")
    return path


def test_registry_names_each_framework_and_version() -> None:
    """The four frameworks issue 16 names, with the versions AWS Security Hub publishes."""
    assert {f.id: (f.name, f.version) for f in registry().values()} == {
        "cis-3.0": ("CIS AWS Foundations Benchmark", "3.0.0"),
        "cis-5.0": ("CIS AWS Foundations Benchmark", "5.0.0"),
        "fsbp": ("AWS Foundational Security Best Practices", "1.0.0"),
        "nist-800-53-r5": ("NIST SP 800-53 Revision 5", "5.0.0"),
    }
    assert all(f.url.startswith("https://docs.aws.amazon.com/securityhub/") for f in registry().values())


def test_header_entries_parse_in_order(tmp_path: Path) -> None:
    """Comma- and continuation-separated framework-id:control entries, NIST enhancements included."""
    path = rule_file(tmp_path, "cis-5.0:1.4, cis-3.0: 1.4,\n--   fsbp:IAM.6, nist-800-53-r5:IA-2(1)")
    assert load_rule(path).frameworks == ("cis-5.0:1.4", "cis-3.0:1.4", "fsbp:IAM.6", "nist-800-53-r5:IA-2(1)")
    assert parse_frameworks("", path) == ()


@pytest.mark.parametrize(("value", "problem"), [
    ("cis-4.0:1.4", f"unknown framework 'cis-4.0' in 'cis-4.0:1.4' (valid: {VALID})"),
    ("CIS 1.5", f"frameworks entry 'CIS 1.5' is not framework-id:control (e.g. cis-5.0:1.4; framework ids: {VALID})"),
    ("fsbp:", f"frameworks entry 'fsbp:' is not framework-id:control (e.g. cis-5.0:1.4; framework ids: {VALID})"),
    ("fsbp:IAM.6, fsbp : IAM.6", "frameworks entry 'fsbp:IAM.6' appears twice"),
    ("CIS-5.0:1.4", f"unknown framework 'CIS-5.0' in 'CIS-5.0:1.4' (valid: {VALID})"),
    ("cis-3.0:3.4 (v1.4)", f"frameworks entry 'cis-3.0:3.4 (v1.4)' is not framework-id:control "
                           f"(e.g. cis-5.0:1.4; framework ids: {VALID})"),
    (":1.4", f"frameworks entry ':1.4' is not framework-id:control (e.g. cis-5.0:1.4; framework ids: {VALID})"),
])
def test_bad_entries_name_the_file_and_valid_ids(tmp_path: Path, value: str, problem: str) -> None:
    """A header error is one InputError naming the rule file."""
    path = rule_file(tmp_path, value)
    with pytest.raises(InputError) as caught:
        load_rule(path)
    assert (caught.value.path, caught.value.problem) == (str(path), problem)


def test_every_builtin_rule_header_parses() -> None:
    """The built-in pack loads: every frameworks entry names a registered framework."""
    rules = load_rules([builtin_rules_dir()])
    assert {entry.split(":")[0] for r in rules for entry in r.frameworks} <= set(registry())


def test_command_line_ids_are_checked() -> None:
    """An unknown --framework names the valid values."""
    check_ids(["cis-5.0", "fsbp"])
    with pytest.raises(InputError) as caught:
        check_ids(["cis-5"])
    assert str(caught.value) == f"--framework: unknown framework 'cis-5' (valid: {VALID})"


def test_controls_sort_naturally() -> None:
    """1.2 before 1.10, IAM.9 before IAM.10, AC-2 before AC-2(1) before AC-2(10)."""
    controls = ["1.10", "IAM.10", "AC-2(10)", "1.2", "AC-2(1)", "IAM.9", "AC-2"]
    assert sorted(controls, key=control_key) == ["1.2", "1.10", "AC-2", "AC-2(1)", "AC-2(10)", "IAM.9", "IAM.10"]


def test_control_status_is_the_worst_of_its_rules(tmp_path: Path) -> None:
    """A control FAILs when any of its rules' findings FAILs; ERROR beats MANUAL and PASS; no findings is SKIP."""
    evaluation = build_evaluation(tmp_path)
    per_rule = rule_status_counts(evaluation.findings)
    summaries = control_summaries(evaluation.rules, per_rule)
    assert summaries == {
        "cis-3.0": [ControlSummary("cis-3.0", "1.5", ("report_root_mfa",), {"FAIL": 1, "ERROR": 0, "MANUAL": 0,
                                                                             "PASS": 1, "SKIP": 0}),
                    ControlSummary("cis-3.0", "1.10", ("report_user_mfa",), {"FAIL": 2, "ERROR": 0, "MANUAL": 0,
                                                                              "PASS": 1, "SKIP": 0})],
        "fsbp": [ControlSummary("fsbp", "IAM.9", ("report_root_mfa",), {"FAIL": 1, "ERROR": 0, "MANUAL": 0,
                                                                         "PASS": 1, "SKIP": 0})],
    }
    assert status_totals(summaries["cis-3.0"]) == {"FAIL": 2, "ERROR": 0, "MANUAL": 0, "PASS": 0, "SKIP": 0}
    counts = {"FAIL": 0, "ERROR": 1, "MANUAL": 1, "PASS": 3, "SKIP": 0}
    assert ControlSummary("fsbp", "X.1", ("r",), counts).status == "ERROR"
    assert ControlSummary("fsbp", "X.1", ("r",), dict.fromkeys(counts, 0)).status == "SKIP"


def test_evaluate_framework_filters_rules(tmp_path: Path) -> None:
    """`evaluate --framework fsbp` runs only rules mapped to FSBP; an unknown id exits 2 with one line."""
    build_evaluation(tmp_path)
    snapshot = str(tmp_path / "snapshot")
    base = ["evaluate", snapshot, "--no-builtin", "--rules", str(RULES_DIR), "--format", "json", "--quiet",
            "--fail-on", "none"]
    result = CliRunner().invoke(cli, [*base, "--framework", "fsbp"])
    assert result.exit_code == 0, result.output
    assert sorted({f["rule_id"] for f in json.loads(result.stdout)["findings"]}) == ["report_root_mfa"]
    both = CliRunner().invoke(cli, [*base, "--framework", "fsbp", "--framework", "cis-3.0"])
    assert sorted({f["rule_id"] for f in json.loads(both.stdout)["findings"]}) == ["report_root_mfa",
                                                                                  "report_user_mfa"]
    bad = CliRunner().invoke(cli, [*base, "--framework", "cis-9.9"])
    assert (bad.exit_code, bad.stderr) == (2, f"error: --framework: unknown framework 'cis-9.9' (valid: {VALID})\n")
    unmapped = CliRunner().invoke(cli, [*base, "--framework", "nist-800-53-r5"])
    assert (unmapped.exit_code, unmapped.stderr) == (
        2, "error: --framework: no rule maps to a control of nist-800-53-r5\n")


def test_rules_list_json_lists_the_mappings() -> None:
    """`rules list --format json` gives each rule's framework-id:control entries."""
    result = CliRunner().invoke(cli, ["rules", "list", "--no-builtin", "--rules", str(RULES_DIR), "--format", "json"])
    rows = {row["id"]: row["frameworks"] for row in json.loads(result.stdout)}
    assert rows == {"report_root_mfa": ["cis-3.0:1.5", "fsbp:IAM.9"], "report_user_mfa": ["cis-3.0:1.10"],
                    "report_trail_logging": [], "report_region_info": [], "report_third_party_review": []}


def test_markdown_summarises_each_framework(tmp_path: Path) -> None:
    """One line per framework: controls by status and the failing controls named."""
    assert framework_tables.markdown(build_evaluation(tmp_path)) == (
        "\nFramework controls, each counted under the worst status of its rules' findings:\n\n"
        "| Framework | Controls | FAIL | ERROR | MANUAL | PASS | SKIP | Failing controls |\n"
        "|---|---:|---:|---:|---:|---:|---:|---|\n"
        "| CIS AWS Foundations Benchmark v3.0.0 | 2 | 2 | 0 | 0 | 0 | 0 | 1.5, 1.10 |\n"
        "| AWS Foundational Security Best Practices v1.0.0 | 1 | 1 | 0 | 0 | 0 | 0 | IAM.9 |\n")


def test_reports_doc_lists_the_registry() -> None:
    """docs/reports.md's framework table names exactly the registry's ids, names and versions."""
    section = REPORTS_DOC.read_text(encoding="utf-8").split("## Frameworks", 1)[1]
    rows = re.findall(r"^\| ([a-z0-9.-]+) \| ([^|]+) \|$", section, flags=re.MULTILINE)
    assert rows == [("id", "framework")] + [(f.id, f.title) for f in registry().values()]


def test_lint_reports_a_bad_entry_on_its_line(tmp_path: Path) -> None:
    """`rules lint` names the frameworks line and the problem, as loading would."""
    from sounding.engine.lint import lint_paths

    path = rule_file(tmp_path, "fsbp:IAM.6, cis-4.0:1.4")
    problems = [str(p) for p in lint_paths([path])]
    assert f"{path}:6: unknown framework 'cis-4.0' in 'cis-4.0:1.4' (valid: {VALID})" in problems
