-- title: Routes to VPC peering connections are least access (review)
-- severity: info
-- section: 16
-- scope: account+region
-- description: A route table that sends a whole peer VPC's range (or 0.0.0.0/0) over a peering connection
--   lets every subnet using it reach every host of the peer. Routes should name only the subnets or hosts
--   that must talk. Whether a route is "least access" depends on intent, so a person reviews each region
--   that has VPCs.
-- remediation: List peering routes (`aws ec2 describe-route-tables --filters
--   Name=route.vpc-peering-connection-id,Values=PCX_ID --region REGION`) and replace broad ones with the
--   narrowest CIDRs (`aws ec2 replace-route --route-table-id RTB_ID --destination-cidr-block CIDR
--   --vpc-peering-connection-id PCX_ID`).
-- references: https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html
-- frameworks: cis-5.0:5.6, cis-3.0:5.5
WITH vpcs AS (
    SELECT account_id, region, count(*) AS n FROM ec2_vpcs GROUP BY account_id, region
)
SELECT
    r.account_id,
    r.region,
    'arn:' || s.partition || '::' || r.region || ':' || r.account_id AS resource_id,
    'MANUAL' AS status,
    'Review the routes to VPC peering connections of the ' || v.n || ' VPC(s) in ' || r.region
        || ': each should name only the CIDRs that must be reached.' AS reason
FROM account_regions AS r
CROSS JOIN sounding_snapshot AS s
JOIN vpcs AS v ON v.account_id = r.account_id AND v.region = r.region
WHERE r.enabled AND r.collected
