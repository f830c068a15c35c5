-- title: Access Analyzer has no active findings
-- severity: medium
-- section: 12
-- scope: analyzer
-- description: An active finding is a resource shared outside the zone of trust (public, or with an
--   account outside the organization) or, for unused-access analyzers, a role, key or permission nobody
--   uses. Each one left open is either access nobody intended or an exception nobody recorded.
-- remediation: Review each finding (IAM > Access Analyzer > Findings): remove the unintended access from
--   the resource policy, or archive the finding with an archive rule that documents why the access is
--   intended: `aws accessanalyzer create-archive-rule --analyzer-name NAME --rule-name RULE --filter ...`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html
WITH active AS (
    SELECT account_id, region, analyzer_arn,
           count(*) AS n,
           string_agg(DISTINCT resource_type, ', ' ORDER BY resource_type) AS types,
           string_agg(DISTINCT coalesce(finding_type, 'ExternalAccess'), ', '
                      ORDER BY coalesce(finding_type, 'ExternalAccess')) AS kinds
    FROM accessanalyzer_findings
    WHERE status = 'ACTIVE'
    GROUP BY account_id, region, analyzer_arn
)
SELECT
    a.account_id,
    a.region,
    a.arn AS resource_id,
    CASE
        WHEN f.n IS NOT NULL THEN 'FAIL'
        WHEN a.status IS DISTINCT FROM 'ACTIVE' THEN 'SKIP'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN f.n IS NOT NULL THEN 'Analyzer ' || a.name || ' has ' || f.n::VARCHAR || ' active finding(s) ('
            || f.kinds || ') on ' || coalesce(f.types, 'resources') || '.'
        WHEN a.status IS DISTINCT FROM 'ACTIVE' THEN 'Analyzer ' || a.name || ' is ' || coalesce(a.status, 'of unknown status')
            || ', so it reports no findings.'
        ELSE 'Analyzer ' || a.name || ' has no active findings.'
    END AS reason
FROM accessanalyzer_analyzers AS a
LEFT JOIN active AS f ON f.account_id = a.account_id AND f.region = a.region AND f.analyzer_arn = a.arn
