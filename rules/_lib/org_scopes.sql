-- doc: Where an organization-level rule reports: one row per organization, on its management account
--   (from organizations_organization), and one per reachable account that is in no organization
--   (org_id, org_arn and feature_set NULL).
-- column org_id: The organization's id; NULL for an account in no organization.
-- column org_arn: The organization's ARN; NULL for an account in no organization.
-- column account_id: The management account, or the account that is in no organization.
-- column feature_set: ALL or CONSOLIDATED_BILLING; NULL for an account in no organization.
CREATE VIEW org_scopes AS
SELECT org_id, arn AS org_arn, master_account_id AS account_id, min(feature_set) AS feature_set
FROM organizations_organization
GROUP BY org_id, arn, master_account_id
UNION ALL
SELECT NULL, NULL, a.account_id, NULL
FROM sounding_accounts AS a
WHERE a.reachable AND a.account_id NOT IN (SELECT account_id FROM organizations_organization)
