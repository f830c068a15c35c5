"""account declarations: alternate contacts and the regions' opt-in status."""

from sounding.collector.declarations import STRING, Column, TableSpec
from sounding.collector.special import account_contacts

ALTERNATE_CONTACTS = TableSpec(
    name="account_alternate_contacts",
    service="account",
    operation="GetAlternateContact",
    scope="global",
    items="",
    fetch=account_contacts.alternate_contacts,
    columns=(
        Column("contact_type", STRING, "AlternateContactType", "SECURITY, BILLING or OPERATIONS."),
        Column("name", STRING, "Name", "The contact's name."),
        Column("title", STRING, "Title", "The contact's title."),
        Column("email_address", STRING, "EmailAddress", "The contact's e-mail address."),
        Column("phone_number", STRING, "PhoneNumber", "The contact's phone number."),
    ),
    key=("contact_type",),
    doc="The alternate contacts that are set, one row per type (account:GetAlternateContact for SECURITY, "
        "BILLING and OPERATIONS); a type that is not set (ResourceNotFoundException) has no row, which is "
        "data, not a gap.",
)

REGION_OPT_STATUS = TableSpec(
    name="account_region_opt_status",
    service="account",
    operation="ListRegions",
    scope="global",
    items="Regions",
    columns=(
        Column("region_name", STRING, "RegionName", "Region code."),
        Column("opt_status", STRING, "RegionOptStatus",
               "ENABLED, ENABLING, DISABLING, DISABLED or ENABLED_BY_DEFAULT."),
    ),
    key=("region_name",),
    doc="Every region with its opt-in status as the Account Management API reports it (account:ListRegions).",
    moto_gap="moto does not implement account:ListRegions; the call is recorded as a gap.",
)

TABLES = (ALTERNATE_CONTACTS, REGION_OPT_STATUS)
