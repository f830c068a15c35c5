"""AWS Config tables against moto: an exclusion-strategy recorder, its status, a delivery channel."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.collect import chains, run_chain
from sounding.collector.gaps import Gap
from sounding.collector.tables import config
from sounding.collector.values import coerce, item_to_row

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/config-recorder"
BUCKET = "config-delivery-bucket"


def collect(region: str) -> tuple[dict[str, list[dict[str, Any]]], list[Gap]]:
    """Run every Config table through the real runner in one region; typed rows without raw."""
    clients = AccountClients(boto3.Session(), CallCounter())
    typed: dict[str, list[dict[str, Any]]] = {}
    gaps: list[Gap] = []
    for chain in chains(config.TABLES):
        rows, chain_gaps = run_chain(chain, clients, ACCOUNT, region, region)
        gaps.extend(chain_gaps)
        for spec in chain:
            typed[spec.name] = [{c.name: coerce(c, r.get(c.name)) for c in spec.all_columns if c.name != "raw"}
                                for r in rows.get(spec.name, [])]
    return typed, gaps


@pytest.fixture
def recorder() -> Any:
    """us-east-1 records everything but EBS volumes and delivers to S3; eu-west-1 has nothing."""
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        client = boto3.client("config", region_name="us-east-1")
        client.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": ROLE,
            "recordingGroup": {"allSupported": False, "includeGlobalResourceTypes": False,
                               "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::Volume",
                                                                              "AWS::EC2::FlowLog"]},
                               "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}})
        client.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET,
                                                     "snsTopicARN": f"arn:aws:sns:us-east-1:{ACCOUNT}:config"})
        client.start_configuration_recorder(ConfigurationRecorderName="default")
        yield


def test_recorder_columns_that_other_rules_read(recorder: Any) -> None:
    """The exclusion strategy and its list are typed columns."""
    rows, _ = collect("us-east-1")
    assert rows["config_recorders"] == [
        {"account_id": ACCOUNT, "region": "us-east-1", "name": "default", "role_arn": ROLE, "all_supported": False,
         "include_global_resource_types": False, "recording_strategy": "EXCLUSION_BY_RESOURCE_TYPES",
         "exclusion_resource_types": ["AWS::EC2::Volume", "AWS::EC2::FlowLog"], "resource_types": []}]


def test_recorder_status_after_start(recorder: Any) -> None:
    """A started recorder is recording; moto keeps lastStatus PENDING."""
    before = datetime.now(UTC).replace(microsecond=0)
    rows, _ = collect("us-east-1")
    (status,) = rows["config_recorder_status"]
    assert status["last_status_change_time"] >= before
    assert {k: v for k, v in status.items() if k != "last_status_change_time"} == {
        "account_id": ACCOUNT, "region": "us-east-1", "name": "default", "recording": True,
        "last_status": "PENDING", "last_error_code": None}


def test_delivery_channel(recorder: Any) -> None:
    """The channel's bucket and topic."""
    rows, _ = collect("us-east-1")
    assert rows["config_delivery_channels"] == [
        {"account_id": ACCOUNT, "region": "us-east-1", "name": "default", "s3_bucket_name": BUCKET,
         "s3_key_prefix": None, "s3_kms_key_arn": None, "sns_topic_arn": f"arn:aws:sns:us-east-1:{ACCOUNT}:config",
         "delivery_frequency": None}]


def test_a_region_without_config_has_empty_tables_and_no_gap_but_the_moto_one(recorder: Any) -> None:
    """Nothing configured is data (empty tables); moto's missing DescribeDeliveryChannelStatus is a gap."""
    rows, gaps = collect("eu-west-1")
    assert rows == {"config_recorders": [], "config_recorder_status": [], "config_delivery_channels": [],
                    "config_delivery_channel_status": []}
    assert [(g.table, g.region, g.operation) for g in gaps] == [
        ("config_delivery_channel_status", "eu-west-1", "DescribeDeliveryChannelStatus")]


def test_delivery_channel_status_is_a_recorded_gap_under_moto(recorder: Any) -> None:
    """moto lacks DescribeDeliveryChannelStatus: the table is declared for AWS and its gap is recorded."""
    rows, gaps = collect("us-east-1")
    assert rows["config_delivery_channel_status"] == []
    assert [(g.account_id, g.table, g.service, g.operation) for g in gaps] == [
        (ACCOUNT, "config_delivery_channel_status", "config", "DescribeDeliveryChannelStatus")]


def test_recording_strategy_is_derived_for_recorders_older_than_the_field() -> None:
    """An answer without recordingStrategy: allSupported means ALL_SUPPORTED, else an inclusion list."""
    spec = config.RECORDERS
    everything = {"name": "r", "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}}
    listed = {"name": "r", "recordingGroup": {"allSupported": False, "resourceTypes": ["AWS::S3::Bucket"]}}
    assert item_to_row(spec, everything, ACCOUNT, "us-east-1")["recording_strategy"] == "ALL_SUPPORTED_RESOURCE_TYPES"
    assert item_to_row(spec, listed, ACCOUNT, "us-east-1")["recording_strategy"] == "INCLUSION_BY_RESOURCE_TYPES"
    assert item_to_row(spec, {"name": "r"}, ACCOUNT, "us-east-1")["recording_strategy"] is None
