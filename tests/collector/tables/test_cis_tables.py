"""The CIS tables against moto: S3, EC2 network and instance settings, RDS, EFS, KMS, logs, alarms, SNS."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.awsrequest import AWSRequest
from moto import mock_aws
from sounding.collector.aws import strip_account_prefix_from_ip_host
from sounding.collector.tables import cloudwatch, ec2, efs, iam, kms, logs, rds, s3, sns

from tests.collector.tables.scope_rows import ACCOUNT, failing_session, gap_kinds, run_scope

REGION = "eu-west-1"


def _by(rows: list[dict], key: str) -> dict:
    """Rows indexed by one column."""
    return {r[key]: r for r in rows}


@mock_aws
def test_s3_buckets_and_their_settings() -> None:
    """A locked-down bucket and an open one: policy statements, public access block, versioning, logging."""
    client = boto3.client("s3", region_name="us-east-1")
    client.create_bucket(Bucket="locked")
    client.create_bucket(Bucket="open")
    client.put_bucket_acl(Bucket="open", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                          GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    policy = {"Version": "2012-10-17", "Statement": {
        "Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::locked", "arn:aws:s3:::locked/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}}
    client.put_bucket_policy(Bucket="locked", Policy=json.dumps(policy))
    client.put_public_access_block(Bucket="locked", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    client.put_bucket_versioning(Bucket="locked", VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_encryption(Bucket="locked", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/data"},
         "BucketKeyEnabled": True}]})
    client.put_bucket_logging(Bucket="locked", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "open", "TargetPrefix": "logs/"}})
    rows, gaps = run_scope([t for t in s3.TABLES if t.service == "s3"], "global", "us-east-1")
    assert gaps == []
    assert sorted(r["name"] for r in rows["s3_buckets"]) == ["locked", "open"]
    assert [r["bucket"] for r in rows["s3_bucket_policies"]] == ["locked"]
    (statement,) = rows["s3_bucket_policy_statements"]
    assert (statement["bucket"], statement["effect"], statement["actions"], statement["resources"]) == (
        "locked", "Deny", ["s3:*"], ["arn:aws:s3:::locked", "arn:aws:s3:::locked/*"])
    assert json.loads(statement["condition_entries"]) == [
        {"operator": "Bool", "key": "aws:SecureTransport", "values": ["false"]}]
    assert json.loads(statement["principals"]) == {"*": ["*"]}
    assert rows["s3_bucket_public_access_block"] == [
        {"account_id": ACCOUNT, "region": "global", "bucket": "locked", "block_public_acls": True,
         "ignore_public_acls": True, "block_public_policy": True, "restrict_public_buckets": True}]
    encryption = _by(rows["s3_bucket_encryption"], "bucket")
    assert (encryption["locked"]["sse_algorithm"], encryption["locked"]["kms_master_key_id"],
            encryption["locked"]["bucket_key_enabled"]) == ("aws:kms", "alias/data", True)
    versioning = _by(rows["s3_bucket_versioning"], "bucket")
    assert (versioning["locked"]["status"], versioning["open"]["status"]) == ("Enabled", None)
    logging = _by(rows["s3_bucket_logging"], "bucket")
    assert (logging["locked"]["target_bucket"], logging["open"]["target_bucket"]) == ("open", None)


@mock_aws
def test_account_public_access_block_none_is_data() -> None:
    """No account-level configuration is no row, not a gap (NoSuchPublicAccessBlockConfiguration)."""
    rows, gaps = run_scope([s3.ACCOUNT_PUBLIC_ACCESS_BLOCK], "global", "us-east-1")
    assert (rows["s3_account_public_access_block"], gaps) == ([], [])
    boto3.client("s3control", region_name="us-east-1").put_public_access_block(
        AccountId=ACCOUNT, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": False})
    rows, gaps = run_scope([s3.ACCOUNT_PUBLIC_ACCESS_BLOCK], "global", "us-east-1")
    assert rows["s3_account_public_access_block"] == [
        {"account_id": ACCOUNT, "region": "global", "block_public_acls": True, "ignore_public_acls": True,
         "block_public_policy": True, "restrict_public_buckets": False}]


@mock_aws
def test_denied_bucket_policy_read_is_a_gap_naming_the_bucket() -> None:
    """AccessDenied on one bucket's policy is recorded, not mistaken for 'no policy'."""
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="secret")
    session = failing_session("before-call.s3.GetBucketPolicy", "AccessDenied", "denied")
    rows, gaps = run_scope([s3.BUCKETS, s3.BUCKET_POLICIES], "global", "us-east-1", session=session)
    assert rows["s3_bucket_policies"] == []
    assert gap_kinds(gaps) == [("s3_bucket_policies", "global", "AccessDenied", "access_denied")]
    assert "Bucket=secret" in gaps[0].message


