-- title: An SCP restricts the organization to an allow-list of regions
-- severity: medium
-- section: 10
-- scope: org
-- description: Regions nobody uses are where attackers mine cryptocurrency and hide resources, unseen by
--   monitoring that covers only the used regions. An SCP that denies requests outside an allow-list
--   (aws:RequestedRegion with StringNotEquals), attached at the root or to every OU that holds accounts,
--   closes them for every member. SCPs never restrict the management account. The Deny must cover every
--   action (Action "*", or a NotAction list exempting global services) on every resource; the
--   IfExists, IgnoreCase and ForAnyValue/ForAllValues forms of StringNotEquals/StringNotLike deny the same
--   (aws:RequestedRegion is always present). A further condition with a negated operator (ArnNotLike
--   aws:PrincipalArn, StringNotEquals aws:PrincipalTag/..., NotIpAddress, ...), or Bool aws:ViaAWSService /
--   aws:PrincipalIsAWSService = false, exempts some principals or calls from a Deny that binds everyone
--   else (AWS's own example exempts an administrator role this way): it still restricts the account, and
--   the reason names the exemption. Any other further condition (ArnLike aws:PrincipalArn,
--   aws:PrincipalTag equals, ...) narrows the Deny to some principals or requests and does not count.
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
-- Deny statements on every action (Action "*" or a NotAction list) and every resource, conditioned on the
-- requested region (StringNotEquals/StringNotLike, IgnoreCase, IfExists and set-operator forms: the key
-- is always present). A Deny with any further condition (aws:PrincipalArn, aws:PrincipalTag, ...) applies
-- only to some requests, so it does not restrict the account; such statements are named, not counted.
conditioned AS (
    SELECT st.account_id AS reader, st.policy_id, st.policy_name, st.statement_index, op.key AS operator,
           k.key AS cond_key, k.value AS allowed
    FROM organizations_policy_statements AS st,
         json_each(st.conditions) AS op,
         json_each(op.value) AS k
    WHERE st.effect = 'Deny'
      AND (list_contains(st.actions, '*') OR len(st.not_actions) > 0)
      AND (st.resources IS NULL OR list_contains(st.resources, '*'))
      AND coalesce(len(st.not_resources), 0) = 0
),
-- A further condition that exempts principals or calls (a negated operator, or Bool false on the
-- AWS-service keys) leaves the Deny binding on everyone else; any other further condition narrows it.
classified AS (
    SELECT *, lower(cond_key) = 'aws:requestedregion' AS is_region,
           regexp_matches(operator, '^(ForAnyValue:|ForAllValues:)?(StringNot|ArnNot|NotIpAddress)')
           OR (regexp_matches(operator, '^Bool(IfExists)?$')
               AND lower(cond_key) IN ('aws:viaawsservice', 'aws:principalisawsservice')
               AND lower(allowed ->> '$') = 'false') AS is_exemption
    FROM conditioned
),
region_statements AS (
    SELECT reader, policy_id, statement_index
    FROM conditioned
    GROUP BY reader, policy_id, statement_index
    HAVING count(*) FILTER (WHERE lower(cond_key) = 'aws:requestedregion' AND regexp_matches(operator,
               '^(ForAnyValue:|ForAllValues:)?StringNot(Equals|Like)(IgnoreCase)?(IfExists)?$')) > 0
),
narrowed AS (
    SELECT c.reader, c.policy_name,
           string_agg(DISTINCT c.operator || ' ' || c.cond_key, ', ' ORDER BY c.operator || ' ' || c.cond_key) AS by
    FROM classified AS c
    JOIN region_statements AS r USING (reader, policy_id, statement_index)
    WHERE NOT c.is_region AND NOT c.is_exemption
    GROUP BY c.reader, c.policy_name
),
exempted AS (
    SELECT c.reader, c.policy_id,
           string_agg(DISTINCT c.operator || ' ' || c.cond_key, ', ' ORDER BY c.operator || ' ' || c.cond_key) AS by
    FROM classified AS c
    JOIN region_statements AS r USING (reader, policy_id, statement_index)
    WHERE NOT c.is_region AND c.is_exemption
    GROUP BY c.reader, c.policy_id
),
region_conditions AS (
    SELECT c.reader, c.policy_id, c.policy_name, c.allowed
    FROM conditioned AS c
    JOIN region_statements AS r USING (reader, policy_id, statement_index)
    WHERE lower(c.cond_key) = 'aws:requestedregion'
      AND regexp_matches(c.operator, '^(ForAnyValue:|ForAllValues:)?StringNot(Equals|Like)(IgnoreCase)?(IfExists)?$')
      AND NOT EXISTS (SELECT 1 FROM classified AS o WHERE o.reader = c.reader AND o.policy_id = c.policy_id
                      AND o.statement_index = c.statement_index AND NOT o.is_region AND NOT o.is_exemption)
),
restricting AS (
    SELECT reader, policy_id, policy_name,
           CASE WHEN json_type(allowed) = 'ARRAY' THEN from_json(allowed, '["VARCHAR"]')
                ELSE [allowed ->> '$'] END AS regions
    FROM region_conditions
),
attached AS (
    SELECT m.org_id, r.policy_name, r.regions, t.target_id, e.by AS exemptions
    FROM restricting AS r
    LEFT JOIN exempted AS e ON e.reader = r.reader AND e.policy_id = r.policy_id
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
           (SELECT string_agg(DISTINCT att.policy_name || ' (' || att.exemptions || ')', '; '
                              ORDER BY att.policy_name || ' (' || att.exemptions || ')')
            FROM attached AS att WHERE att.org_id = o.org_id AND att.exemptions IS NOT NULL) AS exemptions,
           (SELECT string_agg(mb.member, ', ' ORDER BY mb.member)
            FROM members AS mb WHERE mb.org_id = o.org_id AND NOT mb.covered) AS uncovered,
           (SELECT string_agg(DISTINCT n.policy_name || ' (' || n.by || ')', '; ' ORDER BY n.policy_name || ' (' || n.by || ')')
            FROM narrowed AS n JOIN membership AS m ON m.account_id = n.reader WHERE m.org_id = o.org_id) AS narrowed
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
            || '(Deny with StringNotEquals on aws:RequestedRegion)'
            || coalesce('; narrowed to some principals or requests, so not restricting the account: '
                        || v.narrowed, '') || '.'
        WHEN v.uncovered IS NOT NULL THEN 'SCP ' || v.policies || ' (allowing ' || v.allowed
            || ') is not attached at the root or above these accounts: ' || v.uncovered || '.'
        ELSE 'SCP ' || v.policies || ' allows only ' || v.allowed
            || ' for every member account (the management account is exempt from SCPs)'
            || coalesce('; principals or calls exempted by ' || v.exemptions, '') || '.'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN read_orgs AS ro ON ro.org_id = sc.org_id
LEFT JOIN verdict AS v ON v.org_id = sc.org_id
