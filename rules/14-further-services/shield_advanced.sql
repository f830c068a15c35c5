-- title: Shield Advanced protects the account
-- severity: low
-- section: 14
-- scope: account
-- description: Shield Standard absorbs common network-layer DDoS attacks for everyone. Shield Advanced adds
--   application-layer protection, the Shield Response Team and cost protection for scaling during an attack;
--   whether an account needs it depends on what it exposes, so without it a person must decide.
-- remediation: Where internet-facing workloads justify it: `aws shield create-subscription`, then protect
--   resources with `aws shield create-protection --name NAME --resource-arn ARN` (or through Firewall Manager
--   for the whole organization).
-- references: https://docs.aws.amazon.com/waf/latest/developerguide/shield-chapter.html
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE
        WHEN sh.subscription_state = 'ACTIVE' THEN 'PASS'
        WHEN sh.account_id IS NULL THEN 'ERROR'
        ELSE 'MANUAL'
    END AS status,
    CASE
        WHEN sh.subscription_state = 'ACTIVE' THEN 'Shield Advanced subscription is ACTIVE.'
        WHEN sh.account_id IS NULL THEN 'shield_subscription has no row for this account.'
        ELSE 'Shield Advanced is not subscribed (' || coalesce(sh.subscription_state, 'state unknown')
            || '): confirm that Shield Standard is enough for what this account exposes.'
    END AS reason
FROM sounding_accounts AS a
LEFT JOIN shield_subscription AS sh ON sh.account_id = a.account_id
WHERE a.reachable
