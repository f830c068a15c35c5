-- title: A multi-region trail records S3 object-level read events for all buckets
-- severity: low
-- section: 4
-- scope: account
-- description: Management events do not show who read objects in S3. Object-level (data event) logging on
--   a logging multi-region trail, for all current and future buckets, records each object-level read
--   request. A trail counts when a plain selector with ReadWriteType ReadOnly or All lists AWS::S3::Object for
--   every bucket, or an advanced selector selects eventCategory Data and resources.type AWS::S3::Object
--   without narrowing resources.ARN and with readOnly absent or true. An organization trail of the
--   management account covers its members.
-- remediation: `aws cloudtrail put-event-selectors --trail-name TRAIL --region HOME_REGION
--   --advanced-event-selectors '[{"Name": "S3 objects", "FieldSelectors": [{"Field": "eventCategory",
--   "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]'` (keep the management
--   event selector alongside it).
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html,
--   https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html
-- frameworks: cis-5.0:3.9, cis-3.0:3.9
WITH trails AS (
    SELECT t.*
    FROM cloudtrail_trails AS t
    WHERE t.account_id = split_part(t.trail_arn, ':', 5)
    QUALIFY row_number() OVER (PARTITION BY t.account_id, t.trail_arn
                               ORDER BY (t.region = t.home_region) DESC, t.region) = 1
),
judged AS (
    SELECT t.account_id AS owner, t.trail_arn, t.name, coalesce(t.is_organization_trail, false) AS org_trail,
           coalesce(t.is_multi_region_trail, false) AND coalesce(st.is_logging, false) AND (
               len(list_filter(CAST(coalesce(sel.event_selectors, '[]') AS JSON[]), lambda e:
                   e->>'ReadWriteType' IN ('All', 'ReadOnly')
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
                                                          'true'), false)))) = 0)) > 0
           ) AS qualifies
    FROM trails AS t
    CROSS JOIN sounding_snapshot AS s
    LEFT JOIN cloudtrail_trail_status AS st
        ON st.account_id = t.account_id AND st.trail_arn = t.trail_arn AND st.region = t.home_region
    LEFT JOIN cloudtrail_event_selectors AS sel
        ON sel.account_id = t.account_id AND sel.trail_arn = t.trail_arn AND sel.region = t.home_region
),
coverage AS (
    SELECT j.owner AS account_id, j.* FROM judged AS j
    UNION ALL
    SELECT o.account_id, j.*
    FROM organizations_organization AS o
    JOIN judged AS j ON j.org_trail AND j.owner = o.master_account_id AND o.account_id <> j.owner
),
verdict AS (
    SELECT a.account_id,
           string_agg(c.name, ', ' ORDER BY c.name) FILTER (WHERE c.qualifies) AS passing
    FROM sounding_accounts AS a
    LEFT JOIN coverage AS c ON c.account_id = a.account_id
    WHERE a.reachable
    GROUP BY a.account_id
)
SELECT
    v.account_id,
    'global' AS region,
    account_arn(v.account_id) AS resource_id,
    CASE WHEN v.passing IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE WHEN v.passing IS NULL
         THEN 'No logging multi-region trail records S3 object-level read events for all buckets.'
         ELSE 'S3 object-level read events for all buckets are recorded by trail ' || v.passing || '.'
    END AS reason
FROM verdict AS v
CROSS JOIN sounding_snapshot AS s
