-- doc: The accounts of each organization scope (see org_scopes): every account whose
--   organizations_organization row names that organization, and the scope's own account, so that an
--   organization-level rule can look at what its members report.
-- column scope_account_id: The account the organization-level finding is reported on (org_scopes.account_id).
-- column account_id: An account of that organization (or the scope's own account).
CREATE VIEW org_members AS
SELECT sc.account_id AS scope_account_id, o.account_id
FROM org_scopes AS sc
JOIN organizations_organization AS o ON o.org_id = sc.org_id
UNION
SELECT account_id, account_id FROM org_scopes
