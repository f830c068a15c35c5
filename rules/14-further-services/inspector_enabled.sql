-- title: Amazon Inspector scans EC2, ECR and Lambda in every enabled region
-- severity: low
-- section: 14
-- scope: account+region
-- description: Inspector continuously scans EC2 instances, container images in ECR and Lambda functions for
--   known vulnerabilities and unintended network exposure. Each resource type it does not scan is a place
--   where a published CVE can sit unpatched and unnoticed.
-- remediation: `aws inspector2 enable --resource-types EC2 ECR LAMBDA --region REGION` (add LAMBDA_CODE for
--   code scanning); in an organization, from the Inspector delegated administrator:
--   `aws inspector2 update-organization-configuration --auto-enable ec2=true,ecr=true,lambda=true`.
-- references: https://docs.aws.amazon.com/inspector/latest/user/getting_started_tutorial.html
-- frameworks: fsbp:Inspector.1, fsbp:Inspector.2, fsbp:Inspector.4
WITH status AS (
    SELECT account_id, region,
           list_filter([
               CASE WHEN ec2_status IS DISTINCT FROM 'ENABLED' THEN 'EC2 (' || coalesce(ec2_status, 'unknown') || ')' END,
               CASE WHEN ecr_status IS DISTINCT FROM 'ENABLED' THEN 'ECR (' || coalesce(ecr_status, 'unknown') || ')' END,
               CASE WHEN lambda_status IS DISTINCT FROM 'ENABLED'
                    THEN 'Lambda (' || coalesce(lambda_status, 'unknown') || ')' END
           ], lambda x: x IS NOT NULL) AS off
    FROM inspector_account_status
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN st.account_id IS NOT NULL AND len(st.off) = 0 THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN st.account_id IS NULL THEN 'Inspector is not enabled in ' || r.region || ' (no account status).'
        WHEN len(st.off) = 0 THEN 'Inspector scans EC2, ECR and Lambda in ' || r.region || '.'
        ELSE 'Inspector does not scan ' || array_to_string(st.off, ', ') || ' in ' || r.region || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN status AS st ON st.account_id = r.account_id AND st.region = r.region
