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
SELECT
    account_id,
    region,
    resource_id,
    CASE WHEN open_rules IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN open_rules IS NULL
         THEN 'Security group ' || group_id || ' in ' || region || ' does not admit the internet to port 445.'
         ELSE 'Security group ' || group_id || ' in ' || region || ' admits the internet to port 445: ' || open_rules || '.'
    END AS reason
FROM security_group_exposure(['0.0.0.0/0', '::/0'], [445])
