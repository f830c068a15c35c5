-- title: Console sign-ins and IAM changes raise an alert
-- severity: medium
-- section: 9
-- scope: account
-- description: A new access key, a changed policy or a console sign-in is how most account takeovers
--   start or show themselves. IAM and sign-in events are global-service events: CloudTrail delivers
--   them to EventBridge only in the partition's global region (us-east-1; aws-us-gov: us-gov-west-1;
--   aws-cn: cn-north-1), so only a rule there counts and a rule in any other region never fires. When
--   that region was not collected the finding is ERROR. Events: source aws.signin with detail-type AWS
--   Console Sign In via CloudTrail, or source aws.iam with detail-type AWS API Call via CloudTrail.
--   A rule counts when it is on the default bus (AWS services deliver there), ENABLED (or
--   ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), has at least one target, and its event pattern
--   can match the event under the full EventBridge grammar (prefix, suffix, wildcard, equals-ignore-case,
--   anything-but and its forms, exists, numeric, cidr, nested objects, $or at any level): it is tested
--   against the fields every such event has (source, detail-type; detail.eventSource for CloudTrail
--   events). Filters on other fields (detail.severity, account) narrow the rule but are accepted.
-- remediation: In us-east-1: `aws events put-rule --name iam-changes --event-pattern '{"source":["aws.iam"],
--   "detail-type":["AWS API Call via CloudTrail"]}'` (and one for `{"source":["aws.signin"],"detail-type":
--   ["AWS Console Sign In via CloudTrail"]}`), then `aws events put-targets --rule iam-changes --targets
--   Id=sns,Arn=<topic arn>`.
-- references: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
-- The events the rule must let through, as probes: fields a probe lacks are unconstrained.
WITH alerting AS (
    SELECT * FROM alerting_event_rules([
        '{"source": "aws.signin", "detail-type": "AWS Console Sign In via CloudTrail", "detail": {"eventSource": "signin.amazonaws.com"}}',
        '{"source": "aws.iam", "detail-type": "AWS API Call via CloudTrail", "detail": {"eventSource": "iam.amazonaws.com"}}'
    ])
),
home AS (
    SELECT global_region(s.partition) AS region
    FROM sounding_snapshot AS s
),
per_account AS (
    SELECT
        l.account_id,
        string_agg(l.good, ', ' ORDER BY l.good) FILTER (WHERE l.good IS NOT NULL AND l.region = h.region) AS good,
        string_agg(l.weak, '; ' ORDER BY l.weak) FILTER (WHERE l.weak IS NOT NULL AND l.region = h.region) AS weak,
        string_agg(coalesce(l.good || coalesce(', ' || l.weak, ''), l.weak) || ' in ' || l.region, '; '
            ORDER BY l.region) FILTER (WHERE l.region <> h.region) AS elsewhere
    FROM alerting AS l
    CROSS JOIN home AS h
    GROUP BY l.account_id
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN p.good IS NOT NULL THEN 'PASS'
         WHEN NOT EXISTS (SELECT 1 FROM sounding_scopes AS c WHERE c.account_id = a.account_id
                          AND c.region = h.region) THEN 'ERROR'
         ELSE 'FAIL' END AS status,
    CASE
        WHEN p.good IS NOT NULL
            THEN 'EventBridge rule ' || p.good || ' in ' || h.region
                || ' sends console sign-ins or IAM API calls to a target.'
        WHEN NOT EXISTS (SELECT 1 FROM sounding_scopes AS c WHERE c.account_id = a.account_id
                          AND c.region = h.region)
            THEN h.region || ', the only region where IAM and sign-in events reach EventBridge, was not collected.'
        ELSE 'No enabled EventBridge rule with a target matches console sign-ins or IAM API calls in ' || h.region
            || ', the only region where IAM and sign-in events reach EventBridge'
            || coalesce('; matching but not alerting: ' || p.weak, '')
            || coalesce('; rules elsewhere never fire: ' || p.elsewhere, '') || '.'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
CROSS JOIN home AS h
LEFT JOIN per_account AS p ON p.account_id = a.account_id
WHERE a.reachable
