"""Identity Center tables against moto: instance, permission set, where it is provisioned, assignments, users."""

from __future__ import annotations

from typing import Any

import boto3
from moto import mock_aws
from sounding.collector.tables import sso

from tests.collector.tables.scope_rows import ACCOUNT, gap_kinds, run_scope

REGION = "eu-west-1"


def build_identity_center() -> dict[str, Any]:
    """One permission set assigned to a group in this account and provisioned there, and one user."""
    admin = boto3.client("sso-admin", region_name=REGION)
    instance = admin.list_instances()["Instances"][0]
    instance_arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
    ps_arn = admin.create_permission_set(InstanceArn=instance_arn, Name="Admin")["PermissionSet"]["PermissionSetArn"]
    admin.create_permission_set(InstanceArn=instance_arn, Name="Unused")
    admin.create_account_assignment(InstanceArn=instance_arn, TargetId=ACCOUNT, TargetType="AWS_ACCOUNT",
                                    PermissionSetArn=ps_arn, PrincipalType="GROUP", PrincipalId="g-admins")
    # AWS provisions on assignment; moto needs the explicit call.
    admin.provision_permission_set(InstanceArn=instance_arn, PermissionSetArn=ps_arn, TargetType="AWS_ACCOUNT",
                                   TargetId=ACCOUNT)
    user_id = boto3.client("identitystore", region_name=REGION).create_user(
        IdentityStoreId=store_id, UserName="alice", DisplayName="Alice A",
        Name={"GivenName": "Alice", "FamilyName": "A"})["UserId"]
    return {"instance_arn": instance_arn, "store_id": store_id, "ps_arn": ps_arn, "user_id": user_id}


@mock_aws
def test_instance_permission_sets_assignments_and_users() -> None:
    """The fan-out chain instance → permission sets → provisioned accounts → assignments, and users."""
    ids = build_identity_center()
    rows, gaps = run_scope(sso.TABLES, REGION)
    assert gaps == []
    (instance,) = rows["sso_instances"]
    assert {k: instance[k] for k in ("instance_arn", "identity_store_id", "status", "owner_account_id")} == {
        "instance_arn": ids["instance_arn"], "identity_store_id": ids["store_id"], "status": "ACTIVE",
        "owner_account_id": ACCOUNT}
    assert len(rows["sso_permission_sets"]) == 2
    assert {"account_id": ACCOUNT, "region": REGION, "instance_arn": ids["instance_arn"],
            "permission_set_arn": ids["ps_arn"]} in rows["sso_permission_sets"]
    assert rows["sso_permission_set_accounts"] == [
        {"account_id": ACCOUNT, "region": REGION, "instance_arn": ids["instance_arn"],
         "permission_set_arn": ids["ps_arn"], "target_account_id": ACCOUNT}]
    assert rows["sso_account_assignments"] == [
        {"account_id": ACCOUNT, "region": REGION, "instance_arn": ids["instance_arn"],
         "permission_set_arn": ids["ps_arn"], "target_account_id": ACCOUNT, "principal_type": "GROUP",
         "principal_id": "g-admins"}]
    assert rows["identitystore_users"] == [
        {"account_id": ACCOUNT, "region": REGION, "identity_store_id": ids["store_id"], "user_id": ids["user_id"],
         "user_name": "alice", "display_name": "Alice A"}]


@mock_aws
def test_instances_are_read_per_region() -> None:
    """Identity Center is regional: the tables are declared regional so the instance is found where it lives."""
    assert {spec.scope for spec in sso.TABLES} == {"regional"}
    rows, gaps = run_scope([sso.INSTANCES], "us-east-1")
    assert gap_kinds(gaps) == []
    assert [r["region"] for r in rows["sso_instances"]] == ["us-east-1"]  # moto: an instance everywhere
