"""Seeds an organization in a moto_server with plain boto3 (via AWS_ENDPOINT_URL), for org-mode tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import boto3

MANAGEMENT = "123456789012"
MEMBER_ROLE = "OrganizationAccountAccessRole"
REGION_LOCK = {"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyOutsideAllowedRegions", "Effect": "Deny", "NotAction": ["iam:*", "organizations:*", "sts:*"],
    "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}}]}


@dataclass
class SeededOrg:
    """The ids a test needs to state exact expectations about the seeded organization."""

    org_id: str
    root_id: str
    ous: dict[str, str]  # OU name -> id
    accounts: dict[str, str]  # account name -> id ("master" is the management account)
    policy_id: str
    sessions: dict[str, boto3.Session] = field(default_factory=dict)  # account id -> session


def member_session(account_id: str, region: str = "us-east-1") -> boto3.Session:
    """A session in a member account, as the management account reaches it (sts:AssumeRole)."""
    if account_id == MANAGEMENT:
        return boto3.Session(region_name=region)
    credentials = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}", RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                         aws_secret_access_key=credentials["SecretAccessKey"],
                         aws_session_token=credentials["SessionToken"], region_name=region)


def seed_organization() -> SeededOrg:
    """Management + prod (in Workloads/Prod) + dev (in Sandbox), a region-lock SCP on the root."""
    client = boto3.client("organizations", region_name="us-east-1")
    org_id = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root_id = client.list_roots()["Roots"][0]["Id"]
    client.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    ous: dict[str, str] = {}
    for name, parent in (("Workloads", root_id), ("Prod", None), ("Sandbox", root_id)):
        unit = client.create_organizational_unit(ParentId=parent or ous["Workloads"], Name=name)["OrganizationalUnit"]
        ous[name] = unit["Id"]
    accounts = {"master": MANAGEMENT}
    for name, ou in (("prod", "Prod"), ("dev", "Sandbox")):
        account_id = client.create_account(AccountName=name, Email=f"aws-{name}@example.com")[
            "CreateAccountStatus"]["AccountId"]
        client.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ous[ou])
        accounts[name] = account_id
    policy_id = client.create_policy(Name="RegionLock", Type="SERVICE_CONTROL_POLICY", Description="EU and us-east-1",
                                     Content=json.dumps(REGION_LOCK))["Policy"]["PolicySummary"]["Id"]
    client.attach_policy(PolicyId=policy_id, TargetId=root_id)
    sessions = {account_id: member_session(account_id) for account_id in accounts.values()}
    return SeededOrg(org_id, root_id, ous, accounts, policy_id, sessions)


def seed_workloads(org: SeededOrg) -> dict[tuple[str, str], list[str]]:
    """IAM and EC2 data in more than one account and region; returns the created VPC ids by (account, region)."""
    prod, dev = org.sessions[org.accounts["prod"]], org.sessions[org.accounts["dev"]]
    prod.client("iam").create_user(UserName="deployer")
    dev.client("iam").create_user(UserName="developer")
    dev.client("iam").update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24)
    created: dict[tuple[str, str], list[str]] = {}
    for account_id, region, cidr in ((org.accounts["prod"], "eu-west-1", "10.1.0.0/16"),
                                     (org.accounts["prod"], "us-east-1", "10.2.0.0/16"),
                                     (MANAGEMENT, "us-east-1", "10.9.0.0/16")):
        vpc = org.sessions[account_id].client("ec2", region_name=region).create_vpc(CidrBlock=cidr)["Vpc"]
        created.setdefault((account_id, region), []).append(vpc["VpcId"])
    return created


def seed_services(org: SeededOrg) -> dict[str, str]:
    """CloudTrail, GuardDuty, EventBridge and Config in different accounts and regions; returns their ids."""
    management, prod, dev = (org.sessions[org.accounts[n]] for n in ("master", "prod", "dev"))
    management.client("s3", region_name="us-east-1").create_bucket(Bucket="org-trail-logs")
    trail = management.client("cloudtrail", region_name="us-east-1").create_trail(
        Name="org-trail", S3BucketName="org-trail-logs", IsMultiRegionTrail=True, IsOrganizationTrail=True)
    detector = prod.client("guardduty", region_name="eu-west-1").create_detector(Enable=True)["DetectorId"]
    rule = dev.client("events", region_name="us-east-1").put_rule(
        Name="guardduty-findings", EventPattern=json.dumps({"source": ["aws.guardduty"]}))["RuleArn"]
    prod.client("config", region_name="us-east-1").put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{org.accounts['prod']}:role/config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    return {"trail_arn": trail["TrailARN"], "detector_id": detector, "rule_arn": rule}
