"""API items of the CIS tables in a synthetic account: buckets, security groups, network ACLs, instances, filters."""

from __future__ import annotations

from typing import Any

from benchmarks.org_model import HOME, REGIONS, AccountModel

# Regions of each account where workloads (custom groups, instances, flow logs) are modeled.
WORKLOAD_REGIONS = REGIONS[:3]
BUCKETS = 15
ADMIN_PORTS = (22, 3389)
ROOT_PATTERN = ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
                '&& $.eventType != "AwsServiceEvent" }')
UNAUTHORIZED_PATTERN = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'


def _group_ids(m: AccountModel, region: str) -> list[str]:
    """Security group ids of a region, stable across the tables that name them (default group first)."""
    count = 1 + (4 if region in WORKLOAD_REGIONS else 0)
    return [f"sg-{int(m.id) % 16**8:08x}{REGIONS.index(region) if region in REGIONS else 99:02x}{n:03x}"
            for n in range(count)]


def buckets(m: AccountModel, _region: str) -> list[Any]:
    """ListBuckets: a few dozen buckets, mostly in the home region."""
    return [{"Name": f"b-{m.id}-{n:03d}", "CreationDate": m.ts(), "BucketRegion": HOME if n % 4 else REGIONS[n % 3]}
            for n in range(BUCKETS)]


