-- title: AWS Network Firewall filters traffic somewhere in the account
-- severity: low
-- section: 14
-- scope: account
-- description: A Network Firewall inspects and filters traffic between VPCs, to the internet and to
--   on-premises networks (domain allow-lists for egress, intrusion prevention). Without one, only security
--   groups and NACLs stand in the way, or a third-party appliance the API cannot see; a person must confirm.
-- remediation: Where VPC traffic needs inspection, create one: `aws network-firewall create-firewall
--   --firewall-name NAME --firewall-policy-arn POLICY_ARN --vpc-id VPC_ID --subnet-mappings SubnetId=SUBNET_ID`
--   (often centrally, in a shared inspection VPC behind a transit gateway).
-- references: https://docs.aws.amazon.com/network-firewall/latest/developerguide/what-is-aws-network-firewall.html
WITH firewalls AS (
    SELECT account_id,
           count(DISTINCT firewall_arn) AS n,
           string_agg(DISTINCT region, ', ' ORDER BY region) AS regions
    FROM networkfirewall_firewalls
    GROUP BY account_id
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN f.n > 0 THEN 'PASS' ELSE 'MANUAL' END AS status,
    CASE
        WHEN f.n > 0 THEN f.n::VARCHAR || ' Network Firewall firewall(s) in ' || f.regions || '.'
        ELSE 'No Network Firewall in any collected region: confirm that traffic is filtered another way '
            || '(a central inspection VPC in another account, or a third-party firewall).'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN firewalls AS f ON f.account_id = a.account_id
WHERE a.reachable
