"""API items of one synthetic account, shaped like the AWS answers the declarations read."""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

# The 17 regions every account has enabled (opt-in-not-required), and opt-in regions left disabled.
REGIONS = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
           "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
           "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2")
OPT_IN_REGIONS = ("af-south-1", "ap-east-1", "eu-south-1", "me-south-1")
HOME = "us-east-1"
COLLECTED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

SERVICES = ("s3", "ec2", "dynamodb", "lambda", "sqs", "sns", "kms", "logs", "iam", "cloudwatch", "ecr", "rds")
VERBS = ("Get", "List", "Describe", "Put", "Create", "Delete", "Update")
AWS_MANAGED = ("AdministratorAccess", "ReadOnlyAccess", "SecurityAudit", "PowerUserAccess", "ViewOnlyAccess")


def account_id(index: int) -> str:
    """The 12-digit id of the index-th synthetic account (index 0 is the management account)."""
    return f"{100000000000 + index * 7919:012d}"


class AccountModel:
    """Every API item of one account, drawn from its own seeded generator."""

    def __init__(self, seed: int, index: int, accounts: int) -> None:
        self.rng = random.Random(f"{seed}:{index}")
        self.index = index
        self.accounts = accounts
        self.id = account_id(index)
        self.management = account_id(0)
        # Posture: most accounts are good, some are bad in one way or another.
        r = self.rng
        self.root_mfa = r.random() < 0.85
        self.trail_multi_region = r.random() < 0.8
        self.config_regions = {x for x in REGIONS if r.random() < 0.75}
        self.guardduty_regions = {x for x in REGIONS if r.random() < 0.8}
        self.securityhub_regions = {x for x in REGIONS if r.random() < 0.6}
        self.default_vpc_regions = {x for x in REGIONS if r.random() < 0.5}
        self._auth: dict[str, Any] | None = None

    def auth(self) -> dict[str, Any]:
        """The account's GetAccountAuthorizationDetails answer, drawn once."""
        if self._auth is None:
            self._auth = self.authorization_details()
        return self._auth

    def ts(self, days_back_max: int = 900) -> datetime:
        """A timestamp some random time before collection."""
        return COLLECTED_AT - timedelta(seconds=self.rng.randrange(3600, days_back_max * 86400))

    def arn(self, service: str, rest: str, region: str = "") -> str:
        """An ARN in this account."""
        return f"arn:aws:{service}:{region}:{self.id}:{rest}"

    # --- IAM: one GetAccountAuthorizationDetails answer -----------------------------------------
    def statement(self, index: int) -> dict[str, Any]:
        """One identity-policy statement; a few are wildcard admin grants."""
        r = self.rng
        if r.random() < 0.01:
            return {"Sid": f"S{index}", "Effect": "Allow", "Action": "*", "Resource": "*"}
        service = r.choice(SERVICES)
        actions = sorted({f"{service}:{r.choice(VERBS)}{r.choice(('Object', 'Item', 'Key', 'Queue', '*'))}"
                          for _ in range(r.randint(1, 6))})
        statement: dict[str, Any] = {"Sid": f"S{index}", "Effect": "Allow" if r.random() < 0.9 else "Deny",
                                     "Action": actions if len(actions) > 1 else actions[0],
                                     "Resource": f"arn:aws:{service}:::{r.choice(('*', 'data-*', 'logs'))}"}
        if r.random() < 0.2:
            statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-synthetic"}}
        return statement

    def document(self, low: int = 3, high: int = 10) -> dict[str, Any]:
        """A policy document of low..high statements."""
        return {"Version": "2012-10-17",
                "Statement": [self.statement(i) for i in range(self.rng.randint(low, high))]}

    def authorization_details(self, users: int = 20, roles: int = 150, policies: int = 100) -> dict[str, Any]:
        """The one page of GetAccountAuthorizationDetails this account answers."""
        r = self.rng
        customer = [self.arn("iam", f"policy/team-policy-{i:03d}") for i in range(policies)]
        managed = [f"arn:aws:iam::aws:policy/{name}" for name in AWS_MANAGED]
        attached: dict[str, int] = {}

        def attach(n: int) -> list[dict[str, str]]:
            arns = r.sample(customer + managed, n)
            for a in arns:
                attached[a] = attached.get(a, 0) + 1
            return [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in arns]

        def inline() -> list[dict[str, Any]]:
            if r.random() < 0.9:
                return []
            return [{"PolicyName": "inline-0", "PolicyDocument": self.document(1, 3)}]

        groups = [{"GroupName": f"group-{g}", "GroupId": f"AGPA{self.id}{g:04d}", "Path": "/",
                   "Arn": self.arn("iam", f"group/group-{g}"), "CreateDate": self.ts(),
                   "GroupPolicyList": inline(), "AttachedManagedPolicies": attach(2)} for g in range(5)]
        user_list = []
        for u in range(users):
            user_list.append({
                "UserName": f"user-{u:02d}", "UserId": f"AIDA{self.id}{u:04d}", "Path": "/",
                "Arn": self.arn("iam", f"user/user-{u:02d}"), "CreateDate": self.ts(),
                "GroupList": [f"group-{r.randrange(5)}"], "UserPolicyList": inline(),
                "AttachedManagedPolicies": attach(r.randint(0, 2)),
                "Tags": [{"Key": "team", "Value": f"team-{r.randrange(9)}"}]})
        role_list = []
        for n in range(roles):
            service_role = r.random() < 0.5
            principal = ({"Service": f"{r.choice(SERVICES)}.amazonaws.com"} if service_role
                         else {"AWS": f"arn:aws:iam::{account_id(r.randrange(self.accounts))}:root"})
            trust = {"Version": "2012-10-17",
                     "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}
            name = f"role-{n:03d}"
            role_list.append({
                "RoleName": name, "RoleId": f"AROA{self.id}{n:04d}", "Path": "/",
                "Arn": self.arn("iam", f"role/{name}"), "CreateDate": self.ts(),
                "AssumeRolePolicyDocument": trust, "RolePolicyList": inline(),
                "AttachedManagedPolicies": attach(r.randint(0, 3)),
                "RoleLastUsed": {"LastUsedDate": self.ts(200), "Region": r.choice(REGIONS)} if r.random() < 0.7
                else {}, "Tags": []})
        policy_list = []
        for a in customer + managed:
            if a in managed and a not in attached:
                continue
            created = self.ts()
            policy_list.append({
                "PolicyName": a.rsplit("/", 1)[-1], "PolicyId": f"ANPA{zlib.crc32(a.encode()):012d}", "Arn": a,
                "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": attached.get(a, 0),
                "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": created,
                "UpdateDate": created,
                "PolicyVersionList": [{"Document": self.document(), "VersionId": "v1", "IsDefaultVersion": True,
                                       "CreateDate": created}]})
        return {"UserDetailList": user_list, "GroupDetailList": groups, "RoleDetailList": role_list,
                "Policies": policy_list}

    def credential_report(self, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Credential report rows: the root user first, then every user."""
        r = self.rng
        rows = [{"user": "<root_account>", "arn": f"arn:aws:iam::{self.id}:root", "user_creation_time": self.ts(),
                 "password_enabled": "not_supported", "mfa_active": str(self.root_mfa).lower(),
                 "access_key_1_active": str(r.random() < 0.05).lower(), "access_key_2_active": "false",
                 "cert_1_active": "false", "cert_2_active": "false", "report_generated_at": COLLECTED_AT}]
        for user in users:
            key_active = r.random() < 0.6
            rows.append({"user": user["UserName"], "arn": user["Arn"], "user_creation_time": user["CreateDate"],
                         "password_enabled": str(r.random() < 0.5).lower(),
                         "password_last_used": self.ts(120), "mfa_active": str(r.random() < 0.7).lower(),
                         "access_key_1_active": str(key_active).lower(),
                         "access_key_1_last_rotated": self.ts(400) if key_active else "N/A",
                         "access_key_1_last_used_date": self.ts(60) if key_active else "N/A",
                         "access_key_2_active": "false", "cert_1_active": "false", "cert_2_active": "false",
                         "report_generated_at": COLLECTED_AT})
        return rows

    # --- Regional services -----------------------------------------------------------------------
    def trails(self, region: str) -> list[dict[str, Any]]:
        """DescribeTrails in one region: the multi-region trail (shadowed everywhere) or a local one."""
        if self.trail_multi_region:
            return [{"TrailARN": self.arn("cloudtrail", "trail/org-trail", HOME), "Name": "org-trail",
                     "HomeRegion": HOME, "IsMultiRegionTrail": True, "IsOrganizationTrail": False,
                     "IncludeGlobalServiceEvents": True, "LogFileValidationEnabled": self.index % 3 != 0,
                     "KmsKeyId": self.arn("kms", "key/abcd", HOME) if self.index % 2 else None,
                     "S3BucketName": f"trail-{self.id}", "HasCustomEventSelectors": False,
                     "HasInsightSelectors": False}]
        if region != HOME:
            return []
        return [{"TrailARN": self.arn("cloudtrail", "trail/local", HOME), "Name": "local", "HomeRegion": HOME,
                 "IsMultiRegionTrail": False, "IsOrganizationTrail": False, "IncludeGlobalServiceEvents": True,
                 "LogFileValidationEnabled": False, "S3BucketName": f"trail-{self.id}",
                 "HasCustomEventSelectors": False, "HasInsightSelectors": False}]

    def trail_status(self) -> dict[str, Any]:
        """GetTrailStatus of a trail."""
        return {"IsLogging": self.rng.random() < 0.95, "LatestDeliveryTime": self.ts(2),
                "StartLoggingTime": self.ts()}

    def event_selectors(self) -> dict[str, Any]:
        """GetEventSelectors of a trail: management events, read and write."""
        return {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                    "DataResources": [], "ExcludeManagementEventSources": []}]}

    def recorders(self, region: str) -> list[dict[str, Any]]:
        """DescribeConfigurationRecorders."""
        if region not in self.config_regions:
            return []
        return [{"name": "default", "roleARN": self.arn("iam", "role/config-role"),
                 "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == HOME,
                                    "resourceTypes": [],
                                    "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"},
                                    "exclusionByResourceTypes": {"resourceTypes": []}}}]

    def recorder_status(self, region: str) -> list[dict[str, Any]]:
        """DescribeConfigurationRecorderStatus."""
        if region not in self.config_regions:
            return []
        return [{"name": "default", "recording": self.rng.random() < 0.9, "lastStatus": "SUCCESS",
                 "lastStatusChangeTime": self.ts(3)}]

    def delivery_channels(self, region: str) -> list[dict[str, Any]]:
        """DescribeDeliveryChannels."""
        if region not in self.config_regions:
            return []
        return [{"name": "default", "s3BucketName": f"config-{self.management}",
                 "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"}}]

    def delivery_channel_status(self, region: str) -> list[dict[str, Any]]:
        """DescribeDeliveryChannelStatus."""
        if region not in self.config_regions:
            return []
        return [{"name": "default", "configHistoryDeliveryInfo": {"lastStatus": "SUCCESS",
                                                                  "lastSuccessfulTime": self.ts(2)},
                 "configSnapshotDeliveryInfo": {"lastStatus": "SUCCESS", "lastSuccessfulTime": self.ts(2)},
                 "configStreamDeliveryInfo": {"lastStatus": "NOT_APPLICABLE"}}]

    def detector(self, region: str) -> dict[str, Any]:
        """GetDetector."""
        return {"Status": "ENABLED" if self.rng.random() < 0.95 else "DISABLED",
                "FindingPublishingFrequency": "SIX_HOURS", "CreatedAt": self.ts().isoformat(),
                "UpdatedAt": self.ts(30).isoformat(), "ServiceRole": self.arn("iam", "role/aws-service-role/gd"),
                "Features": [{"Name": n, "Status": "ENABLED"} for n in ("CLOUD_TRAIL", "DNS_LOGS", "S3_DATA_EVENTS")]}

    def event_rules(self, region: str) -> list[dict[str, Any]]:
        """ListRules on the default bus: a few managed rules and, in some accounts, security alerting."""
        r = self.rng
        rules = [{"Name": f"managed-{i}", "Arn": self.arn("events", f"rule/managed-{i}", region),
                  "EventBusName": "default", "State": "ENABLED", "ManagedBy": "guardduty.amazonaws.com",
                  "EventPattern": '{"source":["aws.guardduty"]}'} for i in range(r.randint(1, 4))]
        if r.random() < 0.4:
            rules.append({"Name": "security-alerts", "Arn": self.arn("events", "rule/security-alerts", region),
                          "EventBusName": "default", "State": "ENABLED",
                          "EventPattern": '{"source":["aws.iam"],"detail-type":["AWS API Call via CloudTrail"],'
                                          '"detail":{"eventName":["ConsoleLogin","CreateUser"]}}'})
        return rules

    def vpcs(self, region: str) -> list[dict[str, Any]]:
        """DescribeVpcs: maybe a default VPC, and a workload VPC or two."""
        vpcs = [{"VpcId": f"vpc-{self.rng.getrandbits(48):012x}", "IsDefault": False, "State": "available",
                 "CidrBlock": f"10.{self.rng.randrange(256)}.0.0/16", "OwnerId": self.id}
                for _ in range(self.rng.randint(0, 2))]
        if region in self.default_vpc_regions:
            vpcs.append({"VpcId": f"vpc-{self.rng.getrandbits(48):012x}", "IsDefault": True, "State": "available",
                         "CidrBlock": "172.31.0.0/16", "OwnerId": self.id})
        return vpcs
