-- title: AWS Config records all resource types in every region
-- severity: high
-- section: 5
-- scope: account+region
-- description: Config keeps the configuration history of your resources: what changed, when, and
--   what it looked like before; Security Hub controls depend on it. A region passes when a
--   configuration recorder exists, is recording, its last status is not FAILURE, it records all
--   supported resource types (an exclusion-list strategy counts; the reason lists the exclusions) and
--   a delivery channel exists. Global resource types (IAM) need to be recorded in one region only:
--   when no region of the account records them, the account's home region fails. The home region is
--   the partition's first region (us-east-1, cn-north-1, us-gov-west-1) when it was collected, else
--   the alphabetically first collected region that can record global types. Global recording means: all
--   supported types with includeGlobalResourceTypes, or an exclusion list (recordingStrategy.useOnly
--   EXCLUSION_BY_RESOURCE_TYPES) that excludes none of AWS::IAM::User, Group, Role and Policy, or an
--   inclusion list with all four, by a recording recorder in a region where AWS Config was available
--   before February 2022: only those regions can record the IAM types, so a recorder "including global
--   types" in a newer region (ap-south-2, ap-southeast-4, ca-west-1, eu-central-2, eu-south-2,
--   il-central-1, me-central-1, ...) records no IAM resources. A customer recorder is preferred over a
--   service-linked one.
-- remediation: `aws configservice put-configuration-recorder --configuration-recorder
--   name=default,roleARN=<role> --recording-group allSupported=true,includeGlobalResourceTypes=true`
--   (global types in the home region only), `aws configservice put-delivery-channel --delivery-channel
--   name=default,s3BucketName=<bucket>` and `aws configservice start-configuration-recorder
--   --configuration-recorder-name default`, in every enabled region (a StackSet or Control Tower does this
--   for an organization).
-- references: https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html,
--   https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingGroup.html,
--   https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html
-- frameworks: cis-5.0:3.3, cis-3.0:3.3, fsbp:Config.1
-- Regions where AWS Config was available before February 2022: the only ones that record the global
-- IAM resource types (AWS Config developer guide, "Recording AWS Resources | Global Resources").
WITH iam_recording_regions(region) AS (VALUES
    ('us-east-1'), ('us-east-2'), ('us-west-1'), ('us-west-2'), ('af-south-1'), ('ap-east-1'),
    ('ap-south-1'), ('ap-northeast-1'), ('ap-northeast-2'), ('ap-northeast-3'), ('ap-southeast-1'),
    ('ap-southeast-2'), ('ap-southeast-3'), ('ca-central-1'), ('eu-central-1'), ('eu-west-1'), ('eu-west-2'),
    ('eu-west-3'), ('eu-north-1'), ('eu-south-1'), ('me-south-1'), ('sa-east-1'),
    ('cn-north-1'), ('cn-northwest-1'), ('us-gov-west-1'), ('us-gov-east-1')),
