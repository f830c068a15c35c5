"""AWS Network Firewall declarations: the firewalls of each region."""

from sounding.collector.declarations import STRING, Column, TableSpec

FIREWALLS = TableSpec(
    name="networkfirewall_firewalls",
    service="network-firewall",
    operation="ListFirewalls",
    scope="regional",
    items="Firewalls",
    columns=(
        Column("firewall_name", STRING, "FirewallName", "The firewall's name."),
        Column("firewall_arn", STRING, "FirewallArn", "The firewall's ARN."),
    ),
    key=("firewall_arn",),
    doc="Network Firewall firewalls of each region (network-firewall:ListFirewalls).",
)

TABLES = (FIREWALLS,)
