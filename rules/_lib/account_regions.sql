-- doc: The regions table joined with the collected scopes; per-region rules start here.
-- column account_id: Account id.
-- column region: Region name.
-- column opt_in_status: opt-in-not-required, opted-in or not-opted-in.
-- column enabled: The region is enabled for the account.
-- column collected: The region was collected in this snapshot.
CREATE VIEW account_regions AS
SELECT r.account_id, r.region_name AS region, r.opt_in_status,
       r.opt_in_status IN ('opt-in-not-required', 'opted-in') AS enabled,
       (s.region IS NOT NULL) AS collected
FROM regions AS r
LEFT JOIN sounding_scopes AS s ON s.account_id = r.account_id AND s.region = r.region_name