@mock_aws
def test_security_groups_rules_acls_flow_logs_and_instances() -> None:
    """An SSH-open group with an IPv6 rule, a network ACL entry, a flow log, an IMDSv2 instance."""
    client = boto3.client("ec2", region_name=REGION)
    vpc = client.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    group = client.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
    client.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
    acl = client.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    client.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow",
                                    Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 3389, "To": 3389})
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket="flow-logs", CreateBucketConfiguration={"LocationConstraint": REGION})
    client.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                            LogDestinationType="s3", LogDestination="arn:aws:s3:::flow-logs")
    client.enable_ebs_encryption_by_default()
    image = client.describe_images()["Images"][0]["ImageId"]
    instance = client.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                                    MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    tables = [t for t in ec2.TABLES if t.name != "regions"]
    rows, gaps = run_scope(tables, REGION)
    assert gaps == []
    assert _by(rows["ec2_security_groups"], "group_id")[group]["group_name"] == "ssh"
    ingress = sorted((r["cidr_ipv4"] or "", r["cidr_ipv6"] or "", r["from_port"], r["to_port"], r["ip_protocol"])
                     for r in rows["ec2_security_group_rules"] if r["group_id"] == group and not r["is_egress"])
    assert ingress == [("", "::/0", 22, 22, "tcp"), ("0.0.0.0/0", "", 22, 22, "tcp")]
    entry = [r for r in rows["ec2_network_acl_entries"] if r["network_acl_id"] == acl and r["rule_number"] == 100]
    assert [(e["egress"], e["rule_action"], e["protocol"], e["cidr_block"], e["from_port"], e["to_port"])
            for e in entry] == [(False, "allow", "6", "0.0.0.0/0", 3389, 3389)]
    (flow,) = rows["ec2_flow_logs"]
    assert (flow["resource_id"], flow["traffic_type"], flow["flow_log_status"]) == (vpc, "ALL", "ACTIVE")
    assert rows["ec2_ebs_encryption_by_default"] == [
        {"account_id": ACCOUNT, "region": REGION, "ebs_encryption_by_default": True}]
    assert _by(rows["ec2_instances"], "instance_id")[instance]["http_tokens"] == "required"


@mock_aws
def test_rds_efs_kms() -> None:
    """An unencrypted public RDS instance, an encrypted EFS, a customer key with rotation on."""
    boto3.client("rds", region_name=REGION).create_db_instance(
        DBInstanceIdentifier="db1", DBInstanceClass="db.t3.micro", Engine="postgres", MasterUsername="u",
        MasterUserPassword="password1", AllocatedStorage=20, PubliclyAccessible=True, StorageEncrypted=False,
        AutoMinorVersionUpgrade=False)
    fs = boto3.client("efs", region_name=REGION).create_file_system(CreationToken="t", Encrypted=True)
    kms_client = boto3.client("kms", region_name=REGION)
    rotated = kms_client.create_key()["KeyMetadata"]["KeyId"]
    kms_client.enable_key_rotation(KeyId=rotated)
    plain = kms_client.create_key()["KeyMetadata"]["KeyId"]
    signing = kms_client.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    rows, gaps = run_scope([*rds.TABLES, *efs.TABLES, *kms.TABLES], REGION)
    assert gaps == []
    (db,) = rows["rds_db_instances"]
    assert (db["db_instance_identifier"], db["storage_encrypted"], db["publicly_accessible"],
            db["auto_minor_version_upgrade"]) == ("db1", False, True, False)
    assert [(f["file_system_id"], f["encrypted"]) for f in rows["efs_file_systems"]] == [
        (fs["FileSystemId"], True)]
    assert {k["key_id"]: k["key_manager"] for k in rows["kms_keys"]} == {
        rotated: "CUSTOMER", plain: "CUSTOMER", signing: "CUSTOMER"}
    assert {r["key_id"]: r["key_rotation_enabled"] for r in rows["kms_key_rotation"]} == {
        rotated: True, plain: False}


@mock_aws
def test_metric_filters_alarms_topics_subscriptions_certificates() -> None:
    """The monitoring chain: a filter, an alarm on its metric, a topic with one subscriber; an IAM certificate."""
    logs_client = boto3.client("logs", region_name=REGION)
    logs_client.create_log_group(logGroupName="trail")
    pattern = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    logs_client.put_metric_filter(logGroupName="trail", filterName="unauth", filterPattern=pattern,
                                  metricTransformations=[{"metricName": "Unauthorized",
                                                          "metricNamespace": "CIS", "metricValue": "1"}])
    topic = boto3.client("sns", region_name=REGION).create_topic(Name="alerts")["TopicArn"]
    boto3.client("sns", region_name=REGION).subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    boto3.client("cloudwatch", region_name=REGION).put_metric_alarm(
        AlarmName="unauth", MetricName="Unauthorized", Namespace="CIS", Statistic="Sum", Period=300,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic])
    rows, gaps = run_scope([*logs.TABLES, *cloudwatch.TABLES, *sns.TABLES], REGION)
    assert gaps == []
    assert [(f["log_group_name"], f["filter_pattern"], f["metric_names"]) for f in rows["logs_metric_filters"]] == [
        ("trail", pattern, ["Unauthorized"])]
    assert [(a["alarm_name"], a["metric_name"], a["alarm_actions"]) for a in rows["cloudwatch_alarms"]] == [
        ("unauth", "Unauthorized", [topic])]
    assert [t["topic_arn"] for t in rows["sns_topics"]] == [topic]
    assert [(s["topic_arn"], s["protocol"], s["endpoint"]) for s in rows["sns_subscriptions"]] == [
        (topic, "email", "a@example.com")]
    rows, gaps = run_scope([iam.SERVER_CERTIFICATES], "global", "us-east-1")
    assert (rows["iam_server_certificates"], gaps) == ([], [])


@pytest.mark.parametrize(("url", "expected"), [
    ("http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock",
     "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock"),
    ("http://123456789012.localhost:5000/x", "http://localhost:5000/x"),
    ("https://123456789012.s3-control.us-east-1.amazonaws.com/x",
     "https://123456789012.s3-control.us-east-1.amazonaws.com/x"),
])
def test_s3control_account_prefix_is_dropped_only_before_an_ip_or_localhost(url: str, expected: str) -> None:
    """AWS hosts keep their {AccountId}. prefix; a prefixed IP literal (a local endpoint) cannot resolve."""
    request = AWSRequest(method="GET", url=url)
    strip_account_prefix_from_ip_host(request)
    assert request.url == expected
