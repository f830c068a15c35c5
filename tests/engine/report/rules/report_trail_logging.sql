-- title: A multi-region CloudTrail trail is logging
-- severity: high
-- section: 4
-- description: Without a logging trail, API activity leaves no record.
-- remediation: Create a multi-region trail and start logging.
SELECT a.account_id, r.region_name AS region,
    'arn:aws:cloudtrail:' || r.region_name || ':' || a.account_id || ':trail/main' AS resource_id,
    CASE WHEN count(t.trail_arn) > 0 THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN count(t.trail_arn) > 0 THEN 'A trail logs this region.' ELSE 'No trail logs this region.' END AS reason
FROM sounding_accounts AS a
JOIN regions AS r ON r.account_id = a.account_id
LEFT JOIN cloudtrail_trails AS t ON t.account_id = a.account_id AND t.region = r.region_name
GROUP BY a.account_id, r.region_name
