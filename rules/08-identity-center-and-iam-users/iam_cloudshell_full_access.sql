-- title: AWSCloudShellFullAccess is attached to no user, group or role
-- severity: medium
-- section: 8
-- scope: account
-- description: AWSCloudShellFullAccess allows uploading and downloading files to and from CloudShell
--   environments, a path for moving data out of the account around other controls. Grant a narrower
--   CloudShell policy that denies file transfer instead.
-- remediation: `aws iam detach-user-policy|detach-group-policy|detach-role-policy ... --policy-arn
--   arn:aws:iam::aws:policy/AWSCloudShellFullAccess`, and grant a custom policy that denies
--   cloudshell:GetFileDownloadUrls and cloudshell:GetFileUploadUrls.
-- references: https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html
-- frameworks: cis-5.0:1.21, cis-3.0:1.22
WITH holders AS (
    SELECT t.account_id, string_agg(t.principal_kind || ' ' || t.principal_name, ', '
                                    ORDER BY t.principal_kind || ' ' || t.principal_name) AS who
    FROM iam_attached_policies AS t
    CROSS JOIN sounding_snapshot AS s
    WHERE t.policy_arn = 'arn:' || s.partition || ':iam::aws:policy/AWSCloudShellFullAccess'
    GROUP BY t.account_id
)
SELECT
    a.account_id,
    'global' AS region,
    account_arn(a.account_id) AS resource_id,
    CASE WHEN h.who IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN h.who IS NULL THEN 'AWSCloudShellFullAccess is attached to no user, group or role.'
         ELSE 'AWSCloudShellFullAccess is attached to ' || h.who || '.'
    END AS reason
FROM sounding_accounts AS a
CROSS JOIN sounding_snapshot AS s
LEFT JOIN holders AS h ON h.account_id = a.account_id
WHERE a.reachable
