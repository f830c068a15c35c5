"""EC2 declarations: the account's regions (and, later, VPCs)."""

from collector.declarations import STRING, Column, TableSpec

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

TABLES = (REGIONS,)
