-- title: A logging organization trail exists
-- severity: high
-- section: 4
-- scope: org
-- description: An organization trail, created in the management account, logs every account of the
--   organization, including accounts created later, and member accounts cannot stop or change it.
--   One finding per organization, on the management account (organizations_organization
--   master_account_id); an account in no organization gets its own finding, which fails. The trail's
--   status is read by the management account in the trail's home region; when that is not in the
--   snapshot the finding is ERROR.
-- remediation: In the management account (or CloudTrail's delegated administrator):
--   `aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com`, then
--   `aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> --is-organization-trail
--   --is-multi-region-trail` and `aws cloudtrail start-logging --name org-trail`.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-trail-organization.html
-- frameworks: cis-5.0:3.1, cis-3.0:3.1
WITH orgs AS (
    SELECT DISTINCT
        coalesce(o.master_account_id, a.account_id) AS management,
        o.account_id IS NOT NULL AS in_org,
        o.org_id
    FROM sounding_accounts AS a
    LEFT JOIN organizations_organization AS o ON o.account_id = a.account_id
    WHERE a.reachable
),
-- Organization trails as any account sees them, one row per trail, owner = management account.
org_trails AS (
    SELECT DISTINCT split_part(t.trail_arn, ':', 5) AS owner, t.trail_arn, t.name, t.home_region
    FROM cloudtrail_trails AS t
    WHERE coalesce(t.is_organization_trail, false)
),
judged AS (
    SELECT
        ot.*,
        st.trail_arn IS NOT NULL AS has_status,
        coalesce(st.is_logging, false) AS logging
    FROM org_trails AS ot
    LEFT JOIN cloudtrail_trail_status AS st
        ON st.account_id = ot.owner AND st.trail_arn = ot.trail_arn AND st.region = ot.home_region
),
verdict AS (
    SELECT
        g.management, g.in_org, g.org_id,
        arg_min(j.name, j.trail_arn) FILTER (WHERE j.logging) AS logging_trail,
        count(j.trail_arn) AS trails,
        string_agg(j.name || ' (home region ' || j.home_region || ')', ', ' ORDER BY j.name)
            FILTER (WHERE NOT j.has_status) AS unknown,
        string_agg(j.name, ', ' ORDER BY j.name) FILTER (WHERE j.has_status AND NOT j.logging) AS stopped
    FROM orgs AS g
    LEFT JOIN judged AS j ON j.owner = g.management
    GROUP BY g.management, g.in_org, g.org_id
)
SELECT
    v.management AS account_id,
    'global' AS region,
    CASE WHEN v.in_org THEN 'arn:' || s.partition || ':organizations::' || v.management || ':organization/'
        || coalesce(v.org_id, 'unknown') ELSE account_arn(v.management) END AS resource_id,
    CASE
        WHEN NOT v.in_org THEN 'FAIL'
        WHEN v.logging_trail IS NOT NULL THEN 'PASS'
        WHEN v.unknown IS NOT NULL THEN 'ERROR'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN NOT v.in_org THEN 'The account is not in an organization, so no organization trail can cover it.'
        WHEN v.logging_trail IS NOT NULL THEN 'Organization trail ' || v.logging_trail || ' is logging.'
        WHEN v.unknown IS NOT NULL THEN 'The status of organization trail ' || v.unknown
            || ' was not collected: the management account or that region is not in this snapshot.'
        WHEN v.trails = 0 THEN 'The organization has no organization trail.'
        ELSE 'Organization trail ' || v.stopped || ' is not logging.'
    END AS reason
FROM verdict AS v
CROSS JOIN sounding_snapshot AS s
