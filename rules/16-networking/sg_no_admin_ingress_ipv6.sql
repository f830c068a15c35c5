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
SELECT
    account_id,
    region,
    resource_id,
    CASE WHEN open_rules IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN open_rules IS NULL
         THEN 'Security group ' || group_id || ' in ' || region || ' admits no traffic from ::/0 to ports 22 or 3389.'
         ELSE 'Security group ' || group_id || ' in ' || region || ' admits ::/0 to port 22 or 3389: ' || open_rules || '.'
    END AS reason
FROM security_group_exposure(['::/0'], [22, 3389])
