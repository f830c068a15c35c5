-- doc: The IAM policies an account writes itself, one row each: customer managed policies (AWS managed ones
--   are left out) and inline policies of users, groups and roles, with the id iam_policy_statements gives
--   them (policy_id) and a label for reasons.
-- column account_id: Account id.
-- column policy_id: The managed policy's ARN, or arn:PARTITION:iam::ACCOUNT:KIND/NAME/policy/POLICY for an
--   inline policy (as iam_policy_statements.policy_id).
-- column label: 'Customer managed policy NAME' or 'Inline policy NAME of KIND PRINCIPAL'.
CREATE VIEW customer_policies AS
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
