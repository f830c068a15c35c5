-- doc: Per account and region, the EventBridge rules of the default bus whose event pattern can match one of
--   the given events (event_pattern_admits under the full EventBridge grammar; fields a probe lacks are
--   unconstrained), split into those that alert (state ENABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS,
--   with a target) and those that do not. Only regions with at least one matching rule have a row.
-- param probes: The events to alert on, a list of JSON probes, e.g. ['{"source": "aws.guardduty"}'].
-- column account_id: Account id.
-- column region: Region of the rules.
-- column good: Names of the matching rules that alert, comma separated; NULL when none does.
-- column weak: The matching rules that do not alert, each with why ('state DISABLED' or 'no target'); NULL
--   when every matching rule alerts.
CREATE MACRO alerting_event_rules(probes) AS TABLE
WITH fields AS (
    SELECT c.account_id, c.region, c.name, c.state, c.has_target,
           event_pattern_admits(c.event_pattern, w.probe) AS ok
    FROM events_alert_rules AS c
    CROSS JOIN (SELECT unnest(probes) AS probe) AS w
),
matching AS (
    SELECT DISTINCT account_id, region, name, state, has_target,
        state IN ('ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') AND has_target AS alerting
    FROM fields
    WHERE ok
)
SELECT
    account_id, region,
    string_agg(name, ', ' ORDER BY name) FILTER (WHERE alerting) AS good,
    string_agg(name || ' (' || CASE WHEN state NOT IN ('ENABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS')
        THEN 'state ' || coalesce(state, 'unknown') ELSE 'no target' END || ')', ', ' ORDER BY name)
        FILTER (WHERE NOT alerting) AS weak
FROM matching
GROUP BY account_id, region
