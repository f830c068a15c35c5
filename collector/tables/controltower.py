"""controltower declarations: the landing zone, read in the management account."""

from sounding.collector.declarations import STRING, Column, TableSpec

LANDING_ZONES = TableSpec(
    name="controltower_landing_zones",
    service="controltower",
    operation="ListLandingZones",
    scope="global",
    items="landingZones",
    management_only=True,
    columns=(
        Column("arn", STRING, "arn", "The landing zone's ARN; its region is the landing zone's home region."),
    ),
    key=("arn",),
    doc="The Control Tower landing zone (controltower:ListLandingZones), read in the management account in "
        "the partition's home region: AWS answers with the landing zone whatever its home region, except "
        "a landing zone homed in an opt-in region, which only that region returns.",
    moto_gap="moto does not implement Control Tower; the call is recorded as a gap.",
)

TABLES = (LANDING_ZONES,)
