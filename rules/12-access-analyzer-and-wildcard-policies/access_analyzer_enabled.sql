-- title: IAM Access Analyzer is enabled in every enabled region
-- severity: medium
-- section: 12
-- scope: account+region
-- description: Access Analyzer finds resources (S3 buckets, KMS keys, IAM roles, queues, snapshots...)
--   shared outside the account or organization. Its analyzers are regional: a region without one
--   leaves public or cross-account access there unnoticed. An ORGANIZATION analyzer in the management
--   or delegated administrator account covers every member account of that region.
-- remediation: `aws accessanalyzer create-analyzer --analyzer-name external-access --type ACCOUNT --region REGION`,
--   or from the delegated administrator, per region:
--   `aws accessanalyzer create-analyzer --analyzer-name org-external-access --type ORGANIZATION --region REGION`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html
-- frameworks: cis-5.0:1.19, cis-3.0:1.20
WITH own AS (
    SELECT account_id, region,
           string_agg(name || ' (' || type || ')', ', ' ORDER BY name)
               FILTER (WHERE status = 'ACTIVE' AND type IN ('ACCOUNT', 'ORGANIZATION')) AS active,
           string_agg(name || ' (' || coalesce(type, 'type unknown') || ', ' || coalesce(status, 'status unknown') || ')',
                      ', ' ORDER BY name)
               FILTER (WHERE status IS DISTINCT FROM 'ACTIVE' OR type NOT IN ('ACCOUNT', 'ORGANIZATION')) AS others
    FROM accessanalyzer_analyzers
    GROUP BY account_id, region
),
org_of AS (
    SELECT DISTINCT account_id, org_id FROM organizations_organization
),
org_analyzers AS (
    SELECT o.org_id, a.region,
           string_agg(DISTINCT a.name || ' in account ' || a.account_id, ', '
                      ORDER BY a.name || ' in account ' || a.account_id) AS covering
    FROM accessanalyzer_analyzers AS a
    JOIN org_of AS o ON o.account_id = a.account_id
    WHERE a.status = 'ACTIVE' AND a.type = 'ORGANIZATION'
    GROUP BY o.org_id, a.region
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN own.active IS NOT NULL OR oa.covering IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN own.active IS NOT NULL THEN 'Active analyzer in ' || r.region || ': ' || own.active || '.'
        WHEN oa.covering IS NOT NULL THEN 'Covered in ' || r.region || ' by the organization analyzer '
            || oa.covering || '.'
        WHEN own.others IS NOT NULL THEN 'No active external-access analyzer in ' || r.region || '; seen: '
            || own.others || '.'
        ELSE 'No Access Analyzer analyzer in ' || r.region || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN own ON own.account_id = r.account_id AND own.region = r.region
LEFT JOIN org_of AS o ON o.account_id = r.account_id
LEFT JOIN org_analyzers AS oa ON oa.org_id = o.org_id AND oa.region = r.region
