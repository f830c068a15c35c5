"""EC2 declarations: regions, VPCs, security groups, network ACLs, flow logs, EBS defaults, instances."""

from sounding.collector.declarations import BOOL, INT, JSON, STRING, STRINGS, TIMESTAMP, Column, FanOut, TableSpec
from sounding.collector.special import ec2_network_acls

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

SECURITY_GROUPS = TableSpec(
    name="ec2_security_groups", service="ec2", operation="DescribeSecurityGroups", scope="regional",
    items="SecurityGroups",
    columns=(
        Column("group_id", STRING, "GroupId", "The security group's id."),
        Column("group_name", STRING, "GroupName", "Its name; 'default' for a VPC's default group."),
        Column("vpc_id", STRING, "VpcId", "The VPC it belongs to."),
        Column("owner_id", STRING, "OwnerId", "The owning account."),
        Column("description", STRING, "Description", "Its description."),
        Column("ip_permissions", JSON, "IpPermissions", "Inbound rules as returned."),
        Column("ip_permissions_egress", JSON, "IpPermissionsEgress", "Outbound rules as returned."),
    ),
    key=("group_id",),
    doc="Security groups of each region (ec2:DescribeSecurityGroups); their rules one per row are in "
        "ec2_security_group_rules.",
)

SECURITY_GROUP_RULES = TableSpec(
    name="ec2_security_group_rules", service="ec2", operation="DescribeSecurityGroupRules",
    scope="regional", items="SecurityGroupRules",
    columns=(
        Column("security_group_rule_id", STRING, "SecurityGroupRuleId", "The rule's id."),
        Column("group_id", STRING, "GroupId", "The security group it belongs to."),
        Column("is_egress", BOOL, "IsEgress", "An outbound rule."),
        Column("ip_protocol", STRING, "IpProtocol", "tcp, udp, icmp, icmpv6, a protocol number, or -1 (all)."),
        Column("from_port", INT, "FromPort", "Start of the port range; -1 for all (with protocol -1)."),
        Column("to_port", INT, "ToPort", "End of the port range; -1 for all."),
        Column("cidr_ipv4", STRING, "CidrIpv4", "The IPv4 range allowed, if any."),
        Column("cidr_ipv6", STRING, "CidrIpv6", "The IPv6 range allowed, if any."),
        Column("prefix_list_id", STRING, "PrefixListId", "The prefix list allowed, if any."),
        Column("referenced_group_id", STRING, "ReferencedGroupInfo.GroupId", "The security group allowed, if any."),
        Column("description", STRING, "Description", "The rule's description."),
    ),
    key=("security_group_rule_id",),
    doc="Every security group rule, inbound and outbound, IPv4 and IPv6, one source per row "
        "(ec2:DescribeSecurityGroupRules).",
)

NETWORK_ACLS = TableSpec(
    name="ec2_network_acls", service="ec2", operation="DescribeNetworkAcls", scope="regional",
    items="NetworkAcls",
    columns=(
        Column("network_acl_id", STRING, "NetworkAclId", "The network ACL's id."),
        Column("vpc_id", STRING, "VpcId", "The VPC it belongs to."),
        Column("is_default", BOOL, "IsDefault", "The VPC's default network ACL."),
        Column("subnet_ids", STRINGS, "Associations[].SubnetId", "Subnets associated with it."),
    ),
    key=("network_acl_id",),
    doc="Network ACLs of each region (ec2:DescribeNetworkAcls); their entries are in ec2_network_acl_entries.",
)

