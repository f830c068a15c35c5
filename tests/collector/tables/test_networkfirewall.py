"""networkfirewall_firewalls against moto: a firewall in one region, none in another."""

from __future__ import annotations

import boto3
from moto import mock_aws
from sounding.collector.tables import networkfirewall

from tests.collector.tables.scope_rows import ACCOUNT, run_scope


@mock_aws
def test_firewalls_per_region() -> None:
    """ListFirewalls gives name and ARN; a region without firewalls is empty data, not a gap."""
    arn = boto3.client("network-firewall", region_name="eu-west-1").create_firewall(
        FirewallName="egress", FirewallPolicyArn=f"arn:aws:network-firewall:eu-west-1:{ACCOUNT}:firewall-policy/p",
        VpcId="vpc-12345678", SubnetMappings=[{"SubnetId": "subnet-12345678"}])["Firewall"]["FirewallArn"]
    rows, gaps = run_scope(networkfirewall.TABLES, "eu-west-1")
    assert gaps == []
    assert rows["networkfirewall_firewalls"] == [{"account_id": ACCOUNT, "region": "eu-west-1",
                                                  "firewall_name": "egress", "firewall_arn": arn}]
    rows, gaps = run_scope(networkfirewall.TABLES, "us-east-1")
    assert (rows["networkfirewall_firewalls"], gaps) == ([], [])
