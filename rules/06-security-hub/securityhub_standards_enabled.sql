-- title: Security Hub has a security standard enabled where it is on
-- severity: medium
-- section: 6
-- scope: account+region
-- description: Security Hub without a standard only relays other services' findings: its own controls
--   (the checks behind AWS Foundational Security Best Practices or CIS) run only for the standards
--   that are subscribed and READY.
-- remediation: `aws securityhub batch-enable-standards --region REGION --standards-subscription-requests
--   StandardsArn=arn:aws:securityhub:REGION::standards/aws-foundational-security-best-practices/v/1.0.0`,
--   or enable the standard in a central configuration policy of the delegated administrator.
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards-enable-disable.html
WITH standards AS (
    SELECT
        account_id,
        region,
        string_agg(regexp_extract(standards_arn, '(standards|ruleset)/(.+)$', 2), ', '
                   ORDER BY standards_arn) FILTER (WHERE standards_status = 'READY') AS ready,
        string_agg(regexp_extract(standards_arn, '(standards|ruleset)/(.+)$', 2) || ' is '
                   || coalesce(standards_status, 'of unknown status'), ', '
                   ORDER BY standards_arn) FILTER (WHERE standards_status IS DISTINCT FROM 'READY') AS not_ready
    FROM securityhub_enabled_standards
    GROUP BY account_id, region
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN h.hub_arn IS NULL THEN 'SKIP'
        WHEN st.ready IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN h.hub_arn IS NULL THEN 'Security Hub is not enabled in ' || r.region
            || ' (see securityhub_enabled_all_regions).'
        WHEN st.ready IS NOT NULL THEN 'READY standards in ' || r.region || ': ' || st.ready || '.'
        WHEN st.not_ready IS NOT NULL THEN 'No standard is READY in ' || r.region || ': ' || st.not_ready || '.'
        ELSE 'Security Hub is enabled in ' || r.region || ' but no standard is subscribed.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN securityhub_hub AS h ON h.account_id = r.account_id AND h.region = r.region
LEFT JOIN standards AS st ON st.account_id = r.account_id AND st.region = r.region
