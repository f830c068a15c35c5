-- title: Amazon Macie is enabled in every enabled region
-- severity: low
-- section: 14
-- scope: account+region
-- description: Macie inventories S3 buckets (public, unencrypted, shared) and discovers sensitive data such
--   as credentials and personal data in them. Without it, where sensitive data sits and who can reach it
--   is unknown.
-- remediation: `aws macie2 enable-macie --region REGION` (a PAUSED session: `aws macie2 update-macie-session
--   --status ENABLED`); in an organization, designate a Macie delegated administrator and auto-enable members.
-- references: https://docs.aws.amazon.com/macie/latest/user/getting-started.html
-- frameworks: cis-5.0:2.1.3, cis-3.0:2.1.3, fsbp:Macie.1
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN m.status = 'ENABLED' THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN m.status = 'ENABLED' THEN 'Macie is enabled in ' || r.region || '.'
        WHEN m.account_id IS NOT NULL THEN 'Macie is ' || coalesce(m.status, 'of unknown status') || ' in ' || r.region || '.'
        ELSE 'Macie is not enabled in ' || r.region || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN macie_session AS m ON m.account_id = r.account_id AND m.region = r.region
