-- title: Config rule compliance changes raise an alert
-- severity: low
-- section: 9
-- scope: account+region
-- description: When a resource turns NON_COMPLIANT with a Config rule, an alert lets someone react before an
--   auditor does. Per account and region where a Config recorder is recording; other regions are SKIP
--   (config_recorder_all_regions judges those). Event: source aws.config, detail-type Config Rules
--   Compliance Change.
--   A rule counts when it is on the default bus (AWS services deliver there), ENABLED (or
--   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), has at least one target, and its event pattern
--   can match the event under the full EventBridge grammar (prefix, suffix, wildcard, equals-ignore-case,
--   anything-but and its forms, exists, numeric, cidr, nested objects, $or at any level): it is tested
--   against the fields every such event has (source, detail-type; detail.eventSource for CloudTrail
--   events). Filters on other fields (detail.severity, account) narrow the rule but are accepted.
-- remediation: `aws events put-rule --name config-compliance --event-pattern '{"source":["aws.config"],
--   "detail-type":["Config Rules Compliance Change"],"detail":{"newEvaluationResult":{"complianceType":
--   ["NON_COMPLIANT"]}}}'` and `aws events put-targets --rule config-compliance --targets Id=sns,Arn=<topic arn>`.
-- references: https://docs.aws.amazon.com/config/latest/developerguide/monitor-config-with-cloudwatchevents.html
-- The events the rule must let through, as probes: fields a probe lacks are unconstrained.
WITH recording AS (
    SELECT account_id, region, bool_or(coalesce(recording, false)) AS recording
    FROM config_recorder_status
    GROUP BY account_id, region
),
alerting AS (
    SELECT * FROM alerting_event_rules([
        '{"source": "aws.config", "detail-type": "Config Rules Compliance Change"}'
    ])
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN NOT coalesce(c.recording, false) THEN 'SKIP'
        WHEN a.good IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN NOT coalesce(c.recording, false) THEN 'AWS Config is not recording in ' || r.region || ', so there are no compliance changes to alert on.'
        WHEN a.good IS NOT NULL THEN 'EventBridge rule ' || a.good || ' sends Config compliance changes to a target in ' || r.region || '.'
        ELSE 'No enabled EventBridge rule with a target matches Config compliance changes in ' || r.region
            || coalesce('; matching but not alerting: ' || a.weak, '') || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN alerting AS a ON a.account_id = r.account_id AND a.region = r.region
LEFT JOIN recording AS c ON c.account_id = r.account_id AND c.region = r.region
