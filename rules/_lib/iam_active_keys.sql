-- doc: IAM users' active access keys, one row per user with at least one (status Active in ListAccessKeys).
-- column account_id: Account id.
-- column user_name: The IAM user.
-- column key_ids: The active access key ids, sorted.
CREATE VIEW iam_active_keys AS
SELECT account_id, user_name, list(access_key_id ORDER BY access_key_id) AS key_ids
FROM iam_access_keys
WHERE status = 'Active'
GROUP BY account_id, user_name
