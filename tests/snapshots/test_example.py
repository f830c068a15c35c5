"""The shipped example snapshot verifies, and its findings are what the example organization implies."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from sounding.engine.evaluate import evaluate
from sounding.engine.report import FORMATS
from sounding.engine.rules import STATUSES, builtin_rules_dir, load_rules
from sounding.engine.snapshot import open_snapshot

from tests.rules.test_catalog import CATALOG

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "snapshots" / "example"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def evaluation():
    """The built-in pack over the example, once for this module."""
    return evaluate(open_snapshot(EXAMPLE), load_rules([builtin_rules_dir()]))


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    """Account name -> id, from the manifest (the ids are moto's, seeded)."""
    manifest = json.loads((EXAMPLE / "manifest.json").read_text())
    found = {a["name"]: a["account_id"] for a in manifest["accounts"]}
    found["management"] = manifest["caller"]["account_id"]
    assert set(found) >= {"management", "prod", "sandbox"}
    return found


def statuses(evaluation, rule_id: str) -> dict[tuple[str, str], set[str]]:
    """(account, region) -> statuses of one rule."""
    result: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in evaluation.findings:
        if f.rule_id == rule_id:
            result[(f.account_id, f.region)].add(f.status)
    return result


def test_every_catalog_rule_reports_with_valid_statuses(evaluation) -> None:
    assert {f.rule_id for f in evaluation.findings} >= set(CATALOG)
    assert {f.status for f in evaluation.findings} <= set(STATUSES)


def test_the_mix_spans_every_status(evaluation) -> None:
    assert {f.status for f in evaluation.findings} == set(STATUSES)


# (rule, account name, region) -> the status the scenario in tests/scenarios/example_org.py implies.
IMPLIED = {
    ("iam_password_policy_exists", "management", "global"): "PASS",
    ("iam_password_policy_exists", "prod", "global"): "PASS",
    ("iam_password_policy_exists", "sandbox", "global"): "FAIL",
    ("iam_password_policy_strong", "management", "global"): "FAIL",
    ("iam_password_policy_strong", "prod", "global"): "PASS",
    ("account_security_contact", "management", "global"): "PASS",
    ("account_security_contact", "sandbox", "global"): "FAIL",
    ("cloudtrail_multi_region_logging", "prod", "global"): "PASS",
    ("cloudtrail_multi_region_logging", "sandbox", "global"): "PASS",
    ("org_member_accounts", "management", "global"): "PASS",
    ("org_custom_scp_attached", "management", "global"): "PASS",
    ("regions_restricted_by_scp", "management", "global"): "PASS",
    ("org_management_account_no_workloads", "management", "global"): "FAIL",
    ("guardduty_enabled_all_regions", "management", "us-east-1"): "PASS",
    ("guardduty_enabled_all_regions", "management", "eu-west-1"): "FAIL",
    ("guardduty_enabled_all_regions", "prod", "eu-west-1"): "PASS",
    ("guardduty_enabled_all_regions", "sandbox", "eu-west-1"): "FAIL",
    ("vpc_default_absent", "prod", "us-east-1"): "PASS",
    ("vpc_default_absent", "prod", "eu-west-1"): "PASS",
    ("vpc_default_absent", "sandbox", "us-east-1"): "FAIL",
    ("config_recorder_all_regions", "prod", "eu-west-1"): "PASS",
    ("config_recorder_all_regions", "sandbox", "us-east-1"): "FAIL",
    ("securityhub_enabled_all_regions", "management", "us-east-1"): "PASS",
    ("securityhub_enabled_all_regions", "management", "eu-west-1"): "FAIL",
    ("alerts_guardduty_findings", "management", "us-east-1"): "PASS",
}


@pytest.mark.parametrize(("rule_id", "account", "region"), sorted(IMPLIED))
def test_findings_are_what_the_scenario_implies(evaluation, names, rule_id: str, account: str, region: str) -> None:
    got = statuses(evaluation, rule_id)[(names[account], region)]
    assert got == {IMPLIED[(rule_id, account, region)]}


def test_the_org_rules_and_iam_details(evaluation, names) -> None:
    keyed = {(f.rule_id, f.resource_id): f.status for f in evaluation.findings}
    mgmt = names["management"]
    assert keyed[("iam_policy_no_full_admin", f"arn:aws:iam::{mgmt}:policy/AdminEverything")] == "FAIL"
    assert keyed[("iam_role_oidc_trust_scoped", f"arn:aws:iam::{mgmt}:role/gha-anything")] == "FAIL"
    assert keyed[("iam_role_oidc_trust_scoped", f"arn:aws:iam::{mgmt}:role/gha-deploy")] == "PASS"
    assert keyed[("iam_user_console_mfa", f"arn:aws:iam::{mgmt}:user/bob")] == "FAIL"
    assert keyed[("iam_user_console_mfa", f"arn:aws:iam::{mgmt}:user/alice")] == "PASS"
    assert keyed[("iam_user_programmatic_keys", f"arn:aws:iam::{mgmt}:user/deploy-bot")] == "FAIL"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_golden_report_of_the_example(evaluation, name: str) -> None:
    rendered = FORMATS[name](evaluation)
    golden = GOLDEN / f"example.{name}"
    if not golden.is_file():
        pytest.fail(f"no golden file {golden.name}: run `python -m tests.snapshots.update_golden`")
    assert rendered == golden.read_text(encoding="utf-8"), \
        f"{golden.name} is stale: run `python -m tests.snapshots.update_golden` and review the diff"
