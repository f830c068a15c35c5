-- title: Roles trusted by a web identity provider are scoped to your subjects
-- severity: critical
-- section: 13
-- scope: role
-- description: A role that trusts an OIDC provider such as GitHub Actions
--   (token.actions.githubusercontent.com) accepts a token from anyone that provider issues tokens
--   to. Without a condition on the token's `sub` claim (the repository, branch or environment) any
--   repository on GitHub can assume the role; without `aud` a token minted for another audience
--   works too. The subject must pin the provider's tenant: under a *Like operator the text before the
--   first wildcard must hold the tenant segments whole (GitHub `repo:ORG/`, GitLab `project_path:GROUP/`,
--   Terraform Cloud/HCP and Buildkite `organization:ORG:`, CircleCI `org/ORG_ID/`, EKS
--   `system:serviceaccount:NAMESPACE:`, Bitbucket/Google/Azure and any issuer that names the tenant
--   itself: the first segment; unknown providers: two segments). "*", "repo:*" or "repo:my-org*" are not
--   scoped; *Equals operators take no wildcards. An explicit Deny in the same trust policy with
--   StringNotLike/StringNotEquals (any ForAnyValue/ForAllValues/IfExists form) on the subject or audience
--   scopes the role as a condition on the Allow does: the policy is judged, not each statement. For Amazon
--   Cognito the identity pool id in `cognito-identity.amazonaws.com:aud` is the scoping condition.
-- remediation: Add both conditions to the trust policy and apply it with
--   `aws iam update-assume-role-policy --role-name ROLE_NAME --policy-document file://trust.json`, e.g.
--   {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"},
--   "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
--   "StringLike": {"token.actions.githubusercontent.com:sub": "repo:MY_ORG/MY_REPO:ref:refs/heads/main"}}}.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub,
--   https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services,
--   https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html,
--   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
WITH trust AS (
    SELECT account_id, policy_id AS role_arn, principal_name AS role_name, statement_index, effect, actions,
           principals,
           unnest(coalesce(from_json(principals -> 'Federated', '["VARCHAR"]'), ['*'])) AS provider,
           coalesce(from_json(condition_entries, '[{"operator": "VARCHAR", "key": "VARCHAR", "values": ["VARCHAR"]}]'),
                    []) AS entries
    FROM iam_policy_statements
    WHERE policy_kind = 'trust' AND effect IN ('Allow', 'Deny')
),
web_identity AS (
    SELECT *,
           CASE
               WHEN provider = '*' THEN '*'
               WHEN provider LIKE 'arn:%:oidc-provider/%'
                   THEN lower(substr(provider, strpos(provider, ':oidc-provider/') + 15))
               WHEN provider NOT LIKE 'arn:%' THEN lower(provider)
           END AS host
    FROM trust
),
-- How many whole segments (ending in ':' or '/') a *Like value must fix before its first wildcard.
tenants AS (
    SELECT *,
           CASE
               WHEN host LIKE 'oidc.eks.%.amazonaws.com/id/%' THEN 3
               WHEN host LIKE 'api.bitbucket.org/%' OR host = 'accounts.google.com'
                   OR host LIKE 'sts.windows.net/%' OR host LIKE 'login.microsoftonline.com/%' THEN 1
               ELSE 2
           END AS tenant_segments
    FROM web_identity
    WHERE host IS NOT NULL
),
allows AS (
    SELECT *,
           host = 'cognito-identity.amazonaws.com' AS cognito,
           list_filter(entries, lambda e: lower(e.key) = host || ':sub'
               AND regexp_matches(e.operator, '^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?(IfExists)?$'))
               AS sub_conditions,
           list_filter(entries, lambda e: lower(e.key) = host || ':aud'
               AND regexp_matches(e.operator, '^(ForAnyValue:|ForAllValues:)?String(Equals|Like)(IgnoreCase)?(IfExists)?$'))
               AS aud_conditions
    FROM tenants
    WHERE effect = 'Allow' AND host <> '*'
      -- Only statements that let a token assume the role (sts:TagSession alone does not).
      AND (len(coalesce(actions, [])) = 0 OR len(list_filter(actions, lambda a:
              'sts:assumerolewithwebidentity' LIKE replace(replace(lower(a), '*', '%'), '?', '_'))) > 0)
),
-- A value is scoped unless a *Like operator lets a wildcard into the tenant: the text before the first
-- wildcard must contain tenant_segments whole segments. *Equals values have no wildcards.
scoping AS (
    SELECT *,
           len(list_filter(sub_conditions, lambda e: len(e."values") > 0 AND len(list_filter(e."values",
               lambda v: e.operator LIKE '%Like%' AND regexp_matches(v, '[*?]')
                   AND len(regexp_extract_all(regexp_extract(v, '^[^*?]*'), '[^:/]+[:/]')) < tenant_segments)) = 0))
               > 0 AS sub_scoped,
           len(list_filter(aud_conditions, lambda e: len(e."values") > 0 AND len(list_filter(e."values",
               lambda v: e.operator LIKE '%Like%' AND regexp_matches(v, '^[*?]*$'))) = 0)) > 0 AS aud_scoped,
           flatten(list_transform(sub_conditions, lambda e: e."values")) AS sub_values
    FROM allows
),
-- Deny statements that refuse every token whose sub (or aud) is outside scoped values: all of their
-- conditions are negated string conditions on that one claim, and they cover AssumeRoleWithWebIdentity.
denies AS (
    SELECT account_id, role_arn, host, tenant_segments, entries,
           list_transform(entries, lambda e: lower(e.key)) AS keys
    FROM tenants
    WHERE effect = 'Deny' AND len(entries) > 0
      AND len(list_filter(entries, lambda e: NOT regexp_matches(e.operator,
              '^(ForAnyValue:|ForAllValues:)?StringNot(Equals|Like)(IgnoreCase)?(IfExists)?$')
              OR len(e."values") = 0)) = 0
      AND len(list_filter(coalesce(actions, []), lambda a:
              'sts:assumerolewithwebidentity' LIKE replace(replace(lower(a), '*', '%'), '?', '_'))) > 0
),
deny_scoping AS (
    SELECT s.account_id, s.role_arn, s.statement_index, s.host,
           bool_or(d.keys IS NOT NULL AND len(list_filter(d.keys, lambda k: k <> s.host || ':sub')) = 0
               AND len(list_filter(d.entries, lambda e: len(list_filter(e."values",
                   lambda v: e.operator LIKE '%Like%' AND regexp_matches(v, '[*?]')
                       AND len(regexp_extract_all(regexp_extract(v, '^[^*?]*'), '[^:/]+[:/]'))
                           < s.tenant_segments)) > 0)) = 0) AS sub_denied,
           bool_or(d.keys IS NOT NULL AND len(list_filter(d.keys, lambda k: k <> s.host || ':aud')) = 0
               AND len(list_filter(d.entries, lambda e: len(list_filter(e."values",
                   lambda v: e.operator LIKE '%Like%' AND regexp_matches(v, '^[*?]*$'))) > 0)) = 0) AS aud_denied
    FROM scoping AS s
    LEFT JOIN denies AS d ON d.account_id = s.account_id AND d.role_arn = s.role_arn AND d.host IN (s.host, '*')
    GROUP BY s.account_id, s.role_arn, s.statement_index, s.host
),
problems AS (
    SELECT s.account_id, s.role_arn, s.role_name, s.statement_index, s.host, s.sub_values,
           list_filter([
               CASE WHEN s.cognito AND NOT (s.aud_scoped OR coalesce(ds.aud_denied, false))
                    THEN 'no condition on cognito-identity.amazonaws.com:aud (the identity pool id)' END,
               CASE WHEN s.cognito OR coalesce(ds.sub_denied, false) THEN NULL
                    WHEN len(s.sub_conditions) = 0 THEN 'no condition on ' || s.host || ':sub'
                    WHEN NOT s.sub_scoped
                    THEN s.host || ':sub allows any subject (' || array_to_string(s.sub_values, ', ') || ')' END,
               CASE WHEN NOT s.cognito AND NOT (s.aud_scoped OR coalesce(ds.aud_denied, false))
                    THEN 'no condition on ' || s.host || ':aud' END
           ], lambda p: p IS NOT NULL) AS issues
    FROM scoping AS s
    LEFT JOIN deny_scoping AS ds ON ds.account_id = s.account_id AND ds.role_arn = s.role_arn
        AND ds.statement_index = s.statement_index AND ds.host = s.host
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
