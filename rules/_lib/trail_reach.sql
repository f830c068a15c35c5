-- doc: Which accounts each trail logs: every trail of home_trails logs its own account, and an organization
--   trail also logs every other account of the organization its owner manages (organizations_organization).
-- column account_id: An account whose events the trail logs.
-- column owner: The trail's owner (home_trails.account_id).
-- column trail_arn: The trail's ARN.
CREATE VIEW trail_reach AS
SELECT t.account_id, t.account_id AS owner, t.trail_arn
FROM home_trails AS t
UNION ALL
SELECT o.account_id, t.account_id, t.trail_arn
FROM home_trails AS t
JOIN organizations_organization AS o
    ON coalesce(t.is_organization_trail, false) AND t.account_id = o.master_account_id
   AND o.account_id <> t.account_id
