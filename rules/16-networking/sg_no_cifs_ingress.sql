-- title: No security group admits the internet to CIFS/SMB (port 445)
-- severity: high
-- section: 16
-- scope: security group
-- description: SMB file sharing on TCP 445 has a long history of remotely exploitable flaws and is scanned
--   constantly. A security group rule that admits 0.0.0.0/0 or ::/0 to port 445 (directly, in a TCP range,
--   or as all traffic) exposes it to the internet.
-- remediation: Remove the rule (`aws ec2 revoke-security-group-ingress --group-id GROUP_ID
--   --security-group-rule-ids RULE_ID --region REGION`); reach file shares over a VPN or AWS Direct Connect,
--   from known ranges only.
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
-- frameworks: cis-5.0:5.1.2
WITH open_rules AS (
    SELECT account_id, region, group_id,
           string_agg(security_group_rule_id || ' from ' || coalesce(cidr_ipv4, cidr_ipv6), ', '
                      ORDER BY security_group_rule_id) AS rules
    FROM ec2_security_group_rules
    WHERE NOT is_egress AND (cidr_ipv4 = '0.0.0.0/0' OR cidr_ipv6 = '::/0')
      AND admits_tcp_port(ip_protocol, from_port, to_port, 445)
    GROUP BY account_id, region, group_id
)
SELECT
    g.account_id,
    g.region,
    'arn:' || s.partition || ':ec2:' || g.region || ':' || g.account_id || ':security-group/' || g.group_id
        AS resource_id,
    CASE WHEN o.rules IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN o.rules IS NULL
         THEN 'Security group ' || g.group_id || ' in ' || g.region || ' does not admit the internet to port 445.'
         ELSE 'Security group ' || g.group_id || ' in ' || g.region || ' admits the internet to port 445: ' || o.rules || '.'
    END AS reason
FROM ec2_security_groups AS g
CROSS JOIN sounding_snapshot AS s
LEFT JOIN open_rules AS o ON o.account_id = g.account_id AND o.region = g.region AND o.group_id = g.group_id
