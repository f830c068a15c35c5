-- doc: The region that answers global services (IAM, Organizations) of a partition, where their CloudTrail
--   events reach EventBridge: us-east-1, cn-north-1 (aws-cn), us-gov-west-1 (aws-us-gov); the collector's
--   collector/aws.py home_region(), kept in step by a test.
-- param partition: The AWS partition, e.g. sounding_snapshot.partition.
CREATE MACRO global_region(partition) AS
    CASE partition WHEN 'aws-cn' THEN 'cn-north-1' WHEN 'aws-us-gov' THEN 'us-gov-west-1'
                   WHEN 'aws-iso' THEN 'us-iso-east-1' WHEN 'aws-iso-b' THEN 'us-isob-east-1'
                   ELSE 'us-east-1' END
