-- title: GuardDuty findings raise an alert
-- severity: medium
-- section: 9
-- scope: account+region
-- description: GuardDuty findings (compromised credentials, crypto-mining, exfiltration) are only useful when
--   someone sees them. Per account and region where GuardDuty has an ENABLED detector; other regions
--   are SKIP (guardduty_enabled_all_regions judges those). Event: source aws.guardduty, detail-type
--   GuardDuty Finding.
--   A rule counts when it is on the default bus (AWS services deliver there), ENABLED (or
--   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), has at least one target, and its event pattern
--   can match the event under the full EventBridge grammar (prefix, suffix, wildcard, equals-ignore-case,
--   anything-but and its forms, exists, numeric, cidr, nested objects, $or at any level): it is tested
--   against the fields every such event has (source, detail-type; detail.eventSource for CloudTrail
--   events). Filters on other fields (detail.severity, account) narrow the rule but are accepted.
-- remediation: `aws events put-rule --name guardduty-findings --event-pattern '{"source":["aws.guardduty"],
--   "detail-type":["GuardDuty Finding"]}'` and `aws events put-targets --rule guardduty-findings --targets
--   Id=sns,Arn=<topic arn>` in each region (or aggregate in the delegated administrator account).
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
-- The events the rule must let through, as probes: fields a probe lacks are unconstrained.
WITH detectors AS (
    SELECT account_id, region, bool_or(status = 'ENABLED') AS enabled
    FROM guardduty_detectors
    GROUP BY account_id, region
),
alerting AS (
    SELECT * FROM alerting_event_rules([
        '{"source": "aws.guardduty", "detail-type": "GuardDuty Finding"}'
    ])
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN NOT coalesce(d.enabled, false) THEN 'SKIP'
        WHEN a.good IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN NOT coalesce(d.enabled, false) THEN 'GuardDuty has no ENABLED detector in ' || r.region || ', so there are no findings to alert on.'
        WHEN a.good IS NOT NULL THEN 'EventBridge rule ' || a.good || ' sends GuardDuty findings to a target in ' || r.region || '.'
        ELSE 'No enabled EventBridge rule with a target matches GuardDuty findings in ' || r.region
            || coalesce('; matching but not alerting: ' || a.weak, '') || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN alerting AS a ON a.account_id = r.account_id AND a.region = r.region
LEFT JOIN detectors AS d ON d.account_id = r.account_id AND d.region = r.region
