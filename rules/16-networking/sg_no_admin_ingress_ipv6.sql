-- title: No security group admits ::/0 to SSH or RDP
-- severity: high
-- section: 16
-- scope: security group
-- description: A security group rule that admits ::/0 to SSH (22) or RDP (3389) exposes remote administration
--   of every attached instance to the whole internet, where these ports are scanned and brute-forced
--   continuously. A rule for all protocols (-1) or a TCP port range that includes either port counts.
-- remediation: Remove the rule (`aws ec2 revoke-security-group-ingress --group-id GROUP_ID
--   --security-group-rule-ids RULE_ID --region REGION`) and reach instances through AWS Systems Manager
--   Session Manager, or allow only known address ranges.
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html
-- frameworks: cis-5.0:5.4, cis-3.0:5.3
WITH open_rules AS (
    SELECT account_id, region, group_id,
           string_agg(security_group_rule_id || ' (' || CASE WHEN ip_protocol = '-1' THEN 'all traffic'
                      ELSE ip_protocol || ' ' || from_port || '-' || to_port END || ')', ', '
                      ORDER BY security_group_rule_id) AS rules
    FROM ec2_security_group_rules
    WHERE NOT is_egress AND cidr_ipv6 = '::/0'
      AND (admits_tcp_port(ip_protocol, from_port, to_port, 22) OR admits_tcp_port(ip_protocol, from_port, to_port, 3389))
    GROUP BY account_id, region, group_id
)
SELECT
    g.account_id,
    g.region,
    'arn:' || s.partition || ':ec2:' || g.region || ':' || g.account_id || ':security-group/' || g.group_id
        AS resource_id,
    CASE WHEN o.rules IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN o.rules IS NULL
         THEN 'Security group ' || g.group_id || ' in ' || g.region || ' admits no traffic from ::/0 to ports 22 or 3389.'
         ELSE 'Security group ' || g.group_id || ' in ' || g.region || ' admits ::/0 to port 22 or 3389: ' || o.rules || '.'
    END AS reason
FROM ec2_security_groups AS g
CROSS JOIN sounding_snapshot AS s
LEFT JOIN open_rules AS o ON o.account_id = g.account_id AND o.region = g.region AND o.group_id = g.group_id
