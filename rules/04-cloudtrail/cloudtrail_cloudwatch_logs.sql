-- title: CloudTrail delivers to CloudWatch Logs
-- severity: medium
-- section: 4
-- scope: trail
-- description: Log files in S3 are evidence; events in CloudWatch Logs can raise an alarm within
--   minutes (metric filters for root use, IAM changes, console failures). A trail passes when it names
--   a log group and its last delivery there is at most 24 hours older than the snapshot. The delivery
--   time comes from GetTrailStatus, read once per trail in its home region by the owning account.
-- remediation: Create a log group and a role CloudTrail can assume (logs:CreateLogStream,
--   logs:PutLogEvents), then `aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn
--   <group arn> --cloud-watch-logs-role-arn <role arn> --region <home region>`. A trail that names a group
--   but stopped delivering: check the role's trust and permissions and latest_cloud_watch_logs_delivery_error.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html
WITH judged AS (
    SELECT
        t.account_id, t.home_region, t.trail_arn, t.name, t.cloud_watch_logs_log_group_arn AS log_group,
        st.trail_arn IS NOT NULL AS has_status,
        st.latest_cloud_watch_logs_delivery_time AS delivered,
        st.latest_cloud_watch_logs_delivery_error AS delivery_error,
        s.collected_at
    FROM home_trails AS t
    CROSS JOIN sounding_snapshot AS s
    LEFT JOIN cloudtrail_trail_status AS st
        ON st.account_id = t.account_id AND st.trail_arn = t.trail_arn AND st.region = t.home_region
)
SELECT
    account_id,
    home_region AS region,
    trail_arn AS resource_id,
    CASE
        WHEN coalesce(log_group, '') = '' THEN 'FAIL'
        WHEN NOT has_status THEN 'ERROR'
        WHEN delivered >= collected_at - INTERVAL 24 HOUR THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN coalesce(log_group, '') = ''
            THEN 'Trail ' || name || ' (home region ' || home_region || ') has no CloudWatch Logs group.'
        WHEN NOT has_status
            THEN 'cloudtrail_trail_status has no row for trail ' || name || ': its home region '
                || home_region || ' was not collected in this snapshot.'
        WHEN delivered >= collected_at - INTERVAL 24 HOUR
            THEN 'Trail ' || name || ' delivered to ' || log_group || ' at '
                || strftime(delivered AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') || '.'
        WHEN delivered IS NULL
            THEN 'Trail ' || name || ' names ' || log_group || ' but has never delivered to it'
                || coalesce(' (last error: ' || delivery_error || ')', '') || '.'
        ELSE 'Trail ' || name || ' last delivered to ' || log_group || ' at '
            || strftime(delivered AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')
            || ', more than 24 hours before collection'
            || coalesce(' (last error: ' || delivery_error || ')', '') || '.'
    END AS reason
FROM judged
