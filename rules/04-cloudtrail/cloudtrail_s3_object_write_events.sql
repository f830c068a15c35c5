-- title: A multi-region trail records S3 object-level write events for all buckets
-- severity: low
-- section: 4
-- scope: account
-- description: Management events do not show who write objects in S3. Object-level (data event) logging on
--   a logging multi-region trail, for all current and future buckets, records each object-level write
--   request. A trail counts when a plain selector with ReadWriteType WriteOnly or All lists AWS::S3::Object for
--   every bucket, or an advanced selector selects eventCategory Data and resources.type AWS::S3::Object
--   without narrowing resources.ARN and with readOnly absent or false. An organization trail of the
--   management account covers its members.
-- remediation: `aws cloudtrail put-event-selectors --trail-name TRAIL --region HOME_REGION
--   --advanced-event-selectors '[{"Name": "S3 objects", "FieldSelectors": [{"Field": "eventCategory",
--   "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]'` (keep the management
--   event selector alongside it).
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html,
--   https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-cloudtrail-logging-for-s3.html
-- frameworks: cis-5.0:3.8, cis-3.0:3.8
SELECT
    account_id,
    'global' AS region,
    account_arn(account_id) AS resource_id,
    CASE WHEN passing IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE WHEN passing IS NULL
         THEN 'No logging multi-region trail records S3 object-level write events for all buckets.'
         ELSE 'S3 object-level write events for all buckets are recorded by trail ' || passing || '.'
    END AS reason
FROM s3_object_event_trails(false)
