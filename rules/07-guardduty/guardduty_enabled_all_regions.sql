-- title: GuardDuty is enabled in every enabled region
-- severity: high
-- section: 7
-- scope: account+region
-- description: GuardDuty detects compromised credentials, crypto-mining, reconnaissance and data
--   exfiltration from CloudTrail, VPC flow logs and DNS logs. A region without an enabled detector is
--   a region where such activity goes unnoticed; a suspended detector (status DISABLED) analyses nothing.
-- remediation: `aws guardduty create-detector --enable --region REGION`, or for a suspended detector
--   `aws guardduty update-detector --detector-id ID --enable --region REGION`. In an organization, let the
--   GuardDuty delegated administrator auto-enable all members:
--   `aws guardduty update-organization-configuration --detector-id ID --auto-enable-organization-members ALL`.
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-1
-- frameworks: fsbp:GuardDuty.1
WITH detectors AS (
    SELECT
        account_id,
        region,
        string_agg(detector_id, ', ' ORDER BY detector_id) FILTER (WHERE status = 'ENABLED') AS enabled_ids,
        string_agg(detector_id || ' (' || coalesce(status, 'status unknown') || ')', ', ' ORDER BY detector_id)
            FILTER (WHERE status IS DISTINCT FROM 'ENABLED') AS other_ids
    FROM guardduty_detectors
    GROUP BY account_id, region
),
listed AS (
    SELECT account_id, region, count(*) AS n FROM guardduty_detector_ids GROUP BY account_id, region
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN d.enabled_ids IS NOT NULL THEN 'PASS'
        WHEN d.other_ids IS NULL AND l.n IS NOT NULL THEN 'ERROR'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN d.enabled_ids IS NOT NULL THEN 'GuardDuty detector ' || d.enabled_ids || ' is enabled in ' || r.region || '.'
        WHEN d.other_ids IS NULL AND l.n IS NOT NULL THEN 'GuardDuty lists a detector in ' || r.region
            || ' but guardduty_detectors has no row for it.'
        WHEN d.other_ids IS NOT NULL THEN 'GuardDuty is suspended in ' || r.region || ': detector ' || d.other_ids || '.'
        ELSE 'GuardDuty has no detector in ' || r.region || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN detectors AS d ON d.account_id = r.account_id AND d.region = r.region
LEFT JOIN listed AS l ON l.account_id = r.account_id AND l.region = r.region
