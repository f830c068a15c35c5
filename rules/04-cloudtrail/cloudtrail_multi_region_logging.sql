-- title: A multi-region trail logs the account's management events
-- severity: critical
-- section: 4
-- scope: account
-- description: CloudTrail is the record of who did what. An account passes when a trail that covers
--   it is multi-region, is logging, and records management events both read and write: its own
--   trail, or an organization trail of its management account (organizations_organization tells
--   which management account an account belongs to; an organization trail counts for all of them).
--   Trail status and selectors are read once per trail, in its home region, by the owning account;
--   when those are missing from the snapshot (home region or management account not collected) the
--   finding is ERROR, not FAIL. Write-only logging misses reconnaissance; read-only misses changes.
--   Coverage is the union of the trail's selectors: a plain selector with IncludeManagementEvents and
--   no ExcludeManagementEventSources (excluding KMS or RDS Data API events is a subset, as for AWS
--   Config multi-region-cloudtrail-enabled and Security Hub CloudTrail.1), or an advanced selector on
--   eventCategory = Management filtering nothing but readOnly; readOnly true + false together is all.
-- remediation: From the management account, `aws cloudtrail create-trail --name org-trail --s3-bucket-name
--   <bucket> --is-multi-region-trail --is-organization-trail --enable-log-file-validation --kms-key-id <key>`,
--   then `aws cloudtrail start-logging --name org-trail`. Keep the default event selector (ReadWriteType All,
--   IncludeManagementEvents true) or an advanced selector on eventCategory = Management without readOnly.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html,
--   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html
-- frameworks: cis-5.0:3.1, cis-3.0:3.1, fsbp:CloudTrail.1
WITH -- Management-event coverage is the union over a trail's selectors (read + write = all), from the
-- selectors as GetEventSelectors returns them. A plain selector counts with IncludeManagementEvents
-- (default true) and no ExcludeManagementEventSources (excluding KMS or RDS Data API events is a
-- subset); ReadWriteType defaults to All. An advanced selector counts when it selects
-- eventCategory = Management and filters nothing but readOnly (an eventSource filter is a subset).
selectors AS (
    -- The selector documents, also when a row holds them as JSON text inside a JSON string.
    SELECT account_id, region, trail_arn, read_write_type, advanced_all_management_events,
        CASE WHEN json_type(event_selectors) = 'VARCHAR' THEN TRY_CAST(event_selectors ->> '$' AS JSON)
             ELSE event_selectors END AS event_selectors,
        CASE WHEN json_type(advanced_event_selectors) = 'VARCHAR' THEN TRY_CAST(advanced_event_selectors ->> '$' AS JSON)
             ELSE advanced_event_selectors END AS advanced_event_selectors
    FROM cloudtrail_event_selectors
),
plain AS (
    SELECT sel.account_id, sel.region, sel.trail_arn,
        coalesce(e->>'$.IncludeManagementEvents', 'true') = 'true'
            AND coalesce(json_array_length(e, '$.ExcludeManagementEventSources'), 0) = 0 AS full_set,
        coalesce(e->>'$.ReadWriteType', 'All') AS rw
    FROM selectors AS sel,
        unnest(CAST(CASE WHEN json_type(sel.event_selectors) = 'ARRAY' THEN sel.event_selectors END AS JSON[])) AS u(e)
),
advanced AS (
    SELECT sel.account_id, sel.region, sel.trail_arn,
        CAST(CASE WHEN json_type(a, '$.FieldSelectors') = 'ARRAY' THEN a->'$.FieldSelectors' END AS JSON[]) AS fs
    FROM selectors AS sel,
        unnest(CAST(CASE WHEN json_type(sel.advanced_event_selectors) = 'ARRAY'
                    THEN sel.advanced_event_selectors END AS JSON[])) AS u(a)
),
advanced_judged AS (
    SELECT account_id, region, trail_arn,
        len(list_filter(fs, lambda f: f->>'$.Field' = 'eventCategory'
            AND list_contains(json_extract_string(f, '$.Equals[*]'), 'Management'))) > 0
        AND len(list_filter(fs, lambda f: coalesce(f->>'$.Field', '') NOT IN ('eventCategory', 'readOnly')
            OR (f->>'$.Field' = 'eventCategory' AND NOT coalesce(
                json_extract_string(f, '$.Equals[*]') = ['Management'] AND len(json_keys(f)) = 2, false)))) = 0
            AS management_only,
        -- Every readOnly filter (Equals / NotEquals, nothing else) must admit the value.
        len(list_filter(fs, lambda f: f->>'$.Field' = 'readOnly' AND NOT coalesce(
            len(list_filter(json_keys(f), lambda k: k NOT IN ('Field', 'Equals', 'NotEquals'))) = 0
            AND (json_type(f, '$.Equals') IS NULL OR list_contains(json_extract_string(f, '$.Equals[*]'), 'true'))
            AND NOT coalesce(list_contains(json_extract_string(f, '$.NotEquals[*]'), 'true'), false), false))) = 0
            AS admits_read,
        len(list_filter(fs, lambda f: f->>'$.Field' = 'readOnly' AND NOT coalesce(
            len(list_filter(json_keys(f), lambda k: k NOT IN ('Field', 'Equals', 'NotEquals'))) = 0
            AND (json_type(f, '$.Equals') IS NULL OR list_contains(json_extract_string(f, '$.Equals[*]'), 'false'))
            AND NOT coalesce(list_contains(json_extract_string(f, '$.NotEquals[*]'), 'false'), false), false))) = 0
            AS admits_write
    FROM advanced
),
selector_parts AS (
    SELECT account_id, region, trail_arn, full_set AND rw IN ('All', 'ReadOnly') AS reads,
        full_set AND rw IN ('All', 'WriteOnly') AS writes
    FROM plain
    UNION ALL
    SELECT account_id, region, trail_arn, management_only AND admits_read, management_only AND admits_write
    FROM advanced_judged
),
management AS (
    SELECT sel.account_id, sel.region, sel.trail_arn,
        CASE WHEN sel.event_selectors IS NULL AND sel.advanced_event_selectors IS NULL
            -- Rows that carry only the summary columns (no selector documents).
            THEN coalesce(sel.read_write_type = 'All', false) OR coalesce(sel.advanced_all_management_events, false)
            ELSE coalesce((SELECT bool_or(p.reads) AND bool_or(p.writes) FROM selector_parts AS p
                           WHERE p.account_id = sel.account_id AND p.region = sel.region
                             AND p.trail_arn = sel.trail_arn), false)
        END AS all_management
    FROM selectors AS sel
),
judged AS (
    SELECT
        t.account_id AS owner, t.trail_arn, t.name, t.home_region,
        coalesce(t.is_multi_region_trail, false) AS multi,
        st.trail_arn IS NOT NULL AS has_status,
        coalesce(st.is_logging, false) AS logging,
        sel.trail_arn IS NOT NULL AS has_selectors,
        coalesce(sel.all_management, false) AS all_management
    FROM home_trails AS t
    LEFT JOIN cloudtrail_trail_status AS st
        ON st.account_id = t.account_id AND st.trail_arn = t.trail_arn AND st.region = t.home_region
    LEFT JOIN management AS sel
        ON sel.account_id = t.account_id AND sel.trail_arn = t.trail_arn AND sel.region = t.home_region
),
coverage AS (
    SELECT r.account_id, j.* FROM judged AS j JOIN trail_reach AS r ON r.trail_arn = j.trail_arn AND r.owner = j.owner
),
described AS (
    SELECT
        c.*,
        c.multi AND c.has_status AND c.has_selectors AND c.logging AND c.all_management AS qualifies,
        c.multi AND NOT (c.has_status AND c.has_selectors) AS unknown,
        'trail ' || c.name || CASE WHEN c.owner <> c.account_id
            THEN ' (organization trail of ' || c.owner || ')' ELSE '' END AS label,
        concat_ws(', ',
            CASE WHEN NOT c.multi THEN 'single-region (' || c.home_region || ')' END,
            CASE WHEN c.multi AND NOT c.has_status THEN 'status not collected (home region '
                || c.home_region || ')' END,
            CASE WHEN c.has_status AND NOT c.logging THEN 'not logging' END,
            CASE WHEN c.multi AND NOT c.has_selectors THEN 'event selectors not collected' END,
            CASE WHEN c.has_selectors AND NOT c.all_management
                THEN 'does not record all management read and write events' END) AS problem
    FROM coverage AS c
),
-- Organization trails of a management account that is not in this snapshot: visible, not judgeable.
unseen AS (
    SELECT account_id, 'organization trail ' || name || ' of management account ' || owner
        || ', which is not in this snapshot' AS note
    FROM unseen_org_trails
),
verdict AS (
    SELECT
        a.account_id,
        bool_or(d.qualifies) AS passes,
        arg_min(d.label, d.trail_arn) FILTER (WHERE d.qualifies) AS passing,
        bool_or(d.unknown) OR EXISTS (SELECT 1 FROM unseen AS u WHERE u.account_id = a.account_id) AS unknown,
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
    CASE WHEN coalesce(v.passes, false) THEN 'PASS' WHEN v.unknown THEN 'ERROR' ELSE 'FAIL' END AS status,
    CASE
        WHEN coalesce(v.passes, false) THEN 'Multi-region ' || v.passing
            || ' is logging and records management read and write events.'
        WHEN v.unknown THEN 'No trail is known to qualify and some could not be judged: '
            || concat_ws('; ', v.problems, v.unseen_notes) || '.'
        WHEN v.candidates = 0 THEN 'No trail covers this account: neither its own nor an organization trail.'
        ELSE 'No multi-region trail logs all management events: ' || v.problems || '.'
    END AS reason
FROM verdict AS v