recorders AS (
    SELECT
        r.*,
        coalesce(r.recording_strategy, CASE WHEN r.all_supported THEN 'ALL_SUPPORTED_RESOURCE_TYPES'
            ELSE 'INCLUSION_BY_RESOURCE_TYPES' END) AS strategy
    FROM config_recorders AS r
    QUALIFY row_number() OVER (PARTITION BY r.account_id, r.region
                               ORDER BY (r.raw->>'servicePrincipal') IS NULL DESC, r.name) = 1
),
channels AS (
    SELECT account_id, region, string_agg(name, ', ' ORDER BY name) AS names
    FROM config_delivery_channels
    GROUP BY account_id, region
),
regional AS (
    SELECT
        ar.account_id, ar.region, ar.enabled, ar.collected, ar.opt_in_status,
        rec.name AS recorder, rec.strategy, rec.include_global_resource_types AS include_global,
        coalesce(rec.exclusion_resource_types, []) AS exclusions,
        coalesce(rec.resource_types, []) AS inclusions,
        st.name IS NOT NULL AS has_status,
        coalesce(st.recording, false) AS recording,
        st.last_status, st.last_error_code,
        ch.names AS channels
    FROM account_regions AS ar
    LEFT JOIN recorders AS rec ON rec.account_id = ar.account_id AND rec.region = ar.region
    LEFT JOIN config_recorder_status AS st
        ON st.account_id = ar.account_id AND st.region = ar.region AND st.name = rec.name
    LEFT JOIN channels AS ch ON ch.account_id = ar.account_id AND ch.region = ar.region
),
flagged AS (
    SELECT
        g.*,
        g.region IN (SELECT region FROM iam_recording_regions) AS can_record_global,
        g.recording AND g.region IN (SELECT region FROM iam_recording_regions) AND (
            (g.strategy = 'ALL_SUPPORTED_RESOURCE_TYPES' AND coalesce(g.include_global, false))
            OR (g.strategy = 'EXCLUSION_BY_RESOURCE_TYPES' AND NOT list_has_any(g.exclusions, ['AWS::IAM::User',
                'AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::Policy']))
            OR (g.strategy = 'INCLUSION_BY_RESOURCE_TYPES' AND list_has_all(g.inclusions, ['AWS::IAM::User',
                'AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::Policy']))
        ) AS records_global
    FROM regional AS g
),
accounts AS (
    SELECT
        f.account_id,
        bool_or(f.records_global) FILTER (WHERE f.enabled AND f.collected) AS any_global,
        coalesce(
            min(f.region) FILTER (WHERE f.enabled AND f.collected AND f.region = global_region(s.partition)),
            min(f.region) FILTER (WHERE f.enabled AND f.collected AND f.can_record_global),
            min(f.region) FILTER (WHERE f.enabled AND f.collected)) AS home_region
    FROM flagged AS f
    CROSS JOIN sounding_snapshot AS s
    GROUP BY f.account_id
),
judged AS (
    SELECT
        f.*,
        f.region = a.home_region AND NOT coalesce(a.any_global, false) AS global_missing,
        concat_ws('; ',
            CASE WHEN f.recorder IS NULL THEN 'no configuration recorder' END,
            CASE WHEN f.recorder IS NOT NULL AND f.has_status AND NOT f.recording
                THEN 'recorder ' || f.recorder || ' is not recording' END,
            CASE WHEN f.recording AND upper(coalesce(f.last_status, '')) = 'FAILURE'
                THEN 'the last recording attempt failed' || coalesce(' (' || f.last_error_code || ')', '') END,
            CASE WHEN f.strategy = 'INCLUSION_BY_RESOURCE_TYPES'
                THEN 'recorder ' || f.recorder || ' records only ' || len(f.inclusions)
                    || ' listed resource types, not all supported types' END,
            CASE WHEN f.recorder IS NOT NULL AND f.channels IS NULL THEN 'no delivery channel' END,
            CASE WHEN f.region = a.home_region AND NOT coalesce(a.any_global, false) AND f.can_record_global
                THEN 'no region of the account records global resource types (IAM); record them here, in '
                    || 'the home region' END,
            CASE WHEN f.region = a.home_region AND NOT coalesce(a.any_global, false) AND NOT f.can_record_global
                THEN 'no region of the account records global resource types (IAM), and no collected region '
                    || 'can (only regions where AWS Config was available before February 2022 record them)' END
        ) AS problems
    FROM flagged AS f
    JOIN accounts AS a ON a.account_id = f.account_id
)
SELECT
    j.account_id,
    j.region,
    'arn:' || s.partition || '::' || j.region || ':' || j.account_id AS resource_id,
    CASE
        WHEN NOT j.enabled THEN 'SKIP'
        WHEN NOT j.collected THEN 'SKIP'
        WHEN j.recorder IS NOT NULL AND NOT j.has_status THEN 'ERROR'
        WHEN j.problems <> '' THEN 'FAIL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN NOT j.enabled THEN 'Region not enabled (' || j.opt_in_status || ').'
        WHEN NOT j.collected THEN 'Region not collected in this snapshot.'
        WHEN j.recorder IS NOT NULL AND NOT j.has_status
            THEN 'config_recorder_status has no row for recorder ' || j.recorder || ' in ' || j.region || '.'
        WHEN j.problems <> '' THEN 'AWS Config in ' || j.region || ': ' || j.problems || '.'
        ELSE 'Recorder ' || j.recorder || ' records all supported resource types'
            || CASE WHEN j.strategy = 'EXCLUSION_BY_RESOURCE_TYPES' AND len(j.exclusions) > 0
                THEN ' except ' || len(j.exclusions) || ' excluded ('
                    || array_to_string(list_sort(j.exclusions), ', ') || ')' ELSE '' END
            || CASE WHEN j.records_global THEN ', global types included,' ELSE '' END
            || ' and delivers through ' || j.channels || ' in ' || j.region || '.'
    END AS reason
FROM judged AS j
CROSS JOIN sounding_snapshot AS s
