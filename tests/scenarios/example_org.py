"""The example organization: a management account and two members, insecure in known ways.

Seeded with plain boto3 against whatever AWS_ENDPOINT_URL points at (a moto_server), then
collected by the real collector. Used by snapshots/make_example.py, which writes the shipped
example snapshot, and by the end-to-end tests of the rule pack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

REGIONS = ("us-east-1", "eu-west-1")
ROLE_NAME = "OrganizationAccountAccessRole"
GITHUB_OIDC = "token.actions.githubusercontent.com"


@dataclass
class ExampleOrg:
    """Account ids of the seeded organization."""

    management: str
    prod: str
    sandbox: str
    workloads_ou: str
    notes: list[str] = field(default_factory=list)

    @property
    def accounts(self) -> list[str]:
        """Every account id, management first."""
        return [self.management, self.prod, self.sandbox]


def _policy(statements: list[dict[str, Any]]) -> str:
    """A policy document as JSON text."""
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def member_session(account_id: str) -> boto3.Session:
    """A session in a member account through the organization access role."""
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/{ROLE_NAME}",
                                            RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


def seed() -> ExampleOrg:
    """Create the organization and every account's configuration."""
    management = boto3.Session(region_name="us-east-1")
    org = management.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    workloads = org.create_organizational_unit(ParentId=root_id, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = org.create_account(Email="aws-prod@example.com", AccountName="prod")["CreateAccountStatus"]["AccountId"]
    sandbox = org.create_account(Email="aws-sandbox@example.com",
                                 AccountName="sandbox")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=prod, SourceParentId=root_id, DestinationParentId=workloads)
    scp = org.create_policy(
        Name="deny-outside-approved-regions", Type="SERVICE_CONTROL_POLICY",
        Description="Deny requests outside us-east-1 and eu-west-1",
        Content=_policy([{"Sid": "DenyOtherRegions", "Effect": "Deny",
                          "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*", "account:*"],
                          "Resource": "*",
                          "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(REGIONS)}}}]))
    org.attach_policy(PolicyId=scp["Policy"]["PolicySummary"]["Id"], TargetId=root_id)
    result = ExampleOrg(management=org.describe_organization()["Organization"]["MasterAccountId"],
                        prod=prod, sandbox=sandbox, workloads_ou=workloads)
    seed_management(management)
    seed_prod(member_session(prod))
    seed_sandbox(member_session(sandbox))
    return result


def seed_management(session: boto3.Session) -> None:
    """The management account: an organization trail, partial coverage elsewhere, some weak IAM."""
    iam = session.client("iam")
    iam.update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=True)
    session.client("account").put_alternate_contact(
        AlternateContactType="SECURITY", EmailAddress="security@example.com", Name="Security team",
        PhoneNumber="+1-555-0100", Title="Security")
    # People: one with MFA, one without; a machine user with a key and no console.
    for user in ("alice", "bob", "deploy-bot"):
        iam.create_user(UserName=user)
    for user in ("alice", "bob"):
        iam.create_login_profile(UserName=user, Password="Corr3ct-Horse-Battery!", PasswordResetRequired=False)
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="alice", SerialNumber=device["SerialNumber"], AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.create_access_key(UserName="deploy-bot")
    admin = iam.create_policy(PolicyName="AdminEverything",
                              PolicyDocument=_policy([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
    s3_power = iam.create_policy(PolicyName="S3Power", PolicyDocument=_policy(
        [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::example-data/*"}]))
    iam.attach_user_policy(UserName="bob", PolicyArn=admin["Policy"]["Arn"])
    iam.attach_user_policy(UserName="deploy-bot", PolicyArn=s3_power["Policy"]["Arn"])
    provider = iam.create_open_id_connect_provider(Url=f"https://{GITHUB_OIDC}", ClientIDList=["sts.amazonaws.com"],
                                                   ThumbprintList=["6938fd4d98bab03faadb97b34396831e3780aea1"])
    federated = provider["OpenIDConnectProviderArn"]
    iam.create_role(RoleName="gha-deploy", AssumeRolePolicyDocument=_policy([{
        "Effect": "Allow", "Principal": {"Federated": federated}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{GITHUB_OIDC}:aud": "sts.amazonaws.com"},
                      "StringLike": {f"{GITHUB_OIDC}:sub": "repo:example-org/infra:ref:refs/heads/main"}}}]))
    iam.create_role(RoleName="gha-anything", AssumeRolePolicyDocument=_policy([{
        "Effect": "Allow", "Principal": {"Federated": federated}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{GITHUB_OIDC}:aud": "sts.amazonaws.com"}}}]))
    # An organization trail in us-east-1, logging, validated, encrypted, to CloudWatch Logs.
    s3 = session.client("s3")
    s3.create_bucket(Bucket="example-org-trail")
    key = session.client("kms").create_key(Description="trail key")["KeyMetadata"]["Arn"]
    logs = session.client("logs")
    logs.create_log_group(logGroupName="org-trail")
    group_arn = logs.describe_log_groups(logGroupNamePrefix="org-trail")["logGroups"][0]["arn"]
    role = iam.create_role(RoleName="trail-to-logs", AssumeRolePolicyDocument=_policy([{
        "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]))
    trails = session.client("cloudtrail")
    trails.create_trail(Name="org-trail", S3BucketName="example-org-trail", IsMultiRegionTrail=True,
                        IsOrganizationTrail=True, EnableLogFileValidation=True, KmsKeyId=key,
                        CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role["Role"]["Arn"])
    trails.start_logging(Name="org-trail")
    trails.put_event_selectors(TrailName="org-trail", EventSelectors=[
        {"ReadWriteType": "All", "IncludeManagementEvents": True}])
    _config_recorder(session, "us-east-1", started=True)
    _guardduty(session, "us-east-1", enabled=True)
    _guardduty(session, "eu-west-1", enabled=False)
    hub = session.client("securityhub", region_name="us-east-1")
    hub.enable_security_hub(EnableDefaultStandards=False)  # moto has no CreateFindingAggregator
    _alert_rule(session, "us-east-1", "guardduty-findings", {"source": ["aws.guardduty"]})
    _alert_rule(session, "us-east-1", "securityhub-findings",
                {"source": ["aws.securityhub"], "detail-type": ["Security Hub Findings - Imported"]})
    # The management account runs a workload VPC: SCPs do not apply here.
    session.client("ec2", region_name="eu-west-1").create_vpc(CidrBlock="10.20.0.0/16")


def seed_prod(session: boto3.Session) -> None:
    """The production member: strong password policy, GuardDuty everywhere, no default VPCs."""
    session.client("iam").update_account_password_policy(MinimumPasswordLength=16, PasswordReusePrevention=24,
                                                         RequireSymbols=True, RequireNumbers=True)
    for region in REGIONS:
        _guardduty(session, region, enabled=True)
        _config_recorder(session, region, started=True)
        ec2 = session.client("ec2", region_name=region)
        for vpc in ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]:
            _delete_vpc(ec2, vpc["VpcId"])


def seed_sandbox(session: boto3.Session) -> None:
    """The sandbox member: nothing configured, a forgotten user with an old key."""
    iam = session.client("iam")
    iam.create_user(UserName="experiment")
    iam.create_access_key(UserName="experiment")


def _config_recorder(session: boto3.Session, region: str, *, started: bool) -> None:
    """A Config recorder of every supported type with a delivery channel."""
    config = session.client("config", region_name=region)
    account = session.client("sts").get_caller_identity()["Account"]
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/"
                                      "AWSServiceRoleForConfig",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == "us-east-1"}})
    bucket = f"config-{account}-{region}"
    s3 = session.client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    if started:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def _guardduty(session: boto3.Session, region: str, *, enabled: bool) -> None:
    """A GuardDuty detector, enabled or suspended."""
    session.client("guardduty", region_name=region).create_detector(Enable=enabled)


def _alert_rule(session: boto3.Session, region: str, name: str, pattern: dict[str, Any]) -> None:
    """An EventBridge rule sending matching events to an SNS topic."""
    topic = session.client("sns", region_name=region).create_topic(Name=f"{name}-alerts")["TopicArn"]
    events = session.client("events", region_name=region)
    events.put_rule(Name=name, EventPattern=json.dumps(pattern), State="ENABLED")
    events.put_targets(Rule=name, Targets=[{"Id": "sns", "Arn": topic}])


def _delete_vpc(ec2: Any, vpc_id: str) -> None:
    """Delete a VPC with its subnets and internet gateways."""
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    for gateway in ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"], VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=gateway["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc_id)
