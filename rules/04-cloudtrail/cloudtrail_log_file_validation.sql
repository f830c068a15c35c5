-- title: CloudTrail log file validation is enabled
-- severity: high
-- section: 4
-- scope: trail
-- description: With validation on, CloudTrail writes signed digest files every hour, so you can prove
--   that no log file was changed or deleted after delivery, which matters when logs are evidence.
--   One finding per trail, in its home region, on the account that owns it (shadow copies in other
--   regions and organization trails seen from member accounts are not repeated).
-- remediation: `aws cloudtrail update-trail --name <trail> --enable-log-file-validation --region <home region>`;
--   check digests with `aws cloudtrail validate-logs --trail-arn <arn> --start-time <time>`.
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html
-- frameworks: cis-5.0:3.2, cis-3.0:3.2, fsbp:CloudTrail.4
SELECT
    account_id,
    home_region AS region,
    trail_arn AS resource_id,
    CASE
        WHEN log_file_validation_enabled IS NULL THEN 'ERROR'
        WHEN log_file_validation_enabled THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN log_file_validation_enabled IS NULL
            THEN 'DescribeTrails did not report LogFileValidationEnabled for trail ' || name || '.'
        WHEN log_file_validation_enabled THEN 'Trail ' || name || ' has log file validation enabled.'
        ELSE 'Trail ' || name || ' (home region ' || home_region || ') has log file validation disabled.'
    END AS reason
FROM home_trails
