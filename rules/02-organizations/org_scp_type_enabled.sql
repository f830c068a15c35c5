-- title: Service control policies are enabled on the organization root
-- severity: high
-- section: 2
-- scope: org
-- description: Until the SERVICE_CONTROL_POLICY type is enabled on the root, no SCP can be attached, so
--   nothing stops a member account's administrators from disabling CloudTrail, leaving the organization
--   or using any region. SCPs never restrict the management account itself.
-- remediation: From the management account: `aws organizations enable-policy-type --root-id r-xxxx
--   --policy-type SERVICE_CONTROL_POLICY` (the organization needs all features enabled first).
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html,
--   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
WITH readers AS (
    SELECT DISTINCT o.org_id, o.account_id
    FROM organizations_organization AS o
    JOIN sounding_accounts AS a ON a.account_id = o.account_id AND a.reachable
    WHERE o.master_account_id = o.account_id OR o.account_id IN (SELECT account_id FROM organizations_roots)
),
roots AS (
    SELECT rd.org_id,
           bool_or(list_contains(r.enabled_policy_types, 'SERVICE_CONTROL_POLICY')) AS scp_enabled,
           string_agg(DISTINCT r.root_id, ', ' ORDER BY r.root_id) AS root_ids
    FROM organizations_roots AS r
    JOIN readers AS rd ON rd.account_id = r.account_id
    GROUP BY rd.org_id
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'FAIL'
        WHEN r.org_id IS NULL THEN 'ERROR'
        WHEN r.scp_enabled THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization, so service control policies cannot apply to it.'
        WHEN r.org_id IS NULL THEN 'The root of organization ' || sc.org_id || ' was not read: collect its management account '
            || sc.account_id || ' (or run --org from a delegated administrator).'
        WHEN r.scp_enabled THEN 'SERVICE_CONTROL_POLICY is enabled on root ' || r.root_ids
            || ' (SCPs still never restrict the management account).'
        WHEN sc.feature_set = 'CONSOLIDATED_BILLING' THEN 'SERVICE_CONTROL_POLICY is not enabled on root ' || r.root_ids
            || ': the organization uses consolidated billing only; enable all features, then the policy type.'
        ELSE 'SERVICE_CONTROL_POLICY is not enabled on root ' || r.root_ids || '.'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN roots AS r ON r.org_id = sc.org_id
