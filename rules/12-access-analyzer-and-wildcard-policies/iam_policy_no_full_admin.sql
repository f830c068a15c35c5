-- title: No customer managed or inline policy grants full administrator access
-- severity: high
-- section: 12
-- scope: policy
-- description: A statement that allows Action "*" on Resource "*" makes whoever holds the policy an
--   administrator of the account: they can grant themselves anything, delete logs and disable
--   guardrails. Least privilege starts with granting the actions a job needs. Checked: the default
--   version of every customer managed policy (attached or not) and every inline policy of users,
--   groups and roles; AWS managed policies such as AdministratorAccess are out of scope here.
-- remediation: Replace the statement with the actions and resources the principal needs (IAM Access
--   Analyzer can generate a policy from CloudTrail activity), then set the new version as default:
--   `aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://least-privilege.json --set-as-default`;
--   for an inline policy `aws iam put-role-policy --role-name ROLE --policy-name NAME --policy-document file://least-privilege.json`.
--   Keep administrator access in a few Identity Center permission sets, behind MFA.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1
-- frameworks: cis-5.0:1.15, cis-3.0:1.16, fsbp:IAM.1
WITH policies AS (
    SELECT p.account_id, p.arn AS policy_id, 'Customer managed policy ' || p.policy_name AS label
    FROM iam_policies AS p
    WHERE p.arn NOT LIKE 'arn:%:iam::aws:policy/%'
    UNION ALL
    SELECT i.account_id,
           'arn:' || s.partition || ':iam::' || i.account_id || ':' || i.principal_kind || '/' || i.principal_name
               || '/policy/' || i.policy_name,
           'Inline policy ' || i.policy_name || ' of ' || i.principal_kind || ' ' || i.principal_name
    FROM iam_inline_policies AS i
    CROSS JOIN sounding_snapshot AS s
),
offending AS (
    SELECT account_id, policy_id,
           string_agg('statement ' || statement_index || coalesce(' (' || sid || ')', ''), ', '
                      ORDER BY statement_index) AS statements
    FROM iam_policy_statements
    WHERE policy_kind IN ('managed', 'inline')
      AND effect = 'Allow'
      AND (list_contains(actions, '*') OR list_contains(actions, '*:*'))
      AND list_contains(resources, '*')
    GROUP BY account_id, policy_id
)
SELECT
    p.account_id,
    'global' AS region,
    p.policy_id AS resource_id,
    CASE WHEN o.policy_id IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN o.policy_id IS NULL THEN p.label || ' does not allow Action * on Resource *.'
        ELSE p.label || ' allows Action * on Resource * (' || o.statements || ').'
    END AS reason
FROM policies AS p
LEFT JOIN offending AS o ON o.account_id = p.account_id AND o.policy_id = p.policy_id
