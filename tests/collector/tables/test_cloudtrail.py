"""CloudTrail tables against moto: shadow trails, per-trail calls in the home region only, typed rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector.aws import AccountClients, CallCounter
from sounding.collector.collect import chains, run_chain
from sounding.collector.gaps import Gap
from sounding.collector.special import cloudtrail_trail_calls
from sounding.collector.tables import cloudtrail
from sounding.collector.values import coerce, item_to_row

ACCOUNT = "123456789012"
BUCKET = "trail-logs-bucket"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
ORG_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org"
MULTI_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/multi"
LOCAL_ARN = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/local"


def collect(regions: list[str]) -> tuple[dict[tuple[str, str], list[dict[str, Any]]], list[Gap]]:
    """Run every CloudTrail table through the real runner; typed rows (raw dropped) by (table, region)."""
    clients = AccountClients(boto3.Session(), CallCounter())
    by_scope: dict[tuple[str, str], list[dict[str, Any]]] = {}
    gaps: list[Gap] = []
    for region in regions:
        for chain in chains(cloudtrail.TABLES):
            rows, chain_gaps = run_chain(chain, clients, ACCOUNT, region, region)
            gaps.extend(chain_gaps)
            for spec in chain:
                typed = [{c.name: coerce(c, r.get(c.name)) for c in spec.all_columns if c.name != "raw"}
                         for r in rows.get(spec.name, [])]
                by_scope[(spec.name, region)] = sorted(typed, key=lambda r: r["trail_arn"])
    return by_scope, gaps


def trail_row(region: str, arn: str, name: str, home: str, *, multi: bool, org: bool = False,
              validation: bool = False, kms: str | None = None) -> dict[str, Any]:
    """The cloudtrail_trails row moto gives for a trail created with these settings."""
    return {"account_id": ACCOUNT, "region": region, "trail_arn": arn, "name": name, "home_region": home,
            "is_multi_region_trail": multi, "is_organization_trail": org, "include_global_service_events": True,
            "log_file_validation_enabled": validation, "kms_key_id": kms, "cloud_watch_logs_log_group_arn": None,
            "cloud_watch_logs_role_arn": None, "s3_bucket_name": BUCKET, "sns_topic_arn": None,
            "has_custom_event_selectors": False, "has_insight_selectors": False}


@pytest.fixture
def trails() -> Any:
    """An organization trail and a logging multi-region trail in us-east-1, a local trail in eu-west-1."""
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        boto3.client("organizations", region_name="us-east-1").create_organization(FeatureSet="ALL")
        east = boto3.client("cloudtrail", region_name="us-east-1")
        east.create_trail(Name="org", S3BucketName=BUCKET, IsMultiRegionTrail=True, IsOrganizationTrail=True,
                          EnableLogFileValidation=True, KmsKeyId=KEY)
        east.create_trail(Name="multi", S3BucketName=BUCKET, IsMultiRegionTrail=True)
        east.start_logging(Name="multi")
        east.put_event_selectors(TrailName="multi", EventSelectors=[
            {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},
            {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
        east.put_insight_selectors(TrailName="multi", InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
        boto3.client("cloudtrail", region_name="eu-west-1").create_trail(Name="local", S3BucketName=BUCKET)
        yield


def test_trails_keep_shadow_copies_with_their_home_region(trails: Any) -> None:
    """A multi-region trail is a row in every region; home_region says where it lives."""
    rows, gaps = collect(["us-east-1", "eu-west-1"])
    assert gaps == []
    org = {"multi": True, "org": True, "validation": True, "kms": KEY}
    assert rows[("cloudtrail_trails", "us-east-1")] == [
        trail_row("us-east-1", MULTI_ARN, "multi", "us-east-1", multi=True),
        trail_row("us-east-1", ORG_ARN, "org", "us-east-1", **org),
    ]
    assert rows[("cloudtrail_trails", "eu-west-1")] == [
        trail_row("eu-west-1", LOCAL_ARN, "local", "eu-west-1", multi=False),
        trail_row("eu-west-1", MULTI_ARN, "multi", "us-east-1", multi=True),
        trail_row("eu-west-1", ORG_ARN, "org", "us-east-1", **org),
    ]


def test_trail_status_is_read_once_in_the_home_region(trails: Any) -> None:
    """Shadow copies are not asked again; moto's empty strings become NULL."""
    before = datetime.now(UTC).replace(microsecond=0)
    rows, _ = collect(["us-east-1", "eu-west-1"])
    east = rows[("cloudtrail_trail_status", "us-east-1")]
    assert [r["trail_arn"] for r in east] == [MULTI_ARN, ORG_ARN]
    multi, org = east
    assert multi["is_logging"] is True
    assert multi["start_logging_time"] >= before and multi["latest_delivery_time"] >= before
    empty = {"latest_delivery_error": None, "latest_cloud_watch_logs_delivery_time": None,
             "latest_cloud_watch_logs_delivery_error": None, "latest_digest_delivery_time": None,
             "latest_digest_delivery_error": None, "latest_notification_error": None, "stop_logging_time": None}
    assert {k: multi[k] for k in empty} == empty
    assert org == {"account_id": ACCOUNT, "region": "us-east-1", "trail_arn": ORG_ARN, "is_logging": False,
                   "latest_delivery_time": None, "start_logging_time": None, **empty}
    assert rows[("cloudtrail_trail_status", "eu-west-1")] == [
        {"account_id": ACCOUNT, "region": "eu-west-1", "trail_arn": LOCAL_ARN, "is_logging": False,
         "latest_delivery_time": None, "start_logging_time": None, **empty}]


