-- title: Customer managed KMS keys rotate automatically
-- severity: medium
-- section: 15
-- scope: kms key
-- description: Automatic rotation gives a symmetric customer managed key new key material on a schedule
--   (yearly by default), limiting how much data one key version protects. AWS managed keys rotate on
--   their own; asymmetric and HMAC keys cannot rotate automatically and are not evaluated.
-- remediation: `aws kms enable-key-rotation --key-id KEY_ID --region REGION`
--   (optionally `--rotation-period-in-days 90..2560`).
-- references: https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
-- frameworks: cis-5.0:3.6, cis-3.0:3.6, fsbp:KMS.4, nist-800-53-r5:SC-12
SELECT
    k.account_id,
    k.region,
    k.arn AS resource_id,
    CASE WHEN r.key_rotation_enabled IS NULL THEN 'ERROR' WHEN r.key_rotation_enabled THEN 'PASS' ELSE 'FAIL' END
        AS status,
    CASE WHEN r.key_rotation_enabled IS NULL THEN 'The rotation status of KMS key ' || k.key_id || ' in ' || k.region
                                                  || ' was not read.'
         WHEN r.key_rotation_enabled THEN 'KMS key ' || k.key_id || ' in ' || k.region || ' rotates automatically'
              || coalesce(' every ' || r.rotation_period_in_days || ' days', '') || '.'
         ELSE 'KMS key ' || k.key_id || ' in ' || k.region || ' has automatic rotation off.'
    END AS reason
FROM kms_keys AS k
LEFT JOIN kms_key_rotation AS r ON r.account_id = k.account_id AND r.region = k.region AND r.key_id = k.key_id
WHERE k.key_manager = 'CUSTOMER' AND k.key_spec = 'SYMMETRIC_DEFAULT' AND k.key_state = 'Enabled'
