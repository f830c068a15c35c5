-- title: No customer managed or inline policy grants full administrator access
-- severity: high
-- section: 12
-- scope: policy
-- description: A statement that allows Action "*" on Resource "*" makes whoever holds the policy an
--   administrator of the account: they can grant themselves anything, delete logs and disable
--   guardrails. Least privilege starts with granting the actions a job needs. Checked: the default
--   version of every customer managed policy (attached or not) and every inline policy of users,
--   groups and roles; AWS managed policies such as AdministratorAccess are out of scope here. An Allow
--   with NotAction (every action except those listed) or NotResource (every resource except those
--   listed) is the same grant written the other way round and is reported, the reason naming it.
-- remediation: Replace the statement with the actions and resources the principal needs (IAM Access
--   Analyzer can generate a policy from CloudTrail activity), then set the new version as default:
--   `aws iam create-policy-version --policy-arn POLICY_ARN --policy-document file://least-privilege.json --set-as-default`;
--   for an inline policy `aws iam put-role-policy --role-name ROLE --policy-name NAME --policy-document file://least-privilege.json`.
--   Keep administrator access in a few Identity Center permission sets, behind MFA.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1
-- frameworks: cis-5.0:1.15, cis-3.0:1.16, fsbp:IAM.1
-- Full administrator shapes of an Allow: Action "*" (or "*:*"), or NotAction (every action but those
-- listed), on Resource "*" or NotResource (every resource but those listed).
WITH shapes AS (
    SELECT account_id, policy_id, statement_index, sid,
           CASE WHEN len(coalesce(not_actions, [])) > 0
                THEN 'every action except NotAction ' || array_to_string(not_actions, ', ')
                WHEN list_contains(actions, '*') OR list_contains(actions, '*:*') THEN 'Action *' END
           || ' on '
           || CASE WHEN len(coalesce(not_resources, [])) > 0
                   THEN 'every resource except NotResource ' || array_to_string(not_resources, ', ')
                   WHEN list_contains(resources, '*') THEN 'Resource *' END AS shape
    FROM iam_policy_statements
    WHERE policy_kind IN ('managed', 'inline')
      AND effect = 'Allow'
),
by_shape AS (
    SELECT account_id, policy_id, shape, min(statement_index) AS first_statement,
           string_agg('statement ' || statement_index || coalesce(' (' || sid || ')', ''), ', '
                      ORDER BY statement_index) AS statements
    FROM shapes
    WHERE shape IS NOT NULL
    GROUP BY account_id, policy_id, shape
),
offending AS (
    SELECT account_id, policy_id,
           string_agg(shape || ' (' || statements || ')', '; ' ORDER BY first_statement) AS statements
    FROM by_shape
    GROUP BY account_id, policy_id
)
SELECT
    p.account_id,
    'global' AS region,
    p.policy_id AS resource_id,
    CASE WHEN o.policy_id IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN o.policy_id IS NULL THEN p.label || ' does not allow Action * on Resource *.'
        ELSE p.label || ' allows ' || o.statements || '.'
    END AS reason
FROM customer_policies AS p
LEFT JOIN offending AS o ON o.account_id = p.account_id AND o.policy_id = p.policy_id
