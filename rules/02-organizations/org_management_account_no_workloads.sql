-- title: The management account runs no workloads
-- severity: medium
-- section: 2
-- scope: org
-- description: SCPs never restrict the management account, and anyone who can change resources there
--   is close to controlling the whole organization. A VPC other than the default one there is a sign of
--   workloads that belong in a member account.
-- remediation: Move the workloads into member accounts and delete the VPCs from the management account
--   (`aws ec2 delete-vpc --vpc-id vpc-xxxx --region REGION`); keep the management account for billing,
--   organization administration and little else.
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_best-practices_mgmt-acct.html#bp_mgmt-acct_avoid-deploying
WITH workload_vpcs AS (
    SELECT account_id,
           string_agg(vpc_id || ' (' || region || ')', ', ' ORDER BY region, vpc_id) AS vpcs
    FROM ec2_vpcs
    WHERE NOT coalesce(is_default, false)
    GROUP BY account_id
),
collected AS (
    SELECT a.account_id, len(a.regions) AS region_count
    FROM sounding_accounts AS a
    WHERE a.reachable
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'SKIP'
        WHEN c.account_id IS NULL THEN 'ERROR'
        WHEN v.account_id IS NOT NULL THEN 'FAIL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization, so it is no management account.'
        WHEN c.account_id IS NULL THEN 'The management account ' || sc.account_id || ' of organization ' || sc.org_id
            || ' was not collected.'
        WHEN v.account_id IS NOT NULL THEN 'The management account, which SCPs do not restrict, has non-default VPCs: '
            || v.vpcs || '.'
        ELSE 'The management account has no non-default VPC in the ' || c.region_count || ' collected region(s).'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN collected AS c ON c.account_id = sc.account_id
LEFT JOIN workload_vpcs AS v ON v.account_id = sc.account_id
