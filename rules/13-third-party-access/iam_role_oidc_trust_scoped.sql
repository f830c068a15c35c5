-- title: Roles trusted by a web identity provider are scoped to your subjects
-- severity: critical
-- section: 13
-- scope: role
-- description: A role that trusts an OIDC provider such as GitHub Actions
--   (token.actions.githubusercontent.com) accepts a token from anyone that provider issues tokens
--   to. Without a condition on the token's `sub` claim (the repository, branch or environment) any
--   repository on GitHub can assume the role; without `aud` a token minted for another audience
--   works too. StringLike "repo:my-org/*" is scoped; "*" or "repo:*" is not. For Amazon Cognito
--   the identity pool id in `cognito-identity.amazonaws.com:aud` is the scoping condition.
-- remediation: Add both conditions to the trust policy and apply it with
--   `aws iam update-assume-role-policy --role-name ROLE_NAME --policy-document file://trust.json`, e.g.
--   {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"},
--   "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
--   "StringLike": {"token.actions.githubusercontent.com:sub": "repo:MY_ORG/MY_REPO:ref:refs/heads/main"}}}.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub,
--   https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services,
--   https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
WITH trust AS (
    SELECT account_id, policy_id AS role_arn, principal_name AS role_name, statement_index,
           unnest(from_json(principals -> 'Federated', '["VARCHAR"]')) AS provider,
           from_json(condition_entries, '[{"operator": "VARCHAR", "key": "VARCHAR", "values": ["VARCHAR"]}]')
               AS entries
    FROM iam_policy_statements
    WHERE policy_kind = 'trust' AND effect = 'Allow'
),
web_identity AS (
    SELECT *,
           CASE
               WHEN provider LIKE 'arn:%:oidc-provider/%'
                   THEN lower(substr(provider, strpos(provider, ':oidc-provider/') + 15))
               WHEN provider NOT LIKE 'arn:%' THEN lower(provider)
           END AS host
    FROM trust
),
claims AS (
    SELECT *,
           host = 'cognito-identity.amazonaws.com' AS cognito,
           list_filter(coalesce(entries, []), lambda e: lower(e.key) = host || ':sub'
               AND regexp_matches(e.operator, '^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?(IfExists)?$'))
               AS sub_conditions,
           list_filter(coalesce(entries, []), lambda e: lower(e.key) = host || ':aud'
               AND regexp_matches(e.operator, '^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?(IfExists)?$'))
               AS aud_conditions
    FROM web_identity
    WHERE host IS NOT NULL
),
scoping AS (
    -- A condition scopes when it has values and none of them, under a *Like operator, matches
    -- anything: only wildcards, or for GitHub a wildcard before the owner ("repo:*", "repo:org*").
    SELECT *,
           len(list_filter(sub_conditions, lambda e: len(e."values") > 0 AND len(list_filter(e."values",
               lambda v: e.operator LIKE '%Like%' AND (regexp_matches(v, '^[*?]*$')
                   OR (host = 'token.actions.githubusercontent.com' AND regexp_matches(v, '^repo:[^/]*[*?]'))))) = 0))
               > 0 AS sub_scoped,
           len(list_filter(aud_conditions, lambda e: len(e."values") > 0 AND len(list_filter(e."values",
               lambda v: e.operator LIKE '%Like%' AND regexp_matches(v, '^[*?]*$'))) = 0)) > 0 AS aud_scoped,
           flatten(list_transform(sub_conditions, lambda e: e."values")) AS sub_values
    FROM claims
),
problems AS (
    SELECT account_id, role_arn, role_name, statement_index, host, sub_values,
           list_filter([
               CASE WHEN cognito AND NOT aud_scoped
                    THEN 'no condition on cognito-identity.amazonaws.com:aud (the identity pool id)' END,
               CASE WHEN NOT cognito AND len(sub_conditions) = 0 THEN 'no condition on ' || host || ':sub'
                    WHEN NOT cognito AND NOT sub_scoped
                    THEN host || ':sub allows any subject (' || array_to_string(sub_values, ', ') || ')' END,
               CASE WHEN NOT cognito AND NOT aud_scoped THEN 'no condition on ' || host || ':aud' END
           ], lambda p: p IS NOT NULL) AS issues
    FROM scoping
),
roles AS (
    SELECT account_id, role_arn, role_name,
           string_agg(CASE WHEN len(issues) > 0
                           THEN 'statement ' || statement_index || ' trusts ' || host || ' with '
                                || array_to_string(issues, ' and ') END,
                      '; ' ORDER BY statement_index, host) AS failures,
           string_agg(DISTINCT host, ', ' ORDER BY host) AS hosts
    FROM problems
    GROUP BY account_id, role_arn, role_name
)
SELECT
    account_id,
    'global' AS region,
    role_arn AS resource_id,
    CASE WHEN failures IS NULL THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE
        WHEN failures IS NULL
            THEN 'Role ' || role_name || ' trusts ' || hosts || ' only for scoped subjects and audiences.'
        ELSE 'Role ' || role_name || ': ' || failures || '.'
    END AS reason
FROM roles
