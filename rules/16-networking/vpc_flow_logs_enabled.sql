-- title: Every VPC has an active flow log that records rejected traffic
-- severity: medium
-- section: 16
-- scope: vpc
-- description: VPC flow logs record the traffic accepted and rejected at network interfaces. Without them,
--   probing, exfiltration and lateral movement leave no network trace to investigate. A VPC passes with an
--   ACTIVE flow log on the VPC whose traffic type is ALL or REJECT.
-- remediation: `aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type ALL
--   --log-destination-type s3 --log-destination arn:aws:s3:::BUCKET --region REGION`
--   (or a CloudWatch Logs group with `--deliver-logs-permission-arn`).
-- references: https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
-- frameworks: cis-5.0:3.7, cis-3.0:3.7, fsbp:EC2.6, nist-800-53-r5:AU-12
WITH logged AS (
    SELECT account_id, region, resource_id AS vpc_id,
           string_agg(flow_log_id || ' (' || traffic_type || ')', ', ' ORDER BY flow_log_id) AS logs
    FROM ec2_flow_logs
    WHERE flow_log_status = 'ACTIVE' AND traffic_type IN ('ALL', 'REJECT')
    GROUP BY account_id, region, resource_id
)
SELECT
    v.account_id,
    v.region,
    'arn:' || s.partition || ':ec2:' || v.region || ':' || v.account_id || ':vpc/' || v.vpc_id AS resource_id,
    CASE WHEN l.logs IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE WHEN l.logs IS NULL
         THEN 'VPC ' || v.vpc_id || ' in ' || v.region || ' has no active flow log recording rejected traffic.'
         ELSE 'VPC ' || v.vpc_id || ' in ' || v.region || ' is logged by ' || l.logs || '.'
    END AS reason
FROM ec2_vpcs AS v
CROSS JOIN sounding_snapshot AS s
LEFT JOIN logged AS l ON l.account_id = v.account_id AND l.region = v.region AND l.vpc_id = v.vpc_id
WHERE v.owner_id IS NULL OR v.owner_id = v.account_id
