-- title: No customer managed or inline policy grants every action of a service
-- severity: low
-- section: 12
-- scope: policy
-- description: An action such as "s3:*" or "iam:*" grants every present and future action of the
--   service, including the destructive and permission-changing ones (s3:PutBucketPolicy,
--   iam:PassRole). A bare "*" grants every action of every service and is reported too, as is an
--   Allow with NotAction: it grants every action of every service except the ones listed.
--   Checked: customer managed policies' default versions and inline policies of users, groups and roles.
-- remediation: List the actions the workload needs (service:Get*, service:List*, or exact names;
--   IAM Access Analyzer policy generation helps), e.g. replace "s3:*" with
--   {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::BUCKET/*"},
--   then `aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://policy.json --set-as-default`.
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html
-- frameworks: fsbp:IAM.21
WITH wildcards AS (
    SELECT account_id, policy_id, statement_index, sid,
           -- NotAction in an Allow grants every action of every service except the ones listed.
           CASE WHEN len(coalesce(not_actions, [])) > 0
                THEN ['every action except NotAction ' || array_to_string(not_actions, ', ')]
                -- Only an action ending in :* can match the pattern: the suffix test spares the regex for the rest.
                ELSE list_filter(coalesce(actions, []), lambda a: CASE WHEN suffix(a, ':*')
                    THEN regexp_matches(a, '^([A-Za-z0-9-]+|\*):\*$') ELSE a = '*' END)
           END AS whole
    FROM iam_policy_statements
    WHERE policy_kind IN ('managed', 'inline') AND effect = 'Allow'
),
offending AS (
    SELECT account_id, policy_id,
           string_agg(array_to_string(whole, ', ') || ' in statement ' || statement_index
                      || coalesce(' (' || sid || ')', ''), '; ' ORDER BY statement_index) AS grants
    FROM wildcards
    WHERE len(whole) > 0
    GROUP BY account_id, policy_id
)
SELECT
    p.account_id,
    'global' AS region,
    p.policy_id AS resource_id,
    CASE WHEN o.policy_id IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN o.policy_id IS NULL THEN p.label || ' allows no service-wide wildcard action.'
        ELSE p.label || ' allows service-wide wildcard actions: ' || o.grants || '.'
    END AS reason
FROM customer_policies AS p
LEFT JOIN offending AS o ON o.account_id = p.account_id AND o.policy_id = p.policy_id
