-- title: No customer managed or inline policy allows resource ARNs in any region
-- severity: low
-- section: 12
-- scope: policy
-- description: A resource ARN with a wildcard in its region field (arn:aws:ec2:*:111111111111:instance/*)
--   extends a grant to every region, including regions nobody watches, which eases lateral
--   movement and hides resources from region-scoped monitoring. A bare "*" resource is not an
--   ARN and is judged by the other wildcard rules.
-- remediation: Name the regions you use in the ARN (arn:aws:ec2:eu-west-1:ACCOUNT:instance/*), or
--   add a condition such as {"StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}}, then
--   `aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://policy.json --set-as-default`.
--   Restrict regions for the whole organization with an SCP that denies outside an allow-list.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion
WITH wildcards AS (
    SELECT account_id, policy_id, statement_index, sid,
           -- A region field with * or ? means the ARN has one: plain text tests spare the regex for most ARNs.
           list_filter(resources, lambda r: CASE WHEN r LIKE 'arn:%' AND (contains(r, '*') OR contains(r, '?'))
               THEN regexp_matches(split_part(r, ':', 4), '[*?]') ELSE false END)
               AS any_region
    FROM iam_policy_statements
    WHERE policy_kind IN ('managed', 'inline') AND effect = 'Allow'
),
offending AS (
    SELECT account_id, policy_id,
           string_agg(array_to_string(any_region, ', ') || ' in statement ' || statement_index
                      || coalesce(' (' || sid || ')', ''), '; ' ORDER BY statement_index) AS grants
    FROM wildcards
    WHERE len(any_region) > 0
    GROUP BY account_id, policy_id
)
SELECT
    p.account_id,
    'global' AS region,
    p.policy_id AS resource_id,
    CASE WHEN o.policy_id IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN o.policy_id IS NULL THEN p.label || ' names no resource ARN with a wildcard region.'
        ELSE p.label || ' allows resource ARNs in any region: ' || o.grants || '.'
    END AS reason
FROM customer_policies AS p
LEFT JOIN offending AS o ON o.account_id = p.account_id AND o.policy_id = p.policy_id
