-- title: Security Hub findings raise an alert
-- severity: medium
-- section: 9
-- scope: account+region
-- description: Security Hub gathers findings from GuardDuty, Inspector, Macie, Config and its own controls;
--   an EventBridge rule turns new findings into a page or a ticket. Per account and region where
--   Security Hub is enabled (securityhub_hub); when the account has a finding aggregator, only the
--   aggregation region is judged and the others are SKIP. Event: source aws.securityhub, detail-type
--   Security Hub Findings - Imported.
--   A rule counts when it is on the default bus (AWS services deliver there), ENABLED (or
--   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), has at least one target, and its event pattern
--   can match the event under the full EventBridge grammar (prefix, suffix, wildcard, equals-ignore-case,
--   anything-but and its forms, exists, numeric, cidr, nested objects, $or at any level): it is tested
--   against the fields every such event has (source, detail-type; detail.eventSource for CloudTrail
--   events). Filters on other fields (detail.severity, account) narrow the rule but are accepted.
-- remediation: `aws events put-rule --name securityhub-findings --event-pattern '{"source":["aws.securityhub"],
--   "detail-type":["Security Hub Findings - Imported"],"detail":{"findings":{"Severity":{"Label":["HIGH",
--   "CRITICAL"]}}}}'` and `aws events put-targets --rule securityhub-findings --targets Id=sns,Arn=<topic arn>`
--   in the aggregation region (or every enabled region without an aggregator).
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-integration-types.html,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/finding-aggregation.html
-- The events the rule must let through, as probes: fields a probe lacks are unconstrained.
WITH aggregation AS (
    -- The aggregation region is the one in the aggregator's ARN: ListFindingAggregators answers from any region.
    SELECT account_id, string_agg(DISTINCT home, ', ' ORDER BY home) AS regions, list(DISTINCT home) AS region_list
    FROM (SELECT account_id, coalesce(nullif(split_part(finding_aggregator_arn, ':', 4), ''), region) AS home
          FROM securityhub_finding_aggregators)
    GROUP BY account_id
),
alerting AS (
    SELECT * FROM alerting_event_rules([
        '{"source": "aws.securityhub", "detail-type": "Security Hub Findings - Imported"}'
    ])
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN NOT r.collected THEN 'SKIP'
        WHEN h.region IS NULL OR (g.account_id IS NOT NULL AND NOT list_contains(g.region_list, r.region)) THEN 'SKIP'
        WHEN a.good IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || r.opt_in_status || ').'
        WHEN NOT r.collected THEN 'Region not collected in this snapshot.'
        WHEN h.region IS NULL OR (g.account_id IS NOT NULL AND NOT list_contains(g.region_list, r.region)) THEN CASE WHEN h.region IS NULL
            THEN 'Security Hub is not enabled in ' || r.region || ', so there are no findings to alert on.'
            ELSE 'Security Hub findings of ' || r.region || ' are aggregated to ' || g.regions
                || '; alerts are judged there.' END
        WHEN a.good IS NOT NULL THEN 'EventBridge rule ' || a.good || ' sends Security Hub findings to a target in ' || r.region || '.'
        ELSE 'No enabled EventBridge rule with a target matches Security Hub findings in ' || r.region
            || coalesce('; matching but not alerting: ' || a.weak, '') || '.'
    END AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
LEFT JOIN alerting AS a ON a.account_id = r.account_id AND a.region = r.region
LEFT JOIN (SELECT DISTINCT account_id, region FROM securityhub_hub) AS h
    ON h.account_id = r.account_id AND h.region = r.region
LEFT JOIN aggregation AS g ON g.account_id = r.account_id
