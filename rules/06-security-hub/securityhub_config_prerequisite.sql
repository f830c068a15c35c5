-- title: Every region with Security Hub also records with AWS Config
-- severity: medium
-- section: 6
-- scope: account+region
-- description: Most Security Hub controls are evaluated through AWS Config rules. Where Config does not
--   record, those controls have no data and Security Hub shows nothing wrong about resources it
--   cannot see.
-- remediation: Start a recorder in the region: `aws configservice put-configuration-recorder` (all supported
--   resource types), `aws configservice put-delivery-channel`, then
--   `aws configservice start-configuration-recorder --configuration-recorder-name default --region REGION`.
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-setup-prereqs.html
WITH recorders AS (
    SELECT
        account_id,
        region,
        bool_or(coalesce(recording, false) AND upper(coalesce(last_status, '')) <> 'FAILURE') AS healthy,
        string_agg(name || ' (' || CASE WHEN coalesce(recording, false) THEN 'recording' ELSE 'not recording' END
                   || ', last status ' || coalesce(last_status, 'unknown') || ')', ', ' ORDER BY name) AS described
    FROM config_recorder_status
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
        WHEN c.healthy THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN h.hub_arn IS NULL THEN 'Security Hub is not enabled in ' || r.region || '; Config is not a prerequisite there.'
        WHEN c.healthy THEN 'Security Hub and Config both run in ' || r.region || ': ' || c.described || '.'
        WHEN c.described IS NOT NULL THEN 'Security Hub is enabled in ' || r.region
            || ' but Config does not record there: ' || c.described || '.'
        ELSE 'Security Hub is enabled in ' || r.region || ' but the region has no Config recorder.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN securityhub_hub AS h ON h.account_id = r.account_id AND h.region = r.region
LEFT JOIN recorders AS c ON c.account_id = r.account_id AND c.region = r.region
