-- title: IAM users with a console password have MFA
-- severity: medium
-- section: 8
-- description: A console password alone can be guessed or phished.
-- remediation: Enable MFA for each listed user, or remove their console password:
--   `aws iam delete-login-profile --user-name NAME`.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html
-- frameworks: cis-3.0:1.10
SELECT account_id, 'global' AS region, arn AS resource_id,
    CASE WHEN mfa_active THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN mfa_active THEN 'User ' || "user" || ' has MFA.'
         ELSE 'User ' || "user" || ' signs in with a password and no MFA.' END AS reason,
    password_enabled
FROM iam_credential_report
WHERE password_enabled
