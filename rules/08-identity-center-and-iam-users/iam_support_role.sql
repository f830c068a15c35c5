-- title: A role exists for managing incidents with AWS Support
-- severity: low
-- section: 8
-- scope: account
-- description: The AWSSupportAccess managed policy lets people open and follow AWS Support cases. When it
--   is attached to a role, incident responders can reach AWS Support without long-lived user credentials
--   or the root user.
-- remediation: Create a role that your responders (or Identity Center users) can assume and attach the
--   policy: `aws iam attach-role-policy --role-name SUPPORT_ROLE --policy-arn
--   arn:aws:iam::aws:policy/AWSSupportAccess`.
-- references: https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html,
--   https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSupportAccess.html
-- frameworks: cis-5.0:1.16, cis-3.0:1.17
WITH support_roles AS (
    SELECT r.account_id, string_agg(r.role_name, ', ' ORDER BY r.role_name) AS roles
    FROM iam_roles AS r
    CROSS JOIN sounding_snapshot AS s
    WHERE list_contains(r.attached_policy_arns, 'arn:' || s.partition || ':iam::aws:policy/AWSSupportAccess')
    GROUP BY r.account_id
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN r.roles IS NULL THEN 'FAIL' ELSE 'PASS' END AS status,
    CASE WHEN r.roles IS NULL THEN 'No role has the AWSSupportAccess policy attached.'
         ELSE 'AWSSupportAccess is attached to role(s) ' || r.roles || '.'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN support_roles AS r ON r.account_id = a.account_id
WHERE a.reachable
