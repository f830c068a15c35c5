"""EC2 declarations: the account's regions and VPCs."""

from sounding.collector.declarations import BOOL, STRING, Column, TableSpec

REGIONS = TableSpec(
    name="regions",
    service="ec2",
    operation="DescribeRegions",
    scope="global",
    items="Regions",
    params={"AllRegions": True},
    paginate=False,
    columns=(
        Column("region_name", STRING, "RegionName", "Region code, e.g. eu-west-1."),
        Column("opt_in_status", STRING, "OptInStatus",
               "opt-in-not-required, opted-in or not-opted-in."),
        Column("endpoint", STRING, "Endpoint", "The EC2 endpoint of the region."),
    ),
    key=("region_name",),
    doc="Every region of the partition with its opt-in status, per account "
        "(ec2:DescribeRegions AllRegions=true).",
)

VPCS = TableSpec(
    name="ec2_vpcs",
    service="ec2",
    operation="DescribeVpcs",
    scope="regional",
    items="Vpcs",
    columns=(
        Column("vpc_id", STRING, "VpcId", "The VPC's id."),
        Column("is_default", BOOL, "IsDefault", "True for the region's default VPC."),
        Column("state", STRING, "State", "pending or available."),
        Column("cidr_block", STRING, "CidrBlock", "The primary IPv4 CIDR block."),
        Column("owner_id", STRING, "OwnerId", "The owning account (differs for VPCs shared with this account)."),
    ),
    key=("vpc_id",),
    doc="VPCs of each region, the default VPC flagged (ec2:DescribeVpcs).",
)

TABLES = (REGIONS, VPCS)
