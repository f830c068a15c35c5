-- title: An SCP restricts the organization to an allow-list of regions
-- severity: medium
-- section: 10
-- scope: org
-- description: Regions nobody uses are where attackers mine cryptocurrency and hide resources, unseen by
--   monitoring that covers only the used regions. An SCP that denies requests outside an allow-list
--   (aws:RequestedRegion with StringNotEquals), attached at the root or to every OU that holds accounts,
--   closes them for every member. SCPs never restrict the management account.
-- remediation: Attach a region deny-list SCP to the root (or every OU), exempting global services, e.g.
--   `{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideAllowedRegions","Effect":"Deny",
--   "NotAction":["iam:*","organizations:*","sts:*","support:*","cloudfront:*","route53:*","budgets:*"],
--   "Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}`,
--   or use the Control Tower region deny control.
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region,
--   https://docs.aws.amazon.com/controltower/latest/userguide/region-deny.html
WITH RECURSIVE
org AS (
    SELECT DISTINCT org_id, arn AS org_arn, master_account_id FROM organizations_organization
),
membership AS (SELECT DISTINCT account_id, org_id, master_account_id FROM organizations_organization),
read_orgs AS (SELECT DISTINCT m.org_id FROM organizations_policies AS p JOIN membership AS m ON m.account_id = p.account_id),
-- Deny statements on every action (Action "*" or a NotAction list) conditioned on the requested region.
region_conditions AS (
    SELECT st.account_id AS reader, st.policy_id, st.policy_name, k.value AS allowed
    FROM organizations_policy_statements AS st,
         json_each(st.conditions) AS op,
         json_each(op.value) AS k
    WHERE st.effect = 'Deny'
      AND (list_contains(st.actions, '*') OR len(st.not_actions) > 0)
      AND op.key IN ('StringNotEquals', 'StringNotEqualsIgnoreCase', 'StringNotLike')
      AND lower(k.key) = 'aws:requestedregion'
),
restricting AS (
    SELECT reader, policy_id, policy_name,
           CASE WHEN json_type(allowed) = 'ARRAY' THEN from_json(allowed, '["VARCHAR"]')
                ELSE [allowed ->> '$'] END AS regions
    FROM region_conditions
),
attached AS (
    SELECT m.org_id, r.policy_name, r.regions, t.target_id
    FROM restricting AS r
    JOIN organizations_policy_targets AS t ON t.account_id = r.reader AND t.policy_id = r.policy_id
    JOIN membership AS m ON m.account_id = r.reader
),
-- Every member account with itself, its parent OU and each OU above it up to the root.
up(reader, member, node, depth) AS (
    SELECT l.account_id, l.member_account_id, l.parent_id, 1
    FROM organizations_accounts AS l
    WHERE coalesce(l.state, l.status) = 'ACTIVE'
    UNION ALL
    SELECT u.reader, u.member, o.parent_id, u.depth + 1
    FROM up AS u
    JOIN organizations_ous AS o ON o.account_id = u.reader AND o.ou_id = u.node
    WHERE u.depth < 10
),
lineage AS (
    SELECT reader, member, node FROM up
    UNION
    SELECT account_id, member_account_id, member_account_id FROM organizations_accounts
),
members AS (
    SELECT DISTINCT m.org_id, li.member, EXISTS (
               SELECT 1 FROM attached AS att WHERE att.org_id = m.org_id AND att.target_id IN (
                   SELECT l2.node FROM lineage AS l2 WHERE l2.reader = li.reader AND l2.member = li.member)
           ) AS covered
    FROM lineage AS li
    JOIN membership AS m ON m.account_id = li.reader
    WHERE li.member <> m.master_account_id
      AND li.member IN (SELECT member FROM up)
),
verdict AS (
    SELECT o.org_id,
           (SELECT array_to_string(list_sort(list_distinct(flatten(list(att.regions)))), ', ')
            FROM attached AS att WHERE att.org_id = o.org_id) AS allowed,
           (SELECT string_agg(DISTINCT att.policy_name, ', ' ORDER BY att.policy_name)
            FROM attached AS att WHERE att.org_id = o.org_id) AS policies,
           (SELECT string_agg(mb.member, ', ' ORDER BY mb.member)
            FROM members AS mb WHERE mb.org_id = o.org_id AND NOT mb.covered) AS uncovered
    FROM org AS o
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'FAIL'
        WHEN ro.org_id IS NULL THEN 'ERROR'
        WHEN v.policies IS NULL THEN 'FAIL'
        WHEN v.uncovered IS NOT NULL THEN 'FAIL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization, so no SCP can restrict its regions.'
        WHEN ro.org_id IS NULL THEN 'The SCPs of organization ' || sc.org_id || ' were not read: collect its management account '
            || sc.account_id || ' (or run --org from a delegated administrator).'
        WHEN v.policies IS NULL THEN 'No attached SCP denies requests outside an allow-list of regions '
            || '(Deny with StringNotEquals on aws:RequestedRegion).'
        WHEN v.uncovered IS NOT NULL THEN 'SCP ' || v.policies || ' (allowing ' || v.allowed
            || ') is not attached at the root or above these accounts: ' || v.uncovered || '.'
        ELSE 'SCP ' || v.policies || ' allows only ' || v.allowed
            || ' for every member account (the management account is exempt from SCPs).'
    END AS reason
FROM org_scopes AS sc
CROSS JOIN sounding_snapshot AS s
LEFT JOIN read_orgs AS ro ON ro.org_id = sc.org_id
LEFT JOIN verdict AS v ON v.org_id = sc.org_id
