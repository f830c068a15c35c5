"""ec2_vpcs against moto: the region's default VPC flagged, a created VPC not."""

from __future__ import annotations

import boto3
from moto import mock_aws
from sounding.collector.tables import ec2

from tests.collector.tables.scope_rows import ACCOUNT, run_scope


@mock_aws
def test_default_and_non_default_vpcs() -> None:
    """moto, like AWS, starts every region with a default 172.31.0.0/16 VPC."""
    client = boto3.client("ec2", region_name="eu-west-1")
    created = client.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    default = client.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    rows, gaps = run_scope([ec2.VPCS], "eu-west-1")
    assert gaps == []
    assert sorted(rows["ec2_vpcs"], key=lambda r: r["cidr_block"]) == [
        {"account_id": ACCOUNT, "region": "eu-west-1", "vpc_id": created, "is_default": False, "state": "available",
         "cidr_block": "10.1.0.0/16", "owner_id": ACCOUNT},
        {"account_id": ACCOUNT, "region": "eu-west-1", "vpc_id": default, "is_default": True, "state": "available",
         "cidr_block": "172.31.0.0/16", "owner_id": ACCOUNT},
    ]


@mock_aws
def test_deleted_default_vpc_leaves_only_the_others() -> None:
    """After the default VPC is deleted, no row has is_default."""
    client = boto3.client("ec2", region_name="us-east-1")
    for vpc in client.describe_vpcs()["Vpcs"]:
        for subnet in client.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]:
            client.delete_subnet(SubnetId=subnet["SubnetId"])
        client.delete_vpc(VpcId=vpc["VpcId"])
    rows, gaps = run_scope([ec2.VPCS], "us-east-1")
    assert (rows["ec2_vpcs"], gaps) == ([], [])


def test_regions_table_still_comes_first() -> None:
    """The regions table decides where regional tables run; ec2_vpcs follows it."""
    assert [t.name for t in ec2.TABLES][:2] == ["regions", "ec2_vpcs"]
