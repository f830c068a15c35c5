-- title: Default security groups allow no traffic
-- severity: medium
-- section: 16
-- scope: security group
-- description: Every VPC's default security group is attached to anything launched without a group. By
--   default it allows all outbound traffic and all traffic from its own members; with no rules at all,
--   resources must be given a group that was designed for them.
-- remediation: Remove every inbound and outbound rule of the default group
--   (`aws ec2 revoke-security-group-ingress --group-id GROUP_ID --security-group-rule-ids RULE_IDS` and
--   `revoke-security-group-egress`), after moving its members to purpose-made groups.
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
-- frameworks: cis-5.0:5.5, cis-3.0:5.4, fsbp:EC2.2, nist-800-53-r5:SC-7
WITH counts AS (
    SELECT account_id, region, group_id,
           count(*) FILTER (WHERE NOT is_egress) AS inbound, count(*) FILTER (WHERE is_egress) AS outbound
    FROM ec2_security_group_rules
    GROUP BY account_id, region, group_id
)
SELECT
    g.account_id,
    g.region,
    'arn:' || s.partition || ':ec2:' || g.region || ':' || g.account_id || ':security-group/' || g.group_id
        AS resource_id,
    CASE WHEN coalesce(c.inbound, 0) + coalesce(c.outbound, 0) = 0 THEN 'PASS' ELSE 'FAIL' END AS status,
    'Default security group ' || g.group_id || coalesce(' of ' || g.vpc_id, '') || ' in ' || g.region || ' has '
        || coalesce(c.inbound, 0) || ' inbound and ' || coalesce(c.outbound, 0) || ' outbound rules.' AS reason
FROM ec2_security_groups AS g
CROSS JOIN sounding_snapshot AS s
LEFT JOIN counts AS c ON c.account_id = g.account_id AND c.region = g.region AND c.group_id = g.group_id
WHERE g.group_name = 'default'
