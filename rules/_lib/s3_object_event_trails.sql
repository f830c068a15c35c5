-- doc: Per reachable account, the logging multi-region trails (its own, or its management account's
--   organization trail) that record S3 object-level data events of one kind for every current and future
--   bucket: a plain event selector whose ReadWriteType is that kind or All and whose DataResources list
--   AWS::S3::Object for all buckets, or an advanced selector with eventCategory Data and resources.type
--   AWS::S3::Object that does not narrow resources.ARN and whose readOnly field, if any, admits that kind
--   (CloudTrail data events: logging-data-events-with-cloudtrail).
-- param read_only: true for read events (ReadOnly, readOnly = true), false for write events (WriteOnly,
--   readOnly = false).
-- column account_id: Account id.
-- column passing: The recording trails' names, comma separated; NULL when none records them.
CREATE MACRO s3_object_event_trails(read_only) AS TABLE
WITH judged AS (
    SELECT t.account_id AS owner, t.trail_arn, t.name,
           coalesce(t.is_multi_region_trail, false) AND coalesce(st.is_logging, false) AND (
               len(list_filter(CAST(coalesce(sel.event_selectors, '[]') AS JSON[]), lambda e:
                   e->>'ReadWriteType' IN ('All', CASE WHEN read_only THEN 'ReadOnly' ELSE 'WriteOnly' END)
                   AND len(list_filter(CAST(coalesce(e->'DataResources', '[]') AS JSON[]), lambda d:
                       d->>'Type' = 'AWS::S3::Object'
                       AND list_has_any(CAST(coalesce(json_extract_string(d, '$.Values[*]'), []) AS VARCHAR[]),
                                        ['arn:' || s.partition || ':s3', 'arn:' || s.partition || ':s3:::']))) > 0)) > 0
               OR len(list_filter(CAST(coalesce(sel.advanced_event_selectors, '[]') AS JSON[]), lambda e:
                   len(list_filter(CAST(coalesce(e->'FieldSelectors', '[]') AS JSON[]), lambda f:
                       f->>'Field' = 'eventCategory'
                       AND list_contains(CAST(json_extract_string(f, '$.Equals[*]') AS VARCHAR[]), 'Data'))) > 0
                   AND len(list_filter(CAST(coalesce(e->'FieldSelectors', '[]') AS JSON[]), lambda f:
                       f->>'Field' = 'resources.type'
                       AND list_contains(CAST(json_extract_string(f, '$.Equals[*]') AS VARCHAR[]),
                                         'AWS::S3::Object'))) > 0
                   AND len(list_filter(CAST(coalesce(e->'FieldSelectors', '[]') AS JSON[]), lambda f:
                       f->>'Field' = 'resources.ARN'
                       OR (f->>'Field' = 'readOnly'
                           AND NOT coalesce(list_contains(CAST(json_extract_string(f, '$.Equals[*]') AS VARCHAR[]),
                                                          CASE WHEN read_only THEN 'true' ELSE 'false' END),
                                            false)))) = 0)) > 0
           ) AS qualifies
    FROM home_trails AS t
    CROSS JOIN sounding_snapshot AS s
    LEFT JOIN cloudtrail_trail_status AS st
        ON st.account_id = t.account_id AND st.trail_arn = t.trail_arn AND st.region = t.home_region
    LEFT JOIN cloudtrail_event_selectors AS sel
        ON sel.account_id = t.account_id AND sel.trail_arn = t.trail_arn AND sel.region = t.home_region
),
coverage AS (
    SELECT r.account_id, j.* FROM judged AS j JOIN trail_reach AS r ON r.trail_arn = j.trail_arn AND r.owner = j.owner
)
SELECT a.account_id,
       string_agg(c.name, ', ' ORDER BY c.name) FILTER (WHERE c.qualifies) AS passing
FROM sounding_accounts AS a
LEFT JOIN coverage AS c ON c.account_id = a.account_id
WHERE a.reachable
GROUP BY a.account_id
