"""Amazon Inspector declarations: the account's scan status per resource type in each region."""

from sounding.collector.declarations import STRING, THIS_ACCOUNT, Column, TableSpec
from sounding.collector.special import inspector_status

ACCOUNT_STATUS = TableSpec(
    name="inspector_account_status",
    service="inspector2",
    operation="BatchGetAccountStatus",
    scope="regional",
    items="",
    paginate=False,
    params={"accountIds": [THIS_ACCOUNT]},
    fetch=inspector_status.fetch,
    columns=(
        Column("inspected_account_id", STRING, "accountId", "The account the status is for."),
        Column("state_status", STRING, "state.status", "Overall: ENABLED, DISABLED, ENABLING, SUSPENDED..."),
        Column("ec2_status", STRING, "resourceState.ec2.status", "EC2 scanning status."),
        Column("ecr_status", STRING, "resourceState.ecr.status", "ECR scanning status."),
        Column("lambda_status", STRING, "resourceState.lambda.status", "Lambda standard scanning status."),
        Column("lambda_code_status", STRING, "resourceState.lambdaCode.status", "Lambda code scanning status."),
    ),
    key=(),
    doc="Amazon Inspector status of the account in each region (inspector2:BatchGetAccountStatus for the "
        "account itself): overall and per resource type.",
    moto_gap="moto returns no account for a never-enabled account (AWS: DISABLED statuses).",
)

TABLES = (ACCOUNT_STATUS,)
