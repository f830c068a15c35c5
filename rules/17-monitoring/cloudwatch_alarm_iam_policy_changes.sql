-- title: A CloudWatch alarm notifies on IAM policy changes
-- severity: medium
-- section: 17
-- scope: account
-- description: Changed IAM policies change who can do what; unexpected changes are a sign of escalation. The benchmark asks for a metric filter on the CloudWatch Logs group of a logging
--   multi-region trail, an alarm on the filter's metric, and an SNS topic with a confirmed subscriber. The
--   filter's pattern is evaluated, not compared as text: it must match every one of the control's
--   events (calls to DeleteGroupPolicy, DeleteRolePolicy, DeleteUserPolicy, PutGroupPolicy, PutRolePolicy, PutUserPolicy, CreatePolicy, DeletePolicy, CreatePolicyVersion, DeletePolicyVersion, AttachRolePolicy, DetachRolePolicy, AttachUserPolicy, DetachUserPolicy, AttachGroupPolicy, DetachGroupPolicy (iam.amazonaws.com)); an organization trail of the management account covers its members.
-- remediation: On the trail's log group: `aws logs put-metric-filter --log-group-name LOG_GROUP
--   --filter-name NAME --metric-transformations metricName=NAME,metricNamespace=CISBenchmark,metricValue=1
--   --filter-pattern '{ (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) && ($.eventSource = iam.amazonaws.com) }'`, then `aws cloudwatch put-metric-alarm --alarm-name NAME --metric-name NAME
--   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator
--   GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN` and subscribe someone to
--   the topic (`aws sns subscribe --topic-arn TOPIC_ARN --protocol email --notification-endpoint ADDRESS`).
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html,
--   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
-- frameworks: cis-5.0:4.4, cis-3.0:4.4
WITH control_events(event) AS (
    SELECT CAST(json_merge_patch('{"sourceIPAddress": "198.51.100.7", "eventType": "AwsApiCall", "userIdentity": {"type": "IAMUser"}, "eventSource": "iam.amazonaws.com"}', json_object('eventName', n)) AS VARCHAR)
    FROM unnest([
        'DeleteGroupPolicy',
        'DeleteRolePolicy',
        'DeleteUserPolicy',
        'PutGroupPolicy',
        'PutRolePolicy',
        'PutUserPolicy',
        'CreatePolicy',
        'DeletePolicy',
        'CreatePolicyVersion',
        'DeletePolicyVersion',
        'AttachRolePolicy',
        'DetachRolePolicy',
        'AttachUserPolicy',
        'DetachUserPolicy',
        'AttachGroupPolicy',
        'DetachGroupPolicy'
    ]) AS names(n)
),
trails AS (
    SELECT t.*
    FROM cloudtrail_trails AS t
    WHERE t.account_id = split_part(t.trail_arn, ':', 5)
    QUALIFY row_number() OVER (PARTITION BY t.account_id, t.trail_arn
                               ORDER BY (t.region = t.home_region) DESC, t.region) = 1
),
log_groups AS (
    SELECT t.account_id AS owner, t.name AS trail, coalesce(t.is_organization_trail, false) AS org_trail,
           split_part(t.cloud_watch_logs_log_group_arn, ':', 4) AS lg_region,
           split_part(t.cloud_watch_logs_log_group_arn, ':', 7) AS log_group_name
    FROM trails AS t
    JOIN cloudtrail_trail_status AS st
        ON st.account_id = t.account_id AND st.trail_arn = t.trail_arn AND st.region = t.home_region
    WHERE coalesce(t.is_multi_region_trail, false) AND coalesce(st.is_logging, false)
      AND t.cloud_watch_logs_log_group_arn IS NOT NULL
),
coverage AS (
    SELECT g.owner AS account_id, g.* FROM log_groups AS g
    UNION ALL
    SELECT o.account_id, g.*
    FROM organizations_organization AS o
    JOIN log_groups AS g ON g.org_trail AND g.owner = o.master_account_id AND o.account_id <> g.owner
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
        string_agg(DISTINCT j.log_group_name, ', ' ORDER BY j.log_group_name) AS groups
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
    CASE WHEN v.passing IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE
        WHEN v.passing IS NOT NULL
            THEN 'Every IAM policy changes event is counted by ' || v.passing || ', which notifies a subscribed SNS topic.'
        WHEN v.groups IS NULL
            THEN 'No logging multi-region trail delivers to CloudWatch Logs, so nothing alarms on IAM policy changes.'
        WHEN v.unalarmed IS NOT NULL
            THEN v.unalarmed || ' matches every IAM policy changes event, but no alarm with actions on its metric '
                 || 'notifies an SNS topic with a confirmed subscription.'
        ELSE 'No metric filter on log group ' || v.groups || ' matches every IAM policy changes event.'
    END AS reason
FROM verdict AS v
CROSS JOIN sounding_snapshot AS s
