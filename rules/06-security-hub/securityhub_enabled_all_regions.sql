-- title: Security Hub is enabled in every enabled region
-- severity: high
-- section: 6
-- scope: account+region
-- description: Security Hub gathers findings from GuardDuty, Inspector, Macie, Config and its own
--   security controls into one place. A region without it is a region whose misconfigurations and
--   threats nobody sees, and attackers favour the regions that nobody watches.
-- remediation: Enable it in the region: `aws securityhub enable-security-hub --region REGION --enable-default-standards`.
--   In an organization, let the delegated administrator enable it everywhere with a central configuration
--   policy (Security Hub > Configuration > Policies), so new accounts and regions are covered automatically.
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/central-configuration-intro.html
-- frameworks: cis-5.0:4.16, cis-3.0:4.16
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN h.hub_arn IS NULL THEN 'FAIL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN h.hub_arn IS NULL THEN 'Security Hub is not enabled in ' || r.region || '.'
        ELSE 'Security Hub is enabled in ' || r.region
            || coalesce(' since ' || strftime(h.subscribed_at, '%Y-%m-%d'), '') || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN securityhub_hub AS h ON h.account_id = r.account_id AND h.region = r.region
