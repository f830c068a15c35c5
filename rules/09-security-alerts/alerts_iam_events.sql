-- title: Console sign-ins and IAM changes raise an alert
-- severity: medium
-- section: 9
-- scope: account
-- description: A new access key, a changed policy or a console sign-in is how most account takeovers
--   start or show themselves. IAM and sign-in events are delivered through CloudTrail to EventBridge
--   in us-east-1 (sign-ins also in the region of the sign-in endpoint), so one alerting rule in any
--   collected region of the account is enough. Events: source aws.signin with detail-type AWS Console
--   Sign In via CloudTrail, or source aws.iam with detail-type AWS API Call via CloudTrail.
--   A rule counts when it is on the default bus (AWS services deliver there), ENABLED (or
--   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), has at least one target, and its event pattern
--   lets the event through: each of "source" and "detail-type" is either absent from the pattern (any
--   value) or a list holding the value, or a {"prefix"}, {"wildcard"}, {"equals-ignore-case"},
--   {"exists": true} or {"anything-but": value | list | {"prefix"}} that accepts it. Filters on other
--   fields (detail.severity, account) narrow the rule but are accepted.
-- remediation: In us-east-1: `aws events put-rule --name iam-changes --event-pattern '{"source":["aws.iam"],
--   "detail-type":["AWS API Call via CloudTrail"]}'` (and one for `{"source":["aws.signin"],"detail-type":
--   ["AWS Console Sign In via CloudTrail"]}`), then `aws events put-targets --rule iam-changes --targets
--   Id=sns,Arn=<topic arn>`.
-- references: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
WITH wanted(alt, field, want) AS (VALUES
    (1, 'source', 'aws.signin'), (1, 'detail-type', 'AWS Console Sign In via CloudTrail'),
    (2, 'source', 'aws.iam'), (2, 'detail-type', 'AWS API Call via CloudTrail')),
-- Per rule and wanted field: does the pattern let the wanted value through? (see docs/tables.md)
fields AS (
    SELECT c.account_id, c.region, c.name, c.state, c.has_target, w.alt,
           event_pattern_accepts(c.event_pattern, w.field, w.want) AS ok
    FROM events_alert_rules AS c
    CROSS JOIN wanted AS w
),
matching AS (
    SELECT DISTINCT account_id, region, name, state, has_target,
        state IN ('ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') AND has_target AS alerting
    FROM fields
    GROUP BY account_id, region, name, state, has_target, alt
    HAVING bool_and(ok)
),
alerting AS (
    SELECT
        account_id, region,
        string_agg(name, ', ' ORDER BY name) FILTER (WHERE alerting) AS good,
        string_agg(name || ' (' || CASE WHEN state NOT IN ('ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS')
            THEN 'state ' || coalesce(state, 'unknown') ELSE 'no target' END || ')', ', ' ORDER BY name)
            FILTER (WHERE NOT alerting) AS weak
    FROM matching
    GROUP BY account_id, region
),
per_account AS (
    SELECT
        account_id,
        string_agg(good || ' (' || region || ')', ', ' ORDER BY region) FILTER (WHERE good IS NOT NULL) AS good,
        string_agg(weak || ' in ' || region, '; ' ORDER BY region) FILTER (WHERE weak IS NOT NULL) AS weak
    FROM alerting
    GROUP BY account_id
)
SELECT
    a.account_id,
    'global' AS region,
    'arn:' || s.partition || ':::' || a.account_id AS resource_id,
    CASE WHEN p.good IS NOT NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN p.good IS NOT NULL
            THEN 'EventBridge rule ' || p.good || ' sends console sign-ins or IAM API calls to a target.'
        ELSE 'No enabled EventBridge rule with a target matches console sign-ins or IAM API calls in any '
            || 'collected region' || coalesce('; matching but not alerting: ' || p.weak, '') || '.'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN per_account AS p ON p.account_id = a.account_id
WHERE a.reachable
