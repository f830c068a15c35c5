"""GuardDuty tables against moto: an enabled and a suspended detector, and the management-only admin list."""

from __future__ import annotations

import json

import boto3
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.collect import run_chain
from sounding.collector.tables import guardduty

from tests.collector.tables.scope_rows import ACCOUNT, gap_kinds, run_scope

DETECTOR_TABLES = [guardduty.DETECTOR_IDS, guardduty.DETECTORS]


@mock_aws
def test_enabled_and_suspended_detectors() -> None:
    """ListDetectors then GetDetector per id: status, frequency and features per region."""
    features = [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]
    enabled = boto3.client("guardduty", region_name="us-east-1").create_detector(
        Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES", Features=features)["DetectorId"]
    suspended = boto3.client("guardduty", region_name="eu-west-1").create_detector(Enable=False)["DetectorId"]
    for region, detector_id, status, frequency, plans in (
            ("us-east-1", enabled, "ENABLED", "FIFTEEN_MINUTES", features),
            ("eu-west-1", suspended, "DISABLED", "SIX_HOURS", [])):
        rows, gaps = run_scope(DETECTOR_TABLES, region)
        assert gaps == []
        assert rows["guardduty_detector_ids"] == [{"account_id": ACCOUNT, "region": region, "detector_id": detector_id}]
        (detector,) = rows["guardduty_detectors"]
        assert detector["created_at"] is not None
        assert json.loads(detector["features"]) == plans
        assert {k: detector[k] for k in ("account_id", "region", "detector_id", "status",
                                         "finding_publishing_frequency")} == {
            "account_id": ACCOUNT, "region": region, "detector_id": detector_id, "status": status,
            "finding_publishing_frequency": frequency}


@mock_aws
def test_region_without_detector_has_no_rows_and_no_gap() -> None:
    """No detector is data (the rule fails the region), not a gap."""
    rows, gaps = run_scope(DETECTOR_TABLES, "ap-southeast-2")
    assert (rows, gaps) == ({"guardduty_detector_ids": [], "guardduty_detectors": []}, [])


@mock_aws
def test_detector_raw_has_no_response_metadata() -> None:
    """A whole-response item keeps the API's fields only, not request ids."""
    boto3.client("guardduty", region_name="us-east-1").create_detector(Enable=True)
    rows, _ = run_chain(DETECTOR_TABLES, AccountClients(boto3.Session(), CallCounter()), ACCOUNT, "us-east-1",
                        "us-east-1")
    (detector,) = rows["guardduty_detectors"]
    assert "ResponseMetadata" not in detector["raw"] and detector["raw"]["Status"] == "ENABLED"


@mock_aws
def test_admin_accounts_listed_from_the_management_account() -> None:
    """Management-only, global; moto lists the delegated administrator it was given."""
    assert guardduty.ADMIN_ACCOUNTS.management_only and guardduty.ADMIN_ACCOUNTS.scope == "global"
    boto3.client("organizations", region_name="us-east-1").create_organization(FeatureSet="ALL")
    boto3.client("guardduty", region_name="us-east-1").enable_organization_admin_account(
        AdminAccountId="222222222222")
    rows, gaps = run_scope([guardduty.ADMIN_ACCOUNTS], "global", "us-east-1")
    assert gap_kinds(gaps) == []
    assert rows["guardduty_admin_accounts"] == [{"account_id": ACCOUNT, "region": "global",
                                                 "admin_account_id": "222222222222", "admin_status": "ENABLED"}]
