-- title: Identity Center assigns permission sets to accounts
-- severity: low
-- section: 8
-- scope: org
-- description: An Identity Center instance without account assignments gives nobody access, which usually
--   means people still sign in as IAM users or share root and IAM credentials. Assigning permission sets to
--   groups per account is how Identity Center replaces them.
-- remediation: Create a permission set and assign it to a group for an account:
--   `aws sso-admin create-account-assignment --instance-arn INSTANCE_ARN --target-type AWS_ACCOUNT
--   --target-id ACCOUNT_ID --permission-set-arn PERMISSION_SET_ARN --principal-type GROUP --principal-id GROUP_ID`.
-- references: https://docs.aws.amazon.com/singlesignon/latest/userguide/useraccess.html
-- frameworks: cis-5.0:1.20, cis-3.0:1.21
WITH instances AS (
    SELECT DISTINCT m.scope_account_id, i.account_id, i.region, i.instance_arn
    FROM org_members AS m
    JOIN sso_instances AS i ON i.account_id = m.account_id
    WHERE i.status = 'ACTIVE' AND coalesce(i.owner_account_id, i.account_id) = m.scope_account_id
),
assigned AS (
    SELECT
        i.scope_account_id,
        count(DISTINCT i.instance_arn) AS n_instances,
        count(DISTINCT x.permission_set_arn) AS n_sets,
        count(DISTINCT x.target_account_id) AS n_accounts,
        count(DISTINCT x.permission_set_arn || x.target_account_id || x.principal_type || x.principal_id) AS n_assignments
    FROM instances AS i
    LEFT JOIN sso_account_assignments AS x
        ON x.account_id = i.account_id AND x.region = i.region AND x.instance_arn = i.instance_arn
    GROUP BY i.scope_account_id
),
judged AS (
    SELECT
        sc.account_id,
        sc.org_id,
        coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
        EXISTS (SELECT 1 FROM sounding_accounts AS a WHERE a.account_id = sc.account_id AND a.reachable) AS collected,
        a.n_instances,
        a.n_sets,
        a.n_accounts,
        a.n_assignments
    FROM org_scopes AS sc
    LEFT JOIN assigned AS a ON a.scope_account_id = sc.account_id
)
SELECT
    account_id,
    'global' AS region,
    resource_id,
    CASE
        WHEN n_assignments > 0 THEN 'PASS'
        WHEN n_instances IS NULL AND NOT collected THEN 'ERROR'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN n_assignments > 0 THEN n_assignments::VARCHAR || ' account assignment(s) of ' || n_sets::VARCHAR
            || ' permission set(s) across ' || n_accounts::VARCHAR || ' account(s).'
        WHEN n_instances IS NULL AND NOT collected THEN 'The management account ' || account_id
            || ' was not collected, so Identity Center assignments are unknown.'
        WHEN n_instances IS NULL THEN 'There is no active Identity Center instance, so no permission set is assigned.'
        ELSE 'Identity Center is enabled but no permission set is assigned to any account.'
    END AS reason
FROM judged
