-- title: An SCP keeps new resources out of unapproved VPCs
-- severity: low
-- section: 11
-- scope: org
-- description: Default VPCs have public subnets and routes to the internet in every region. An SCP that
--   denies resource creation conditioned on ec2:Vpc (for example, only in VPCs a network team approved)
--   stops members from launching instances, ENIs or endpoints into default or ad-hoc VPCs. SCPs never
--   restrict the management account. A Deny narrowed to some principals (a condition on aws:PrincipalArn,
--   aws:PrincipalTag, ...) guards only them and does not count.
-- remediation: Attach an SCP to the root or the workload OUs, e.g.
--   `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["ec2:RunInstances","ec2:CreateNetworkInterface"],
--   "Resource":"arn:aws:ec2:*:*:network-interface/*","Condition":{"StringNotEquals":
--   {"ec2:Vpc":["arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-approved"]}}}]}`, and delete default VPCs.
-- references: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html#amazonec2-policy-keys,
--   https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_vpc.html
WITH membership AS (SELECT DISTINCT account_id, org_id FROM organizations_organization),
read_orgs AS (SELECT DISTINCT m.org_id FROM organizations_policies AS p JOIN membership AS m ON m.account_id = p.account_id),
guards AS (
    SELECT m.org_id, string_agg(DISTINCT st.policy_name, ', ' ORDER BY st.policy_name) AS policies
    FROM organizations_policy_statements AS st,
         json_each(st.conditions) AS op,
         json_each(op.value) AS k
    JOIN membership AS m ON m.account_id = st.account_id
    WHERE st.effect = 'Deny'
      AND lower(k.key) = 'ec2:vpc'
      -- A Deny narrowed to some principals (aws:PrincipalArn, aws:PrincipalTag/..., ...) guards only them.
      AND NOT EXISTS (SELECT 1 FROM json_each(st.conditions) AS o2, json_each(o2.value) AS k2
                      WHERE lower(k2.key) LIKE 'aws:principal%' OR lower(k2.key) IN ('aws:userid', 'aws:username'))
      AND EXISTS (SELECT 1 FROM organizations_policy_targets AS t
                  WHERE t.account_id = st.account_id AND t.policy_id = st.policy_id)
    GROUP BY m.org_id
)
SELECT
    sc.account_id,
    'global' AS region,
    coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
    CASE
        WHEN sc.org_id IS NULL THEN 'FAIL'
        WHEN g.org_id IS NOT NULL THEN 'PASS'
        WHEN ro.org_id IS NULL THEN 'ERROR'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN sc.org_id IS NULL THEN 'The account is in no organization, so no SCP can guard its VPCs.'
        WHEN g.org_id IS NOT NULL THEN 'Attached SCP ' || g.policies
            || ' denies resource creation conditioned on ec2:Vpc (the management account is exempt from SCPs).'
        WHEN ro.org_id IS NULL THEN 'The SCPs of organization ' || sc.org_id || ' were not read: collect its management account '
            || sc.account_id || ' (or run --org from a delegated administrator).'
        ELSE 'No attached SCP denies resource creation conditioned on ec2:Vpc.'
    END AS reason
FROM org_scopes AS sc
LEFT JOIN guards AS g ON g.org_id = sc.org_id
LEFT JOIN read_orgs AS ro ON ro.org_id = sc.org_id
