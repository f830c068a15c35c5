-- title: A CloudWatch alarm notifies on route table changes
-- severity: low
-- section: 17
-- scope: account
-- description: Route changes can send traffic around inspection or out of the network. The benchmark asks for a metric filter on the CloudWatch Logs group of a logging
--   multi-region trail, an alarm on the filter's metric, and an SNS topic with a confirmed subscriber. The
--   filter's pattern is evaluated, not compared as text: it must match every one of the control's
--   events (calls to CreateRoute, CreateRouteTable, ReplaceRoute, ReplaceRouteTableAssociation, DeleteRouteTable, DeleteRoute, DisassociateRouteTable (ec2.amazonaws.com)); an organization trail of the management account covers its members.
-- remediation: On the trail's log group: `aws logs put-metric-filter --log-group-name LOG_GROUP
--   --filter-name NAME --metric-transformations metricName=NAME,metricNamespace=CISBenchmark,metricValue=1
--   --filter-pattern '{ (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) && ($.eventSource = ec2.amazonaws.com) }'`, then `aws cloudwatch put-metric-alarm --alarm-name NAME --metric-name NAME
--   --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator
--   GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions TOPIC_ARN` and subscribe someone to
--   the topic (`aws sns subscribe --topic-arn TOPIC_ARN --protocol email --notification-endpoint ADDRESS`).
-- references: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html,
--   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
-- frameworks: cis-5.0:4.13, cis-3.0:4.13
SELECT
    account_id,
    region,
    resource_id,
    CASE WHEN passing IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE
        WHEN passing IS NOT NULL
            THEN 'Every route table changes event is counted by ' || passing || ', which notifies a subscribed SNS topic.'
        WHEN log_groups IS NULL
            THEN 'No logging multi-region trail delivers to CloudWatch Logs, so nothing alarms on route table changes.'
        WHEN unalarmed IS NOT NULL
            THEN unalarmed || ' matches every route table changes event, but no alarm with actions on its metric '
                 || 'notifies an SNS topic with a confirmed subscription.'
        ELSE 'No metric filter on log group ' || log_groups || ' matches every route table changes event.'
    END AS reason
FROM metric_alarm_coverage(api_call_events('ec2.amazonaws.com', [
    'CreateRoute',
    'CreateRouteTable',
    'ReplaceRoute',
    'ReplaceRouteTableAssociation',
    'DeleteRouteTable',
    'DeleteRoute',
    'DisassociateRouteTable'
]))
