"""Which API items each declared table gets in a synthetic account: modeled ones, or typed generic ones."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sounding.collector.declarations import BOOL, FLOAT, INT, JSON, STRING, STRINGS, TIMESTAMP, Column, TableSpec

from benchmarks import cis_items
from benchmarks.org_model import HOME, OPT_IN_REGIONS, REGIONS, AccountModel, account_id

TopItems = Callable[[AccountModel, str], list[Any]]
ChildItems = Callable[[AccountModel, dict[str, Any], str], list[Any]]
_SIMPLE_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")
# Unmodeled regional tables get generic rows in this many regions of each account.
GENERIC_REGIONS = 3


def _summary(m: AccountModel, _region: str) -> list[Any]:
    details = m.auth()
    return [{"AccountMFAEnabled": int(m.root_mfa), "AccountAccessKeysPresent": 0, "AccountPasswordPresent": 0,
             "AccountSigningCertificatesPresent": 0, "Users": len(details["UserDetailList"]),
             "Roles": len(details["RoleDetailList"]), "Groups": len(details["GroupDetailList"]),
             "Policies": len(details["Policies"]), "MFADevices": 5, "MFADevicesInUse": 5}]


def _password_policy(m: AccountModel, _region: str) -> list[Any]:
    if m.rng.random() < 0.3:
        return []  # NoSuchEntity: no policy (a finding, not a gap)
    strong = m.rng.random() < 0.6
    return [{"MinimumPasswordLength": 14 if strong else 8, "RequireSymbols": strong, "RequireNumbers": True,
             "RequireUppercaseCharacters": strong, "RequireLowercaseCharacters": True,
             "AllowUsersToChangePassword": True, "ExpirePasswords": False, "PasswordReusePrevention": 24 if strong
             else None, "HardExpiry": False}]


def _virtual_mfa(m: AccountModel, _region: str) -> list[Any]:
    devices = [{"SerialNumber": m.arn("iam", f"mfa/{u['UserName']}"),
                "User": {"Arn": u["Arn"], "UserName": u["UserName"]}, "EnableDate": u["CreateDate"]}
               for u in m.auth()["UserDetailList"][:5]]
    if m.root_mfa and m.index % 2:
        devices.append({"SerialNumber": m.arn("iam", "mfa/root-account-mfa-device"),
                        "User": {"Arn": f"arn:aws:iam::{m.id}:root"}, "EnableDate": m.ts()})
    return devices


def _organization(m: AccountModel, _region: str) -> list[Any]:
    return [{"Id": "o-synthetic", "Arn": f"arn:aws:organizations::{m.management}:organization/o-synthetic",
             "FeatureSet": "ALL", "MasterAccountId": m.management, "MasterAccountEmail": "root@example.com"}]


def _org_accounts(m: AccountModel, _region: str) -> list[Any]:
    return [{"Id": account_id(i), "Arn": f"arn:aws:organizations::{m.management}:account/o-synthetic/{account_id(i)}",
             "Name": f"account-{i}", "Email": f"aws+{i}@example.com", "Status": "ACTIVE", "State": "ACTIVE",
             "JoinedMethod": "CREATED", "JoinedTimestamp": m.ts(), "ParentId": "r-root"} for i in range(m.accounts)]


def _org_roots(m: AccountModel, _region: str) -> list[Any]:
    return [{"Id": "r-root", "Arn": f"arn:aws:organizations::{m.management}:root/o-synthetic/r-root",
             "Name": "Root", "PolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}]


def _org_policies(m: AccountModel, _region: str) -> list[Any]:
    full = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    deny = {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyLeaveOrg", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
        {"Sid": "DenyRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:RequestedRegion": list(REGIONS[:4])}}}]}
    return [{"Id": "p-FullAWSAccess", "Arn": "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
             "Name": "FullAWSAccess", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": True, "Content": full},
            {"Id": "p-guardrails", "Arn": f"arn:aws:organizations::{m.management}:policy/o-synthetic/p-guardrails",
             "Name": "guardrails", "Type": "SERVICE_CONTROL_POLICY", "AwsManaged": False, "Content": deny}]


def _keys(m: AccountModel, parent: dict[str, Any], _region: str) -> list[Any]:
    return [{"UserName": parent["user_name"], "AccessKeyId": f"AKIA{m.rng.getrandbits(60):016X}",
             "Status": "Active" if m.rng.random() < 0.8 else "Inactive", "CreateDate": m.ts(500)}
            for _ in range(m.rng.choice((0, 1, 1, 2)))]


def _key_last_used(m: AccountModel, parent: dict[str, Any], _region: str) -> list[Any]:
    return [{"UserName": parent["user_name"], "AccessKeyLastUsed": {
        "LastUsedDate": m.ts(100), "ServiceName": "s3", "Region": HOME}}]


def _user_mfa(m: AccountModel, parent: dict[str, Any], _region: str) -> list[Any]:
    if m.rng.random() < 0.3:
        return []
    return [{"UserName": parent["user_name"], "SerialNumber": m.arn("iam", f"mfa/{parent['user_name']}"),
             "EnableDate": m.ts()}]


def _login_profile(m: AccountModel, parent: dict[str, Any], _region: str) -> list[Any]:
    if m.rng.random() < 0.5:
        return []  # NoSuchEntity: the user has no console password
    return [{"UserName": parent["user_name"], "CreateDate": m.ts(), "PasswordResetRequired": False}]


def _hub(m: AccountModel, region: str) -> list[Any]:
    if region not in m.securityhub_regions:
        return []
    return [{"HubArn": m.arn("securityhub", "hub/default", region), "SubscribedAt": m.ts().isoformat(),
             "AutoEnableControls": True}]


def _standards(m: AccountModel, region: str) -> list[Any]:
    if region not in m.securityhub_regions:
        return []
    return [{"StandardsSubscriptionArn": m.arn("securityhub", f"subscription/{name}/v/1.0.0", region),
             "StandardsArn": f"arn:aws:securityhub:{region}::standards/{name}/v/1.0.0", "StandardsStatus": "READY"}
            for name in ("aws-foundational-security-best-practices", "cis-aws-foundations-benchmark")]


def _detector_ids(m: AccountModel, region: str) -> list[Any]:
    return [f"{m.rng.getrandbits(128):032x}"] if region in m.guardduty_regions else []


def _analyzers(m: AccountModel, region: str) -> list[Any]:
    if m.rng.random() < 0.5:
        return []
    return [{"arn": m.arn("access-analyzer", "analyzer/default", region), "name": "default", "type": "ACCOUNT",
             "status": "ACTIVE", "createdAt": m.ts()}]


def _regions(_m: AccountModel, _region: str) -> list[Any]:
    return ([{"RegionName": r, "OptInStatus": "opt-in-not-required", "Endpoint": f"ec2.{r}.amazonaws.com"}
             for r in REGIONS] +
            [{"RegionName": r, "OptInStatus": "not-opted-in", "Endpoint": f"ec2.{r}.amazonaws.com"}
             for r in OPT_IN_REGIONS])


def _opt_status(_m: AccountModel, _region: str) -> list[Any]:
    return ([{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for r in REGIONS] +
            [{"RegionName": r, "RegionOptStatus": "DISABLED"} for r in OPT_IN_REGIONS])


TOP_ITEMS: dict[str, TopItems] = {
    "regions": _regions,
    "account_region_opt_status": _opt_status,
    "ec2_vpcs": lambda m, r: m.vpcs(r),
    "iam_account_summary": _summary,
    "iam_password_policy": _password_policy,
    "iam_credential_report": lambda m, _r: m.credential_report(m.auth()["UserDetailList"]),
    "iam_virtual_mfa_devices": _virtual_mfa,
    "organizations_organization": _organization,
    "organizations_accounts": _org_accounts,
    "organizations_roots": _org_roots,
    "organizations_policies": _org_policies,
    "cloudtrail_trails": lambda m, r: m.trails(r),
    "config_recorders": lambda m, r: m.recorders(r),
    "config_recorder_status": lambda m, r: m.recorder_status(r),
    "config_delivery_channels": lambda m, r: m.delivery_channels(r),
    "config_delivery_channel_status": lambda m, r: m.delivery_channel_status(r),
    "events_buses": lambda m, r: [{"Name": "default", "Arn": m.arn("events", "event-bus/default", r)}],
    "securityhub_hub": _hub,
    "securityhub_enabled_standards": _standards,
    "guardduty_detector_ids": _detector_ids,
    "accessanalyzer_analyzers": _analyzers,
    **cis_items.TOP_ITEMS,
}

CHILD_ITEMS: dict[str, ChildItems] = {
    "iam_access_keys": _keys,
    "iam_access_key_last_used": _key_last_used,
    "iam_mfa_devices": _user_mfa,
    "iam_login_profiles": _login_profile,
    "cloudtrail_trail_status": lambda m, _p, _r: [m.trail_status()],
    "cloudtrail_event_selectors": lambda m, _p, _r: [m.event_selectors()],
    "cloudtrail_insight_selectors": lambda _m, _p, _r: [{}],
    "events_rules": lambda m, _p, r: m.event_rules(r),
    "events_targets": lambda m, p, r: [{"Id": "alert", "Arn": m.arn("sns", "security-alerts", r)}],
    "guardduty_detectors": lambda m, _p, r: [m.detector(r)],
    **cis_items.CHILD_ITEMS,
}


def generic_value(m: AccountModel, column: Column) -> Any:
    """A plausible value of the column's declared type."""
    r = m.rng
    return {STRING: lambda: f"{column.name}-{r.randrange(1000)}", INT: lambda: r.randrange(100),
            FLOAT: lambda: r.random() * 100, BOOL: lambda: r.random() < 0.5, TIMESTAMP: m.ts,
            JSON: lambda: {"value": r.randrange(1000)}, STRINGS: lambda: [f"{column.name}-{r.randrange(9)}"],
            }[column.type]()


