-- title: No network ACL admits the internet to SSH or RDP
-- severity: medium
-- section: 16
-- scope: network acl
-- description: Network ACL entries are evaluated in rule-number order and the first entry that matches a
--   packet decides. An ACL fails when, for port 22 or 3389, the first inbound entry from 0.0.0.0/0 or ::/0
--   that covers the port (protocol all or TCP) allows it, so remote administration is reachable from
--   anywhere at the subnet boundary.
-- remediation: Add a lower-numbered deny entry, or narrow the allow entry to known ranges:
--   `aws ec2 replace-network-acl-entry --network-acl-id ACL_ID --ingress --rule-number N --protocol 6
--   --port-range From=22,To=22 --cidr-block 10.0.0.0/8 --rule-action allow --region REGION`.
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html,
--   https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
-- frameworks: cis-5.0:5.2, cis-3.0:5.1, fsbp:EC2.21, nist-800-53-r5:SC-7
WITH ports AS (
    SELECT * FROM (VALUES (22), (3389)) AS p(port)
), sources AS (
    SELECT * FROM (VALUES ('0.0.0.0/0'), ('::/0')) AS c(cidr)
), deciding AS (
    -- The lowest-numbered matching entry decides (entries are evaluated in rule number order).
    SELECT e.account_id, e.region, e.network_acl_id, p.port, c.cidr,
           arg_min(e.rule_action, e.rule_number) AS rule_action, min(e.rule_number) AS rule_number
    FROM ec2_network_acl_entries AS e
    CROSS JOIN ports AS p
    CROSS JOIN sources AS c
    WHERE NOT e.egress
      AND coalesce(e.cidr_block, e.ipv6_cidr_block) = c.cidr
      AND admits_tcp_port(e.protocol, e.from_port, e.to_port, p.port)
    GROUP BY e.account_id, e.region, e.network_acl_id, p.port, c.cidr
), open_ports AS (
    SELECT account_id, region, network_acl_id,
           string_agg('port ' || port || ' from ' || cidr || ' (rule ' || rule_number || ')', ', '
                      ORDER BY port, cidr) AS opened
    FROM deciding
    WHERE rule_action = 'allow'
    GROUP BY account_id, region, network_acl_id
)
SELECT
    a.account_id,
    a.region,
    'arn:' || s.partition || ':ec2:' || a.region || ':' || a.account_id || ':network-acl/' || a.network_acl_id
        AS resource_id,
    CASE WHEN o.opened IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN o.opened IS NULL
         THEN 'Network ACL ' || a.network_acl_id || ' in ' || a.region || ' does not admit the internet to ports 22 or 3389.'
         ELSE 'Network ACL ' || a.network_acl_id || ' in ' || a.region || ' admits ' || o.opened || '.'
    END AS reason
FROM ec2_network_acls AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN open_ports AS o ON o.account_id = a.account_id AND o.region = a.region AND o.network_acl_id = a.network_acl_id