def bucket_policy(m: AccountModel, parent: dict[str, Any], _region: str) -> list[Any]:
    """GetBucketPolicy: most buckets deny plain HTTP and grant one role access."""
    if m.rng.random() < 0.3:
        return []
    name = parent["name"]
    statements = [{"Sid": "DenyHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                   "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                  {"Sid": "App", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{m.id}:role/app"},
                   "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::{name}/*"}]
    return [{"Bucket": name, "Policy": {"Version": "2012-10-17", "Statement": statements}}]


def _block(on: bool) -> dict[str, bool]:
    """A public access block configuration, all on or partly off."""
    return {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": on, "RestrictPublicBuckets": on}


def security_groups(m: AccountModel, region: str) -> list[Any]:
    """DescribeSecurityGroups: the default group of the region's VPC and workload groups."""
    return [{"GroupId": gid, "GroupName": "default" if n == 0 else f"app-{n}", "VpcId": f"vpc-{m.id}",
             "OwnerId": m.id, "Description": "group", "IpPermissions": [], "IpPermissionsEgress": []}
            for n, gid in enumerate(_group_ids(m, region))]


def security_group_rules(m: AccountModel, region: str) -> list[Any]:
    """DescribeSecurityGroupRules: stock rules of default groups, web and admin rules of workload groups."""
    rules: list[dict[str, Any]] = []

    def rule(gid: str, egress: bool, protocol: str, low: int, high: int, **source: Any) -> None:
        rules.append({"SecurityGroupRuleId": f"sgr-{gid[3:]}{len(rules):04x}", "GroupId": gid,
                      "IsEgress": egress, "IpProtocol": protocol, "FromPort": low, "ToPort": high, **source})

    for n, gid in enumerate(_group_ids(m, region)):
        rule(gid, True, "-1", -1, -1, CidrIpv4="0.0.0.0/0")
        if n == 0:
            rule(gid, False, "-1", -1, -1, ReferencedGroupInfo={"GroupId": gid})
            continue
        rule(gid, False, "tcp", 443, 443, CidrIpv4="0.0.0.0/0")
        rule(gid, False, "tcp", 443, 443, CidrIpv6="::/0")
        port = ADMIN_PORTS[n % 2]
        rule(gid, False, "tcp", port, port, CidrIpv4="0.0.0.0/0" if m.rng.random() < 0.1 else "10.0.0.0/8")
    return rules


def network_acls(m: AccountModel, region: str) -> list[Any]:
    """DescribeNetworkAcls: the default ACL (allows everything) and, where workloads run, a guarded one."""
    def entries(guarded: bool) -> list[dict[str, Any]]:
        found = []
        for egress in (False, True):
            if guarded and not egress:
                found += [{"RuleNumber": 10 + i, "Protocol": "6", "RuleAction": "deny", "Egress": False,
                           "CidrBlock": "0.0.0.0/0", "PortRange": {"From": p, "To": p}}
                          for i, p in enumerate(ADMIN_PORTS)]
            found += [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": egress,
                       "CidrBlock": "0.0.0.0/0"},
                      {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": egress,
                       "CidrBlock": "0.0.0.0/0"}]
        return found
    acls = [{"NetworkAclId": f"acl-{m.id}-{region}-0", "VpcId": f"vpc-{m.id}", "IsDefault": True,
             "Associations": [], "Entries": entries(False)}]
    if region in WORKLOAD_REGIONS:
        acls.append({"NetworkAclId": f"acl-{m.id}-{region}-1", "VpcId": f"vpc-{m.id}", "IsDefault": False,
                     "Associations": [], "Entries": entries(True)})
    return acls


def instances(m: AccountModel, region: str) -> list[Any]:
    """DescribeInstances: a handful of instances where workloads run, most requiring IMDSv2."""
    if region not in WORKLOAD_REGIONS:
        return []
    return [{"InstanceId": f"i-{m.id}{REGIONS.index(region):02d}{n:03d}", "State": {"Name": "running"},
             "VpcId": f"vpc-{m.id}", "LaunchTime": m.ts(),
             "MetadataOptions": {"HttpTokens": "required" if m.rng.random() < 0.7 else "optional",
                                 "HttpEndpoint": "enabled"},
             "IamInstanceProfile": {"Arn": f"arn:aws:iam::{m.id}:instance-profile/app"}}
            for n in range(5)]


def flow_logs(m: AccountModel, region: str) -> list[Any]:
    """DescribeFlowLogs: the workload VPC is logged in most accounts."""
    if region not in WORKLOAD_REGIONS or m.rng.random() < 0.3:
        return []
    return [{"FlowLogId": f"fl-{m.id}-{region}", "ResourceId": f"vpc-{m.id}", "FlowLogStatus": "ACTIVE",
             "DeliverLogsStatus": "SUCCESS", "TrafficType": "ALL", "LogDestinationType": "s3",
             "LogDestination": f"arn:aws:s3:::flow-logs-{m.id}"}]


def metric_filters(m: AccountModel, region: str) -> list[Any]:
    """DescribeMetricFilters: two CIS filters on the trail's log group, in the home region."""
    if region != HOME:
        return []
    return [{"filterName": name, "logGroupName": "cloudtrail-logs", "filterPattern": pattern,
             "metricTransformations": [{"metricName": name, "metricNamespace": "CIS", "metricValue": "1"}]}
            for name, pattern in (("root-usage", ROOT_PATTERN), ("unauthorized", UNAUTHORIZED_PATTERN))]


TOP_ITEMS = {
    "s3_buckets": buckets,
    "s3_account_public_access_block": lambda m, _r: [_block(True)] if m.rng.random() < 0.6 else [],
    "ec2_security_groups": security_groups,
    "ec2_security_group_rules": security_group_rules,
    "ec2_network_acls": network_acls,
    "ec2_instances": instances,
    "ec2_flow_logs": flow_logs,
    "ec2_ebs_encryption_by_default": lambda m, _r: [{"EbsEncryptionByDefault": m.rng.random() < 0.6}],
    "logs_metric_filters": metric_filters,
}

CHILD_ITEMS = {
    "s3_bucket_policies": bucket_policy,
    "s3_bucket_public_access_block": lambda m, _p, _r: [_block(m.rng.random() < 0.8)],
    "s3_bucket_encryption": lambda _m, _p, _r: [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                                 "BucketKeyEnabled": False}],
    "s3_bucket_versioning": lambda m, _p, _r: [{"Status": "Enabled", "MFADelete": "Disabled"}
                                               if m.rng.random() < 0.5 else {}],
    "s3_bucket_logging": lambda m, p, _r: [{"LoggingEnabled": {"TargetBucket": f"logs-{m.id}",
                                                               "TargetPrefix": p["name"] + "/"}}
                                           if m.rng.random() < 0.5 else {}],
}