def generic_item(m: AccountModel, spec: TableSpec) -> Any:
    """An API item with a typed value at every plain column path (others stay NULL)."""
    item: dict[str, Any] = {}
    for column in spec.columns:
        path = column.source
        if not _SIMPLE_PATH.fullmatch(path) or path.startswith("_parent"):
            continue
        if path == "value":
            return generic_value(m, column)  # a list of bare values (ListDetectors DetectorIds)
        *parents, leaf = path.split(".")
        node = item
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = generic_value(m, column)
    return item


def top_items(spec: TableSpec, m: AccountModel, region: str) -> list[Any]:
    """The items of a table that is not fanned out, in one account and region."""
    if spec.name in TOP_ITEMS:
        return TOP_ITEMS[spec.name](m, region)
    if spec.operation == "GetAccountAuthorizationDetails":
        from sounding.collector.run import extract_items
        return extract_items(spec.items, m.auth())
    if spec.scope == "regional" and region not in REGIONS[:GENERIC_REGIONS]:
        return []
    return [generic_item(m, spec)]


def child_items(spec: TableSpec, m: AccountModel, parent: dict[str, Any], region: str, position: int) -> list[Any]:
    """The items of a fanned-out table for one parent row."""
    if spec.derive is not None:
        return spec.derive(parent)
    if spec.name in CHILD_ITEMS:
        return CHILD_ITEMS[spec.name](m, parent, region)
    return [generic_item(m, spec)] if position < 3 else []
