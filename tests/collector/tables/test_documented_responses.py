"""Response shapes from the AWS API references (Response Syntax), checked against botocore's model by a
Stubber and read through the declarations of the tables the verdict rules depend on.

moto leaves fields out (recordingStrategy, OrganizationConfiguration.Status, StandardsStatusReason);
these responses carry them, so a field moto never returns is still read right.
"""

from __future__ import annotations

from typing import Any

import pytest
from sounding.collector.tables import TABLES_BY_NAME

from tests.collector.tables.scope_rows import stubbed_rows

ACCOUNT = "111122223333"

# (table, response as the API reference documents it, expected non-NULL columns)
CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]]]] = [
    ("config_recorders", {"ConfigurationRecorders": [{
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
        "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False, "resourceTypes": [],
                           "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::NetworkInterface"]},
                           "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}}]},
     [{"name": "default", "role_arn": f"arn:aws:iam::{ACCOUNT}:role/config", "all_supported": False,
       "include_global_resource_types": False, "recording_strategy": "EXCLUSION_BY_RESOURCE_TYPES",
       "exclusion_resource_types": ["AWS::EC2::NetworkInterface"], "resource_types": []}]),
    ("securityhub_organization_configuration", {
        "AutoEnable": False, "MemberAccountLimitReached": False, "AutoEnableStandards": "NONE",
        "OrganizationConfiguration": {"ConfigurationType": "CENTRAL", "Status": "PENDING",
                                      "StatusMessage": "Creating the home region configuration"}},
     [{"auto_enable": False, "auto_enable_standards": "NONE", "member_account_limit_reached": False,
       "organization_configuration": '{"ConfigurationType":"CENTRAL","Status":"PENDING",'
                                     '"StatusMessage":"Creating the home region configuration"}',
       "configuration_type": "CENTRAL", "configuration_status": "PENDING"}]),
    ("securityhub_finding_aggregators", {"FindingAggregators": [
        {"FindingAggregatorArn": f"arn:aws:securityhub:eu-central-1:{ACCOUNT}:finding-aggregator/123"}]},
     [{"finding_aggregator_arn": f"arn:aws:securityhub:eu-central-1:{ACCOUNT}:finding-aggregator/123"}]),
    ("securityhub_enabled_standards", {"StandardsSubscriptions": [{
        "StandardsSubscriptionArn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/cis-aws-foundations-"
                                    "benchmark/v/1.4.0",
        "StandardsArn": "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0",
        "StandardsInput": {}, "StandardsStatus": "INCOMPLETE",
        "StandardsStatusReason": {"StatusReasonCode": "NO_AVAILABLE_CONFIGURATION_RECORDER"}}]},
     [{"standards_subscription_arn": f"arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/cis-aws-foundations-"
                                     "benchmark/v/1.4.0",
       "standards_arn": "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0",
       "standards_status": "INCOMPLETE", "standards_status_reason": "NO_AVAILABLE_CONFIGURATION_RECORDER"}]),
]


@pytest.mark.parametrize(("table", "response", "expected"), CASES, ids=[c[0] for c in CASES])
def test_documented_response_becomes_these_rows(table: str, response: dict[str, Any], expected: list[dict[str, Any]],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    spec = TABLES_BY_NAME[table]
    rows = stubbed_rows(table, response, ACCOUNT)
    nulls = {column.name: None for column in spec.columns}
    assert rows == [{**nulls, **row} for row in expected]
