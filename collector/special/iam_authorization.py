"""Rows derived from GetAccountAuthorizationDetails entities: managed policies, inline policies, statements."""

from __future__ import annotations

from typing import Any

from sounding.collector.special.policy_document import PolicyDocumentError, condition_entries, statements

# The entity kinds of the iam_authorization_details table, as its entity_kind column names them.
USER, GROUP, ROLE, POLICY = "user", "group", "role", "policy"
INLINE_LISTS = {USER: "UserPolicyList", GROUP: "GroupPolicyList", ROLE: "RolePolicyList"}
AWS_MANAGED_MARK = ":iam::aws:policy/"

# jmespath: every user, group and role, and the managed policies worth keeping (customer managed
# ones, and AWS managed ones attached to something), from one page of GetAccountAuthorizationDetails.
ENTITIES = ("[UserDetailList, GroupDetailList, RoleDetailList, "
            "Policies[?AttachmentCount > `0` || !contains(Arn, ':iam::aws:policy/')]][][]")
ENTITY_KIND = "UserId && 'user' || GroupId && 'group' || RoleId && 'role' || 'policy'"
ENTITY_NAME = "UserName || GroupName || RoleName || PolicyName || Arn"


def policy_name_from_arn(arn: str) -> str:
    """A managed policy's name: the last part of its ARN (arn:aws:iam::aws:policy/service-role/X -> X)."""
    return arn.rsplit("/", 1)[-1]


def is_aws_managed(arn: str | None) -> bool:
    """True for AWS managed policy ARNs (account field 'aws')."""
    return bool(arn) and AWS_MANAGED_MARK in str(arn)


def default_document(policy: dict[str, Any]) -> Any:
    """The document of a managed policy's default version; None when the answer has none."""
    for version in policy.get("PolicyVersionList") or []:
        if version.get("IsDefaultVersion"):
            return version.get("Document")
    return None


def managed_policies(parent: dict[str, Any]) -> list[dict[str, Any]]:
    """The managed policy an entity row holds, if it is one; the name comes from the ARN when AWS omits it."""
    if parent.get("entity_kind") != POLICY:
        return []
    item = dict(parent["raw"])
    if not item.get("PolicyName"):  # moto omits PolicyName; AWS always sends it
        item["PolicyName"] = policy_name_from_arn(str(item.get("Arn", "")))
    return [item]


def inline_policies(parent: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline policy entries of a user, group or role, untouched."""
    key = INLINE_LISTS.get(str(parent.get("entity_kind")))
    if key is None:
        return []
    return list(parent["raw"].get(key) or [])


def inline_policy_id(principal_arn: str, kind: str, name: str, policy_name: str) -> str:
    """An inline policy's resource id: arn:PARTITION:iam::ACCOUNT:KIND/NAME/policy/POLICY."""
    parts = principal_arn.split(":")
    partition = parts[1] if len(parts) > 4 else "aws"
    account = parts[4] if len(parts) > 4 else ""
    return f"arn:{partition}:iam::{account}:{kind}/{name}/policy/{policy_name}"


def policy_statements(parent: dict[str, Any]) -> list[dict[str, Any]]:
    """One item per statement of every document an entity holds: managed default version, inline, trust."""
    kind = str(parent.get("entity_kind"))
    name = str(parent.get("entity_name"))
    arn = str(parent.get("arn"))
    raw = parent["raw"]
    items: list[dict[str, Any]] = []
    if kind == POLICY:
        policy_name = raw.get("PolicyName") or policy_name_from_arn(arn)
        items += _items(default_document(raw), arn, policy_kind="managed", policy_id=arn, policy_arn=arn,
                        policy_name=policy_name, aws_managed=is_aws_managed(arn))
        return items
    for entry in inline_policies(parent):
        policy_name = str(entry.get("PolicyName"))
        items += _items(entry.get("PolicyDocument"), arn, policy_kind="inline",
                        policy_id=inline_policy_id(arn, kind, name, policy_name), policy_name=policy_name,
                        principal_kind=kind, principal_name=name, aws_managed=False)
    if kind == ROLE:
        items += _items(raw.get("AssumeRolePolicyDocument"), arn, policy_kind="trust", policy_id=arn,
                        principal_kind=kind, principal_name=name, aws_managed=False)
    return items


def _items(document: Any, where: str, **fields: Any) -> list[dict[str, Any]]:
    """The statement items of one document, each carrying the fields that say whose document it is."""
    try:
        found = statements(document)
    except PolicyDocumentError as exc:
        raise PolicyDocumentError(f"{where} ({fields['policy_kind']} policy {fields['policy_id']}): {exc}") from None
    base = {"policy_arn": None, "policy_name": None, "principal_kind": None, "principal_name": None, **fields}
    return [{**base, **statement, "condition_entries": condition_entries(statement["conditions"])}
            for statement in found]
