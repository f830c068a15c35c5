-- doc: Organization trails an account sees whose owner (the management account) is not a reachable account of
--   this snapshot: they may log the account, but their status and selectors cannot be judged.
-- column account_id: The account that sees the trail.
-- column owner: The management account that owns the trail.
-- column name: The trail's name.
CREATE VIEW unseen_org_trails AS
SELECT DISTINCT t.account_id, split_part(t.trail_arn, ':', 5) AS owner, t.name
FROM cloudtrail_trails AS t
WHERE coalesce(t.is_organization_trail, false)
  AND split_part(t.trail_arn, ':', 5) <> t.account_id
  AND split_part(t.trail_arn, ':', 5) NOT IN (SELECT account_id FROM sounding_accounts WHERE reachable)
