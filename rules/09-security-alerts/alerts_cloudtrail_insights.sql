-- title: CloudTrail Insights events raise an alert
-- severity: low
-- section: 9
-- scope: account+region
-- description: An Insights event says the rate of write calls or errors departed from normal: often the first
--   sign of a runaway script or an attacker. Per account and region where Insights is on: a trail of
--   the account with insight selectors covers the region (multi-region, or homed there); other regions
--   are SKIP (cloudtrail_insights judges those). Event: source aws.cloudtrail, detail-type AWS Insight
--   via CloudTrail (a pattern that requires another source never sees Insights events).
--   A rule counts when it is on the default bus (AWS services deliver there), ENABLED (or
--   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), has at least one target, and its event pattern
--   can match the event under the full EventBridge grammar (prefix, suffix, wildcard, equals-ignore-case,
--   anything-but and its forms, exists, numeric, cidr, nested objects, $or at any level): it is tested
--   against the fields every such event has (source, detail-type; detail.eventSource for CloudTrail
--   events). Filters on other fields (detail.severity, account) narrow the rule but are accepted.
-- remediation: `aws events put-rule --name cloudtrail-insights --event-pattern '{"detail-type":["AWS Insight via
--   CloudTrail"]}'` and `aws events put-targets --rule cloudtrail-insights --targets Id=sns,Arn=<topic arn>`.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html,
--   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
-- The events the rule must let through, as probes: fields a probe lacks are unconstrained.
WITH insights AS (
    SELECT t.account_id, t.home_region, coalesce(t.is_multi_region_trail, false) AS multi
    FROM home_trails AS t
    JOIN cloudtrail_insight_selectors AS i
        ON i.account_id = t.account_id AND i.trail_arn = t.trail_arn AND i.region = t.home_region
    WHERE len(i.insight_types) > 0
),
alerting AS (
    SELECT * FROM alerting_event_rules([
        '{"source": "aws.cloudtrail", "detail-type": "AWS Insight via CloudTrail"}'
    ])
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN NOT EXISTS (SELECT 1 FROM insights AS i WHERE i.account_id = r.account_id
            AND (i.multi OR i.home_region = r.region)) THEN 'SKIP'
        WHEN a.good IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN NOT EXISTS (SELECT 1 FROM insights AS i WHERE i.account_id = r.account_id
            AND (i.multi OR i.home_region = r.region)) THEN 'No trail of the account records Insights events in ' || r.region || ', so there are none to alert on.'
        WHEN a.good IS NOT NULL THEN 'EventBridge rule ' || a.good || ' sends CloudTrail Insights events to a target in ' || r.region || '.'
        ELSE 'No enabled EventBridge rule with a target matches CloudTrail Insights events in ' || r.region
            || coalesce('; matching but not alerting: ' || a.weak, '') || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN alerting AS a ON a.account_id = r.account_id AND a.region = r.region