NETWORK_ACL_ENTRIES = TableSpec(
    name="ec2_network_acl_entries", service="ec2", operation="DescribeNetworkAcls", scope="regional", items="",
    fan_out=FanOut(parent="ec2_network_acls", params={"NetworkAclId": "network_acl_id"}),
    derive=ec2_network_acls.entries,
    columns=(
        Column("network_acl_id", STRING, "_parent.network_acl_id", "The network ACL."),
        Column("vpc_id", STRING, "_parent.vpc_id", "Its VPC."),
        Column("rule_number", INT, "RuleNumber", "Evaluation order: lowest first; 32767 is the default deny."),
        Column("egress", BOOL, "Egress", "An outbound entry."),
        Column("rule_action", STRING, "RuleAction", "allow or deny."),
        Column("protocol", STRING, "Protocol", "Protocol number as text; -1 for all, 6 tcp, 17 udp."),
        Column("cidr_block", STRING, "CidrBlock", "The IPv4 range, if any."),
        Column("ipv6_cidr_block", STRING, "Ipv6CidrBlock", "The IPv6 range, if any."),
        Column("from_port", INT, "PortRange.From", "Start of the port range; NULL for all ports."),
        Column("to_port", INT, "PortRange.To", "End of the port range; NULL for all ports."),
    ),
    key=("network_acl_id", "egress", "rule_number"),
    doc="Entries of every network ACL (derived from ec2_network_acls; no further calls).",
)

FLOW_LOGS = TableSpec(
    name="ec2_flow_logs", service="ec2", operation="DescribeFlowLogs", scope="regional", items="FlowLogs",
    columns=(
        Column("flow_log_id", STRING, "FlowLogId", "The flow log's id."),
        Column("resource_id", STRING, "ResourceId", "The VPC, subnet or network interface it logs."),
        Column("flow_log_status", STRING, "FlowLogStatus", "ACTIVE when it is logging."),
        Column("deliver_logs_status", STRING, "DeliverLogsStatus", "SUCCESS or FAILED."),
        Column("traffic_type", STRING, "TrafficType", "ACCEPT, REJECT or ALL."),
        Column("log_destination_type", STRING, "LogDestinationType", "cloud-watch-logs, s3 or kinesis-data-firehose."),
        Column("log_destination", STRING, "LogDestination", "The destination's ARN."),
    ),
    key=("flow_log_id",),
    doc="VPC flow logs of each region (ec2:DescribeFlowLogs).",
)

EBS_ENCRYPTION_BY_DEFAULT = TableSpec(
    name="ec2_ebs_encryption_by_default", service="ec2", operation="GetEbsEncryptionByDefault",
    scope="regional", items="", paginate=False,
    columns=(Column("ebs_encryption_by_default", BOOL, "EbsEncryptionByDefault",
                    "New EBS volumes in the region are encrypted."),),
    key=(),
    doc="Whether EBS encryption by default is on in the region (ec2:GetEbsEncryptionByDefault); one row.",
)

INSTANCES = TableSpec(
    name="ec2_instances", service="ec2", operation="DescribeInstances", scope="regional",
    items="Reservations[].Instances[]",
    columns=(
        Column("instance_id", STRING, "InstanceId", "The instance's id."),
        Column("state", STRING, "State.Name", "pending, running, stopping, stopped, shutting-down or terminated."),
        Column("vpc_id", STRING, "VpcId", "Its VPC."),
        Column("http_tokens", STRING, "MetadataOptions.HttpTokens", "required (IMDSv2 only) or optional."),
        Column("http_endpoint", STRING, "MetadataOptions.HttpEndpoint", "enabled or disabled (no IMDS at all)."),
        Column("iam_instance_profile_arn", STRING, "IamInstanceProfile.Arn", "The instance profile, if any."),
        Column("public_ip_address", STRING, "PublicIpAddress", "Its public IPv4 address, if any."),
        Column("launch_time", TIMESTAMP, "LaunchTime", "When it was launched."),
    ),
    key=("instance_id",),
    doc="EC2 instances of each region with their metadata options (ec2:DescribeInstances).",
)

TABLES = (REGIONS, VPCS, SECURITY_GROUPS, SECURITY_GROUP_RULES, NETWORK_ACLS, NETWORK_ACL_ENTRIES, FLOW_LOGS,
          EBS_ENCRYPTION_BY_DEFAULT, INSTANCES)
