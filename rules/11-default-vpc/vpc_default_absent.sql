-- title: No default VPC in any enabled region
-- severity: medium
-- section: 11
-- scope: account+region
-- description: Every region starts with a default VPC whose subnets give instances public IP addresses
--   and whose route table leads to an internet gateway. Resources launched without naming a VPC land
--   there, exposed, outside any reviewed network design.
-- remediation: After checking that nothing runs in it (`aws ec2 describe-network-interfaces --filters
--   Name=vpc-id,Values=VPC_ID`), delete it: `aws ec2 delete-vpc --vpc-id VPC_ID --region REGION` (delete its
--   subnets and internet gateway first, or use the console, which does it in one step).
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/delete-default-vpc.html,
--   https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html
WITH defaults AS (
    SELECT account_id, region,
           string_agg(vpc_id || coalesce(' (' || cidr_block || ')', ''), ', ' ORDER BY vpc_id) AS vpcs
    FROM ec2_vpcs
    WHERE is_default
    GROUP BY account_id, region
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN d.vpcs IS NOT NULL THEN 'FAIL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN d.vpcs IS NOT NULL THEN 'Default VPC ' || d.vpcs || ' exists in ' || r.region || '.'
        ELSE 'No default VPC in ' || r.region || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN defaults AS d ON d.account_id = r.account_id AND d.region = r.region
