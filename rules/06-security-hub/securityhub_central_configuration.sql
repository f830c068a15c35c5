-- title: Security Hub is administered centrally for the organization
-- severity: medium
-- section: 6
-- scope: org
-- description: With a delegated administrator and central configuration, Security Hub is enabled, and its
--   standards and controls are set, in every account and region from one place, and new accounts are
--   covered on creation. Without it each account is configured by hand and drifts; without a finding
--   aggregator, findings stay scattered across regions. Central configuration counts only when its
--   status is ENABLED (PENDING and FAILED configure nothing); the aggregation region is the one in the
--   aggregator's ARN (ListFindingAggregators answers from every region).
-- remediation: From the management account: `aws securityhub enable-organization-admin-account --admin-account-id
--   SECURITY_ACCOUNT_ID`; then in the delegated administrator's home region:
--   `aws securityhub create-finding-aggregator --region-linking-mode ALL_REGIONS` and
--   `aws securityhub update-organization-configuration --auto-enable=false --organization-configuration ConfigurationType=CENTRAL`,
--   and attach a configuration policy to the organization root.
-- references: https://docs.aws.amazon.com/securityhub/latest/userguide/central-configuration-intro.html,
--   https://docs.aws.amazon.com/securityhub/latest/userguide/finding-aggregation.html
WITH admins AS (
    SELECT m.scope_account_id, string_agg(DISTINCT d.delegated_account_id, ', ' ORDER BY d.delegated_account_id) AS ids
    FROM org_members AS m
    JOIN organizations_delegated_administrators AS d ON d.account_id = m.account_id
    WHERE d.service_principal = 'securityhub.amazonaws.com'
    GROUP BY m.scope_account_id
),
central AS (
    SELECT m.scope_account_id,
           string_agg(DISTINCT c.account_id || ' in ' || c.region, ', ' ORDER BY c.account_id || ' in ' || c.region) AS wheres
    FROM org_members AS m
    JOIN securityhub_organization_configuration AS c ON c.account_id = m.account_id
    WHERE c.configuration_type = 'CENTRAL' AND c.configuration_status = 'ENABLED'
    GROUP BY m.scope_account_id
),
-- CENTRAL that is PENDING or FAILED does not configure anything yet: named, never counted.
central_not_enabled AS (
    SELECT m.scope_account_id,
           string_agg(DISTINCT c.account_id || ' in ' || c.region || ' is ' || coalesce(c.configuration_status, 'of unknown status'),
                      ', ' ORDER BY c.account_id || ' in ' || c.region || ' is '
                                    || coalesce(c.configuration_status, 'of unknown status')) AS wheres
    FROM org_members AS m
    JOIN securityhub_organization_configuration AS c ON c.account_id = m.account_id
    WHERE c.configuration_type = 'CENTRAL' AND c.configuration_status IS DISTINCT FROM 'ENABLED'
    GROUP BY m.scope_account_id
),
aggregators AS (
    SELECT m.scope_account_id,
           string_agg(DISTINCT split_part(f.finding_aggregator_arn, ':', 4), ', '
                      ORDER BY split_part(f.finding_aggregator_arn, ':', 4)) AS regions
    FROM org_members AS m
    JOIN securityhub_finding_aggregators AS f ON f.account_id = m.account_id
    GROUP BY m.scope_account_id
),
judged AS (
    SELECT
        sc.account_id,
        sc.org_id,
        coalesce(sc.org_arn, account_arn(sc.account_id)) AS resource_id,
        EXISTS (SELECT 1 FROM sounding_accounts AS a WHERE a.account_id = sc.account_id AND a.reachable) AS collected,
        ad.ids AS admin_ids,
        ce.wheres AS central_in,
        cn.wheres AS central_not_enabled,
        ag.regions AS aggregation_regions
    FROM org_scopes AS sc
    LEFT JOIN admins AS ad ON ad.scope_account_id = sc.account_id
    LEFT JOIN central AS ce ON ce.scope_account_id = sc.account_id
    LEFT JOIN central_not_enabled AS cn ON cn.scope_account_id = sc.account_id
    LEFT JOIN aggregators AS ag ON ag.scope_account_id = sc.account_id
)
SELECT
    account_id,
    'global' AS region,
    resource_id,
    CASE
        WHEN org_id IS NULL THEN 'FAIL'
        WHEN NOT collected AND admin_ids IS NULL THEN 'ERROR'
        WHEN admin_ids IS NULL THEN 'FAIL'
        WHEN central_in IS NOT NULL OR aggregation_regions IS NOT NULL THEN 'PASS'
        ELSE 'FAIL'
    END AS status,
    CASE
        WHEN org_id IS NULL THEN 'The account is in no organization, so Security Hub cannot have a delegated '
            || 'administrator or a central configuration.'
        WHEN NOT collected AND admin_ids IS NULL THEN 'The management account ' || account_id
            || ' was not collected, so the Security Hub delegated administrator is unknown.'
        WHEN admin_ids IS NULL THEN 'Organization ' || org_id || ' has no Security Hub delegated administrator.'
        WHEN central_in IS NOT NULL OR aggregation_regions IS NOT NULL THEN 'Security Hub delegated administrator '
            || admin_ids || '; '
            || concat_ws('; ', 'central configuration (CENTRAL, ENABLED) in ' || central_in,
                         'finding aggregation into ' || aggregation_regions) || '.'
        ELSE 'Security Hub delegated administrator ' || admin_ids
            || ', but no enabled central configuration (CENTRAL, ENABLED) and no finding aggregator'
            || coalesce(' (central configuration not enabled: ' || central_not_enabled || ')', '') || '.'
    END AS reason
FROM judged
