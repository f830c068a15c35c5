-- doc: The resource id of a finding about an account as a whole, in the snapshot's partition.
-- param account_id: The 12-digit account id.
CREATE MACRO account_arn(account_id) AS
    'arn:' || (SELECT partition FROM sounding_snapshot) || ':::' || account_id
