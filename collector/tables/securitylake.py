"""Amazon Security Lake declarations: the data lakes the account has."""

from sounding.collector.declarations import STRING, Column, TableSpec

DATA_LAKES = TableSpec(
    name="securitylake_data_lakes",
    service="securitylake",
    operation="ListDataLakes",
    scope="regional",
    items="dataLakes",
    paginate=False,
    columns=(
        Column("data_lake_arn", STRING, "dataLakeArn", "The data lake's ARN."),
        Column("data_lake_region", STRING, "region", "The region the data lake is in."),
        Column("create_status", STRING, "createStatus", "INITIALIZED, PENDING, COMPLETED or FAILED."),
    ),
    key=("data_lake_arn",),
    doc="Security Lake data lakes visible from each region (securitylake:ListDataLakes); a data lake may be "
        "listed from more than one region, so count distinct data_lake_arn.",
    moto_gap="moto does not implement Security Lake: every region records a not_implemented gap.",
)

TABLES = (DATA_LAKES,)
