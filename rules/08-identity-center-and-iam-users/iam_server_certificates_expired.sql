-- title: No expired SSL/TLS certificates are stored in IAM
-- severity: low
-- section: 8
-- scope: server certificate
-- description: An expired server certificate kept in IAM can be deployed to a load balancer or CloudFront
--   by mistake, breaking clients or the application. Expired certificates should be deleted (prefer
--   AWS Certificate Manager, which renews). Expiry is judged at collection time.
-- remediation: `aws iam delete-server-certificate --server-certificate-name NAME` once nothing uses it.
-- references: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html
-- frameworks: cis-5.0:1.18, cis-3.0:1.19
SELECT
    c.account_id,
    'global' AS region,
    c.arn AS resource_id,
    CASE WHEN c.expiration IS NULL THEN 'ERROR' WHEN c.expiration > s.collected_at THEN 'PASS' ELSE 'FAIL' END AS status,
    CASE WHEN c.expiration IS NULL THEN 'Server certificate ' || c.server_certificate_name || ' has no expiration date.'
         WHEN c.expiration > s.collected_at
              THEN 'Server certificate ' || c.server_certificate_name || ' expires ' || strftime(c.expiration, '%Y-%m-%d') || '.'
         ELSE 'Server certificate ' || c.server_certificate_name || ' expired ' || strftime(c.expiration, '%Y-%m-%d') || '.'
    END AS reason
FROM iam_server_certificates AS c
CROSS JOIN sounding_snapshot AS s
