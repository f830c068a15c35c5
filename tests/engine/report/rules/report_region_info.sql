-- title: Enabled regions are listed
-- severity: info
-- section: 10
-- description: Every enabled region is a place resources can hide.
-- remediation: Disable regions you do not use with an SCP.
SELECT account_id, 'global' AS region, 'arn:aws:::' || account_id AS resource_id, 'PASS' AS status,
    'Regions enabled: ' || string_agg(region_name, ', ' ORDER BY region_name) || '.' AS reason
FROM regions
GROUP BY account_id
