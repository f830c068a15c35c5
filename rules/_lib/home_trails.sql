-- doc: Each CloudTrail trail once, as its owner reads it: cloudtrail_trails rows whose account owns the trail
--   (the account of the trail's ARN; an organization trail seen from a member is left out), the row read in
--   the trail's home region preferred over shadow copies. Join cloudtrail_trail_status and the selector tables
--   on account_id, trail_arn and region = home_region.
-- column account_id: The trail's owner.
-- column region: The region the row was read in: the home region unless that region was not collected.
-- column trail_arn: The trail's ARN.
-- column name: The trail's name.
-- column home_region: Where the trail was created.
-- column is_multi_region_trail: The trail logs every region.
-- column is_organization_trail: The trail logs every account of the organization.
-- column include_global_service_events: Events of global services (IAM, STS) are logged.
-- column log_file_validation_enabled: Digest files let you prove log files were not changed.
-- column kms_key_id: The KMS key ARN that encrypts the logs; NULL for SSE-S3.
-- column cloud_watch_logs_log_group_arn: The CloudWatch Logs group the trail delivers to.
-- column cloud_watch_logs_role_arn: The role CloudTrail assumes to write to CloudWatch Logs.
-- column s3_bucket_name: The bucket that receives the log files.
-- column sns_topic_arn: The SNS topic notified of new log files.
-- column has_custom_event_selectors: Event selectors were set (see cloudtrail_event_selectors).
-- column has_insight_selectors: Insight selectors were set (see cloudtrail_insight_selectors).
-- column raw: The untouched API item, as JSON.
CREATE VIEW home_trails AS
SELECT DISTINCT ON (t.account_id, t.trail_arn) t.*
FROM cloudtrail_trails AS t
WHERE t.account_id = split_part(t.trail_arn, ':', 5)
ORDER BY t.account_id, t.trail_arn, (t.region = t.home_region) DESC, t.region
