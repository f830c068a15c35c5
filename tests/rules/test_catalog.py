"""The built-in pack is the catalog: every id present, metadata as listed, every table it reads declared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sounding.collector.tables import TABLES_BY_NAME
from sounding.engine import rules_doc
from sounding.engine.rules import builtin_rules_dir, load_rules
from sounding.engine.sandbox import META_TABLES, check_sql

REPO = Path(__file__).resolve().parents[2]
SHARED_CATALOG = REPO.parent / "shared" / "CHECKS.md"

# rule id -> (severity, section), as ../shared/CHECKS.md lists them.
CATALOG = {
    "iam_password_policy_exists": ("medium", 1), "iam_password_policy_strong": ("medium", 1),
    "root_mfa_enabled": ("critical", 1), "root_backup_mfa": ("medium", 1),
    "root_access_keys_absent": ("critical", 1), "root_not_recently_used": ("high", 1),
    "account_security_contact": ("low", 1), "account_email_review": ("low", 1),
    "org_enabled": ("high", 2), "org_all_features": ("high", 2), "org_scp_type_enabled": ("high", 2),
    "org_custom_scp_attached": ("high", 2), "org_accounts_in_ous": ("low", 2), "org_member_accounts": ("low", 2),
    "org_centralized_root_access": ("medium", 2), "org_management_account_no_workloads": ("medium", 2),
    "controltower_landing_zone": ("low", 3),
    "cloudtrail_multi_region_logging": ("critical", 4), "cloudtrail_log_file_validation": ("high", 4),
    "cloudtrail_organization_trail": ("high", 4), "cloudtrail_cloudwatch_logs": ("medium", 4),
    "cloudtrail_insights": ("low", 4), "cloudtrail_kms_encrypted": ("medium", 4),
    "config_recorder_all_regions": ("high", 5),
    "securityhub_enabled_all_regions": ("high", 6), "securityhub_standards_enabled": ("medium", 6),
    "securityhub_central_configuration": ("medium", 6), "securityhub_config_prerequisite": ("medium", 6),
    "guardduty_enabled_all_regions": ("high", 7), "guardduty_delegated_admin": ("medium", 7),
    "identity_center_enabled": ("medium", 8), "identity_center_assignments": ("low", 8),
    "iam_user_console_access": ("medium", 8), "iam_user_console_mfa": ("high", 8),
    "iam_access_key_rotated": ("medium", 8), "iam_access_key_unused": ("medium", 8),
    "alerts_securityhub_findings": ("medium", 9), "alerts_guardduty_findings": ("medium", 9),
    "alerts_cloudtrail_insights": ("low", 9), "alerts_config_compliance": ("low", 9),
    "alerts_iam_events": ("medium", 9),
    "regions_restricted_by_scp": ("medium", 10), "regions_opt_in_review": ("low", 10),
    "vpc_default_absent": ("medium", 11), "org_scp_default_vpc_guard": ("low", 11),
    "access_analyzer_enabled": ("medium", 12), "access_analyzer_findings_resolved": ("medium", 12),
    "iam_policy_no_full_admin": ("high", 12), "iam_policy_no_service_wildcard": ("low", 12),
    "iam_policy_no_region_wildcard": ("low", 12),
    "iam_user_programmatic_keys": ("medium", 13), "iam_role_oidc_trust_scoped": ("critical", 13),
    "macie_enabled": ("low", 14), "inspector_enabled": ("low", 14), "network_firewall_present": ("low", 14),
    "shield_advanced": ("low", 14), "security_lake_enabled": ("low", 14),
}

RULES = {rule.id: rule for rule in load_rules([builtin_rules_dir()])}


@pytest.mark.skipif(not SHARED_CATALOG.is_file(), reason="the shared catalog is not beside this checkout")
def test_catalog_list_matches_the_shared_catalog() -> None:
    ids = set(re.findall(r"^\| `([a-z0-9_]+)` \|", SHARED_CATALOG.read_text(), flags=re.MULTILINE))
    assert ids == set(CATALOG)


@pytest.mark.parametrize("rule_id", sorted(CATALOG))
def test_catalog_rule_exists_with_its_severity_and_section(rule_id: str) -> None:
    assert rule_id in RULES, f"no rule file for catalog id {rule_id}"
    rule = RULES[rule_id]
    assert (rule.severity, rule.section) == CATALOG[rule_id]
    assert rule.path.parent.name.startswith(f"{rule.section:02d}-"), "rule file is in another section's folder"
    assert rule.references, "a rule names at least one reference"


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_table_a_rule_reads_is_declared(rule_id: str) -> None:
    tables = check_sql(RULES[rule_id].sql).tables
    assert tables <= set(TABLES_BY_NAME) | set(META_TABLES)


def test_rules_doc_is_current() -> None:
    current = (REPO / "docs" / "rules.md").read_text()
    assert current == rules_doc.render(list(RULES.values())), "run: python -m engine.rules_doc > docs/rules.md"
