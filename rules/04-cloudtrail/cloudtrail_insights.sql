-- title: CloudTrail Insights is enabled on a logging trail
-- severity: low
-- section: 4
-- scope: account
-- description: Insights learns the account's normal rate of write API calls and errors and records an
--   Insights event when it departs from it: a burst of instance launches, a wave of AccessDenied. The
--   account passes when a logging trail that covers it (its own, or an organization trail of its
--   management account) has insight selectors. Status and selectors are read once per trail in its
--   home region by the owning account; when those are missing the finding is ERROR.
-- remediation: `aws cloudtrail put-insight-selectors --trail-name <trail> --insight-selectors
--   '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]' --region <home region>`
--   (Insights is billed per 100,000 write events analysed).
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-insights-events-with-cloudtrail.html
WITH judged AS (
    SELECT
        t.account_id AS owner, t.trail_arn, t.name, t.home_region,
        st.trail_arn IS NOT NULL AS has_status,
        coalesce(st.is_logging, false) AS logging,
        coalesce(len(ins.insight_types), 0) > 0 AS has_insights,
        array_to_string(list_sort(ins.insight_types), ' and ') AS insight_types
    FROM home_trails AS t
    LEFT JOIN cloudtrail_trail_status AS st
        ON st.account_id = t.account_id AND st.trail_arn = t.trail_arn AND st.region = t.home_region
    LEFT JOIN cloudtrail_insight_selectors AS ins
        ON ins.account_id = t.account_id AND ins.trail_arn = t.trail_arn AND ins.region = t.home_region
),
coverage AS (
    SELECT r.account_id, j.* FROM judged AS j JOIN trail_reach AS r ON r.trail_arn = j.trail_arn AND r.owner = j.owner
),
described AS (
    SELECT
        c.*,
        c.has_status AND c.logging AND c.has_insights AS qualifies,
        'trail ' || c.name || CASE WHEN c.owner <> c.account_id
            THEN ' (organization trail of ' || c.owner || ')' ELSE '' END AS label,
        CASE
            WHEN NOT c.has_status THEN 'status not collected (home region ' || c.home_region || ')'
            WHEN NOT c.logging AND NOT c.has_insights THEN 'not logging, no insight selectors'
            WHEN NOT c.logging THEN 'not logging'
            ELSE 'no insight selectors'
        END AS problem
    FROM coverage AS c
),
unseen AS (
    SELECT account_id, 'organization trail ' || name || ' of management account ' || owner
        || ', which is not in this snapshot' AS note
    FROM unseen_org_trails
),
verdict AS (
    SELECT
        a.account_id,
        arg_min(d.label || ' records ' || d.insight_types, d.trail_arn) FILTER (WHERE d.qualifies) AS passing,
        bool_or(NOT d.has_status) OR EXISTS (SELECT 1 FROM unseen AS u WHERE u.account_id = a.account_id)
            AS unknown,
        count(d.trail_arn) AS candidates,
        string_agg(d.label || ': ' || d.problem, '; ' ORDER BY d.name, d.trail_arn) AS problems,
        (SELECT string_agg(u.note, '; ' ORDER BY u.note) FROM unseen AS u WHERE u.account_id = a.account_id)
            AS unseen_notes
    FROM sounding_accounts AS a
    LEFT JOIN described AS d ON d.account_id = a.account_id
    WHERE a.reachable
    GROUP BY a.account_id
)
SELECT
    v.account_id,
    'global' AS region,
    account_arn(v.account_id) AS resource_id,
    CASE WHEN v.passing IS NOT NULL THEN 'PASS' WHEN v.unknown THEN 'ERROR' ELSE 'FAIL' END AS status,
    CASE
        WHEN v.passing IS NOT NULL THEN 'Logging ' || v.passing || ' Insights events.'
        WHEN v.unknown THEN 'No trail is known to record Insights events and some could not be judged: '
            || concat_ws('; ', v.problems, v.unseen_notes) || '.'
        WHEN v.candidates = 0 THEN 'No trail covers this account, so nothing records Insights events.'
        ELSE 'No logging trail has insight selectors: ' || v.problems || '.'
    END AS reason
FROM verdict AS v
