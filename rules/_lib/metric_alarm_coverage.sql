-- doc: Per reachable account, whether some CloudWatch metric filter whose pattern matches every one of the
--   given CloudTrail events counts them on the log group of a logging multi-region trail (the account's own,
--   or its management account's organization trail), with an enabled alarm on the filter's metric that
--   notifies an SNS topic with a confirmed subscription (the CIS monitoring controls). The filter pattern is
--   evaluated with filter_pattern_matches, not compared as text.
-- param events: The control's events, a list of CloudTrail event records as JSON text (see api_call_events).
-- column account_id: Account id.
-- column region: Region of the log group judged ('global' when no trail delivers to CloudWatch Logs).
-- column resource_id: The regional account ARN of that region, or account_arn(account_id) when 'global'.
-- column passing: 'metric filter F on log group G (trail T) with alarm A' for the first passing chain;
--   NULL when none passes (the control fails).
-- column unalarmed: 'Metric filter F on log group G' for the first filter matching every event, or NULL.
-- column log_groups: The trails' log groups, comma separated; NULL when no trail delivers to CloudWatch Logs.
CREATE MACRO metric_alarm_coverage(events) AS TABLE
WITH control_events AS (
    SELECT unnest(events) AS event
),
log_groups AS (
    SELECT t.account_id AS owner, t.trail_arn, t.name AS trail,
           split_part(t.cloud_watch_logs_log_group_arn, ':', 4) AS lg_region,
           split_part(t.cloud_watch_logs_log_group_arn, ':', 7) AS log_group_name
    FROM home_trails AS t
    JOIN cloudtrail_trail_status AS st
        ON st.account_id = t.account_id AND st.trail_arn = t.trail_arn AND st.region = t.home_region
    WHERE coalesce(t.is_multi_region_trail, false) AND coalesce(st.is_logging, false)
      AND t.cloud_watch_logs_log_group_arn IS NOT NULL
),
coverage AS (
    SELECT r.account_id, g.* FROM log_groups AS g JOIN trail_reach AS r ON r.trail_arn = g.trail_arn AND r.owner = g.owner
),
filters AS (
    SELECT f.account_id, f.region, f.log_group_name, f.filter_name,
           unnest(f.metric_names) AS metric_name, unnest(f.metric_namespaces) AS namespace
    FROM logs_metric_filters AS f
    WHERE (SELECT bool_and(coalesce(filter_pattern_matches(f.filter_pattern, e.event), false))
           FROM control_events AS e)
),
alarms AS (
    SELECT a.account_id, a.region, a.metric_name, a.namespace, a.alarm_name
    FROM cloudwatch_alarms AS a
    WHERE coalesce(a.actions_enabled, true)
      AND EXISTS (SELECT 1 FROM sns_subscriptions AS sub
                  WHERE list_contains(a.alarm_actions, sub.topic_arn) AND sub.subscription_arn LIKE 'arn:%')
),
judged AS (
    SELECT c.account_id, c.lg_region, c.trail, c.log_group_name, f.filter_name, a.alarm_name
    FROM coverage AS c
    LEFT JOIN filters AS f
        ON f.account_id = c.owner AND f.region = c.lg_region AND f.log_group_name = c.log_group_name
    LEFT JOIN alarms AS a
        ON a.account_id = f.account_id AND a.region = f.region AND a.metric_name = f.metric_name
       AND a.namespace = f.namespace
),
verdict AS (
    SELECT
        a.account_id,
        min(j.lg_region) AS region,
        min('metric filter ' || j.filter_name || ' on log group ' || j.log_group_name || ' (trail ' || j.trail
            || ') with alarm ' || j.alarm_name) FILTER (WHERE j.alarm_name IS NOT NULL) AS passing,
        min('Metric filter ' || j.filter_name || ' on log group ' || j.log_group_name)
            FILTER (WHERE j.filter_name IS NOT NULL) AS unalarmed,
        string_agg(DISTINCT j.log_group_name, ', ' ORDER BY j.log_group_name) AS log_groups
    FROM sounding_accounts AS a
    LEFT JOIN judged AS j ON j.account_id = a.account_id
    WHERE a.reachable
    GROUP BY a.account_id
)
SELECT
    v.account_id,
    coalesce(v.region, 'global') AS region,
    CASE WHEN v.region IS NULL THEN account_arn(v.account_id)
         ELSE 'arn:' || s.partition || '::' || v.region || ':' || v.account_id END AS resource_id,
    v.passing,
    v.unalarmed,
    v.log_groups
FROM verdict AS v
CROSS JOIN sounding_snapshot AS s