def test_event_selectors_derive_management_read_write(trails: Any) -> None:
    """A ReadOnly plus a WriteOnly management selector together record All; moto's [] stays visible."""
    rows, _ = collect(["us-east-1"])
    assert rows[("cloudtrail_event_selectors", "us-east-1")] == [
        {"account_id": ACCOUNT, "region": "us-east-1", "trail_arn": MULTI_ARN,
         "event_selectors": '[{"IncludeManagementEvents":true,"ReadWriteType":"ReadOnly"},'
                            '{"IncludeManagementEvents":true,"ReadWriteType":"WriteOnly"}]',
         "advanced_event_selectors": "[]", "include_management_events": True, "read_write_type": "All",
         "advanced_all_management_events": None},
        {"account_id": ACCOUNT, "region": "us-east-1", "trail_arn": ORG_ARN, "event_selectors": "[]",
         "advanced_event_selectors": "[]", "include_management_events": None, "read_write_type": None,
         "advanced_all_management_events": None},
    ]


def test_insight_selectors_only_for_trails_that_have_them(trails: Any) -> None:
    """A trail without insight selectors has no row (AWS: InsightNotEnabledException, which is data)."""
    rows, _ = collect(["us-east-1", "eu-west-1"])
    assert rows[("cloudtrail_insight_selectors", "us-east-1")] == [
        {"account_id": ACCOUNT, "region": "us-east-1", "trail_arn": MULTI_ARN,
         "insight_types": ["ApiCallRateInsight"], "insight_selectors": '[{"InsightType":"ApiCallRateInsight"}]'}]
    assert rows[("cloudtrail_insight_selectors", "eu-west-1")] == []


def test_advanced_selectors_record_management_events_only_without_a_read_only_filter() -> None:
    """The derived column accepts eventCategory = Management and refuses a readOnly narrowing."""
    all_management = {"AdvancedEventSelectors": [
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]}
    reads_only = {"AdvancedEventSelectors": [
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                            {"Field": "readOnly", "Equals": ["true"]}]}]}
    spec = cloudtrail.EVENT_SELECTORS
    column = next(c for c in spec.columns if c.name == "advanced_all_management_events")
    assert item_to_row(spec, all_management, ACCOUNT, "us-east-1")[column.name] is True
    assert item_to_row(spec, reads_only, ACCOUNT, "us-east-1")[column.name] is False


def test_per_trail_calls_skip_trails_of_other_accounts() -> None:
    """An organization trail seen from a member account is read by the management account only."""

    class Client:
        class meta:  # mimics botocore's client.meta
            region_name = "us-east-1"

        def get_trail_status(self, **params: Any) -> dict[str, Any]:
            return {"IsLogging": True, "Name": params["Name"], "ResponseMetadata": {}}

    params = {"Name": ORG_ARN, cloudtrail_trail_calls.HOME_REGION: "us-east-1"}
    member = {**params, cloudtrail_trail_calls.READ_BY: "999999999999"}
    owner = {**params, cloudtrail_trail_calls.READ_BY: ACCOUNT}
    assert cloudtrail_trail_calls.fetch_trail_status(Client(), member) == []
    assert cloudtrail_trail_calls.fetch_trail_status(Client(), owner) == [{"IsLogging": True, "Name": ORG_ARN}]


