-- doc: The resource id of a finding about an account as a whole: the account's root principal ARN,
--   arn:PARTITION:iam::ACCOUNT_ID:root, in the snapshot's partition (the identifier IAM policies and other
--   tools use for the account).
-- param account_id: The 12-digit account id.
CREATE MACRO account_arn(account_id) AS
    'arn:' || (SELECT partition FROM sounding_snapshot) || ':iam::' || account_id || ':root'
