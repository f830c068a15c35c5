-- title: Every enabled opt-in region is one the account uses
-- severity: low
-- section: 10
-- scope: account+region
-- description: Regions launched after March 2019 are off until someone opts in. An enabled opt-in region
--   nobody uses is attack surface that monitoring and guardrails often miss; whether it is used cannot
--   be read from the API, so a person must confirm each one. Regions that need no opt-in pass.
-- remediation: Confirm the region is used; if not, disable it (`aws account disable-region --region-name
--   REGION`, from the account or from the management account with `--account-id`) and keep it closed with
--   a region deny-list SCP.
-- references: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
SELECT
    r.account_id,
    r.region,
    account_arn(r.account_id) AS resource_id,
    CASE
        WHEN NOT r.enabled THEN 'SKIP'
        WHEN r.opt_in_status = 'opted-in' THEN 'MANUAL'
        ELSE 'PASS'
    END AS status,
    CASE
        WHEN NOT r.enabled THEN 'Region not enabled (' || coalesce(r.opt_in_status, 'unknown') || ').'
        WHEN r.opt_in_status = 'opted-in'
            THEN 'Opt-in region ' || r.region || ' is enabled: confirm it is used, or disable it.'
        ELSE 'Region ' || r.region || ' needs no opt-in.'
    END AS reason
FROM account_regions AS r
JOIN sounding_accounts AS a ON a.account_id = r.account_id AND a.reachable
