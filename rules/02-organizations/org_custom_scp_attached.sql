-- title: A custom service control policy is attached
-- severity: high
-- section: 2
-- scope: org
-- description: FullAWSAccess alone allows everything. Guardrails such as "do not leave the organization",
--   "do not stop CloudTrail or GuardDuty" or "only these regions" exist only once a custom SCP is attached
--   to the root, an OU or an account. SCPs never restrict the management account.
-- remediation: Write a deny-list SCP and attach it from the management account:
--   `aws organizations create-policy --type SERVICE_CONTROL_POLICY --name Guardrails --content file://scp.json`,
--   then `aws organizations attach-policy --policy-id p-xxxx --target-id r-xxxx` (root or OU). For example
--   `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["organizations:LeaveOrganization",
--   "cloudtrail:StopLogging","cloudtrail:DeleteTrail","guardduty:DeleteDetector"],"Resource":"*"}]}`.
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html
WITH readers AS (
    SELECT DISTINCT o.org_id, o.account_id
    FROM organizations_organization AS o
    JOIN sounding_accounts AS a ON a.account_id = o.account_id AND a.reachable
    WHERE o.master_account_id = o.account_id OR o.account_id IN (SELECT account_id FROM organizations_policies)
),
read_orgs AS (SELECT DISTINCT org_id FROM readers),
custom AS (
    SELECT rd.org_id,
           string_agg(DISTINCT p.name || ' (' || t.target_id || ')', ', ' ORDER BY p.name || ' (' || t.target_id || ')')
               AS attached
    FROM organizations_policies AS p
    JOIN readers AS rd ON rd.account_id = p.account_id
    JOIN organizations_policy_targets AS t ON t.account_id = p.account_id AND t.policy_id = p.policy_id
    WHERE NOT coalesce(p.aws_managed, false) AND p.name <> 'FullAWSAccess'
    GROUP BY rd.org_id
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'FAIL'
        WHEN c.org_id IS NOT NULL THEN 'PASS'
        WHEN ro.org_id IS NULL THEN 'ERROR'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization, so no SCP can restrict it.'
        WHEN c.org_id IS NOT NULL THEN 'Custom SCPs attached: ' || c.attached
            || ' (SCPs never restrict the management account).'
        WHEN ro.org_id IS NULL THEN 'The SCPs of organization ' || sc.org_id || ' were not read: collect its management account '
            || sc.account_id || ' (or run --org from a delegated administrator).'
        ELSE 'Organization ' || sc.org_id || ' has no custom SCP attached to its root, an OU or an account: only FullAWSAccess applies.'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN custom AS c ON c.org_id = sc.org_id
LEFT JOIN read_orgs AS ro ON ro.org_id = sc.org_id