def _denied(operation: str) -> Any:
    """A botocore hook that answers AccessDenied, as a caller without the permission gets."""

    def hook(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, operation)

    return hook


def test_a_failed_describe_trails_is_a_gap_for_every_cloudtrail_table(trails: Any) -> None:
    """Nothing silently missing: the parent's gap becomes a gap for every fanned-out table."""
    clients = AccountClients(boto3.Session(), CallCounter())
    clients.get("cloudtrail", "us-east-1").meta.events.register(
        "before-call.cloudtrail.DescribeTrails", _denied("DescribeTrails"))
    gaps: list[Gap] = []
    for chain in chains(cloudtrail.TABLES):
        rows, chain_gaps = run_chain(chain, clients, ACCOUNT, "us-east-1", "us-east-1")
        gaps.extend(chain_gaps)
        assert rows.get("cloudtrail_trails", []) == []
    assert sorted((g.table, g.error_code) for g in gaps) == [
        ("cloudtrail_event_selectors", "ParentNotCollected"),
        ("cloudtrail_insight_selectors", "ParentNotCollected"),
        ("cloudtrail_trail_status", "ParentNotCollected"),
        ("cloudtrail_trails", "AccessDeniedException"),
    ]


def test_a_failed_trail_status_is_a_gap_naming_the_trail(trails: Any) -> None:
    """A per-trail failure is recorded with the trail it was for, never an empty answer."""
    clients = AccountClients(boto3.Session(), CallCounter())
    clients.get("cloudtrail", "us-east-1").meta.events.register(
        "before-call.cloudtrail.GetTrailStatus", _denied("GetTrailStatus"))
    rows, gaps = run_chain(chains(cloudtrail.TABLES)[0], clients, ACCOUNT, "us-east-1", "us-east-1")
    assert rows["cloudtrail_trail_status"] == []
    assert [(g.table, g.region, g.error_code, g.error_kind) for g in gaps] == [
        ("cloudtrail_trail_status", "us-east-1", "AccessDeniedException", "access_denied")] * 2
    assert sorted(g.message.split(", ")[0] for g in gaps) == [f"Name={MULTI_ARN}", f"Name={ORG_ARN}"]


def _selector_columns(item: dict[str, Any]) -> tuple[Any, Any]:
    """read_write_type and advanced_all_management_events of one GetEventSelectors answer."""
    row = item_to_row(cloudtrail.EVENT_SELECTORS, item, ACCOUNT, "us-east-1")
    return row["read_write_type"], row["advanced_all_management_events"]


def test_plain_selectors_excluding_event_sources_do_not_record_all_management_events() -> None:
    """logging-management-events-with-cloudtrail: excluding KMS or RDS Data API events is a subset."""
    excluded = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                    "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]}
    default = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                   "DataResources": [], "ExcludeManagementEventSources": []}]}
    halves = {"EventSelectors": [
        {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True,
         "ExcludeManagementEventSources": ["rdsdata.amazonaws.com"]}]}
    assert _selector_columns(excluded) == (None, None)
    assert _selector_columns(default) == ("All", None)
    assert _selector_columns(halves) == ("ReadOnly", None)


def test_advanced_selectors_are_a_union_and_an_event_source_filter_is_a_subset() -> None:
    """readOnly true in one selector and false in another is all management events; eventSource narrows."""
    def management(*extra: dict[str, Any]) -> dict[str, Any]:
        return {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, *extra]}

    union = {"AdvancedEventSelectors": [management({"Field": "readOnly", "Equals": ["true"]}),
                                        management({"Field": "readOnly", "Equals": ["false"]})]}
    no_kms = {"AdvancedEventSelectors": [management({"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]})]}
    writes = {"AdvancedEventSelectors": [management({"Field": "readOnly", "Equals": ["false"]})]}
    assert _selector_columns(union) == (None, True)
    assert _selector_columns(no_kms) == (None, False)
    assert _selector_columns(writes) == (None, False)
