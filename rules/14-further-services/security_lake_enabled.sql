-- title: Amazon Security Lake collects security data for the account
-- severity: low
-- section: 14
-- scope: account
-- description: Security Lake normalises CloudTrail, VPC flow logs, Route 53, Security Hub and other logs
--   into OCSF in an S3 data lake the organization owns, so investigations and detections can query months
--   of data across accounts and regions in one place.
-- remediation: From the Security Lake delegated administrator: `aws securitylake create-data-lake
--   --configurations region=REGION,... --meta-store-manager-role-arn ROLE_ARN`, then add log sources for the
--   organization's accounts with `aws securitylake create-aws-log-source`.
-- references: https://docs.aws.amazon.com/security-lake/latest/userguide/getting-started.html
WITH lakes AS (
    SELECT account_id,
           string_agg(DISTINCT coalesce(data_lake_region, region), ', ' ORDER BY coalesce(data_lake_region, region))
               FILTER (WHERE create_status IS DISTINCT FROM 'FAILED') AS regions,
           string_agg(DISTINCT coalesce(data_lake_region, region), ', ' ORDER BY coalesce(data_lake_region, region))
               FILTER (WHERE create_status = 'FAILED') AS failed_regions
    FROM securitylake_data_lakes
    GROUP BY account_id
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN l.regions IS NOT NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN l.regions IS NOT NULL THEN 'Security Lake data lake in ' || l.regions || '.'
        WHEN l.failed_regions IS NOT NULL THEN 'Security Lake data lake creation FAILED in ' || l.failed_regions || '.'
        ELSE 'No Security Lake data lake in any collected region.'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN lakes AS l ON l.account_id = a.account_id
WHERE a.reachable
