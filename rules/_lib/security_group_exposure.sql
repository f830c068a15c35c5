-- doc: Every security group with its inbound rules that let TCP reach one of the given ports from one of the
--   given sources (admits_tcp_port: all traffic, a TCP rule without a port range, or a range that includes the
--   port). The rules are labelled 'RULE_ID (PROTOCOL FROM-TO from SOURCE)' or 'RULE_ID (all traffic from
--   SOURCE)' (EC2 security group rules: vpc/latest/userguide/security-group-rules.html).
-- param sources: The source CIDRs, e.g. ['0.0.0.0/0', '::/0'] (IPv4 and IPv6 CIDRs are both compared).
-- param ports: The TCP ports, e.g. [22, 3389].
-- column account_id: Account id.
-- column region: Region of the security group.
-- column group_id: The security group id.
-- column resource_id: The security group's ARN.
-- column open_rules: The admitting rules, labelled, comma separated in rule id order; NULL when none.
CREATE MACRO security_group_exposure(sources, ports) AS TABLE
WITH open_rules AS (
    SELECT account_id, region, group_id,
           string_agg(security_group_rule_id || ' (' || CASE WHEN ip_protocol = '-1' THEN 'all traffic'
                      ELSE ip_protocol || ' ' || from_port || '-' || to_port END
                      || ' from ' || coalesce(cidr_ipv4, cidr_ipv6) || ')', ', '
                      ORDER BY security_group_rule_id) AS rules
    FROM ec2_security_group_rules
    WHERE NOT is_egress AND (list_contains(sources, cidr_ipv4) OR list_contains(sources, cidr_ipv6))
      AND len(list_filter(ports, lambda p: admits_tcp_port(ip_protocol, from_port, to_port, p))) > 0
    GROUP BY account_id, region, group_id
)
SELECT
    g.account_id,
    g.region,
    g.group_id,
    'arn:' || s.partition || ':ec2:' || g.region || ':' || g.account_id || ':security-group/' || g.group_id
        AS resource_id,
    o.rules AS open_rules
FROM ec2_security_groups AS g
CROSS JOIN sounding_snapshot AS s
LEFT JOIN open_rules AS o ON o.account_id = g.account_id AND o.region = g.region AND o.group_id = g.group_id
