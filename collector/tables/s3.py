"""S3 declarations: buckets, their policies, public access blocks, encryption, versioning, logging."""

from sounding.collector.declarations import (
    BOOL,
    INT,
    JSON,
    STATEMENT_COLUMNS,
    STATEMENT_PRINCIPALS_AND_CONDITIONS,
    STRING,
    THIS_ACCOUNT,
    TIMESTAMP,
    Column,
    FanOut,
    TableSpec,
)
from sounding.collector.special import s3_bucket_calls

BUCKETS = TableSpec(
    name="s3_buckets", service="s3", operation="ListBuckets", scope="global", items="Buckets",
    columns=(
        Column("name", STRING, "Name", "The bucket's name."),
        Column("creation_date", TIMESTAMP, "CreationDate", "When the bucket was created."),
        Column("bucket_region", STRING, "BucketRegion", "The bucket's region (NULL where the API omits it)."),
    ),
    key=("name",),
    doc="The account's S3 buckets (s3:ListBuckets); per-bucket settings are fanned out from here. Per-bucket "
        "calls are made from the partition's home region and botocore follows S3's region redirects.",
)

_PER_BUCKET = FanOut(parent="s3_buckets", params={"Bucket": "name"})
_BUCKET = Column("bucket", STRING, "_parent.name", "The bucket's name.")
_PAB_COLUMNS = (
    Column("block_public_acls", BOOL, "BlockPublicAcls", "New public ACLs are rejected."),
    Column("ignore_public_acls", BOOL, "IgnorePublicAcls", "Existing public ACLs are ignored."),
    Column("block_public_policy", BOOL, "BlockPublicPolicy", "Public bucket policies are rejected."),
    Column("restrict_public_buckets", BOOL, "RestrictPublicBuckets",
           "Access through a public policy is limited to AWS services and the owner's principals."),
)

BUCKET_POLICIES = TableSpec(
    name="s3_bucket_policies", service="s3", operation="GetBucketPolicy", scope="global", items="",
    paginate=False, fan_out=_PER_BUCKET, fetch=s3_bucket_calls.fetch_bucket_policy,
    empty_on=("NoSuchBucketPolicy",),
    columns=(_BUCKET, Column("policy", JSON, "Policy", "The bucket policy document, parsed.")),
    key=("bucket",),
    doc="Bucket policies (s3:GetBucketPolicy per bucket); a bucket without one has no row "
        "(NoSuchBucketPolicy is data: no policy).",
)

BUCKET_POLICY_STATEMENTS = TableSpec(
    name="s3_bucket_policy_statements", service="s3", operation="GetBucketPolicy", scope="global", items="",
    fan_out=FanOut(parent="s3_bucket_policies", params={"Bucket": "bucket"}),
    derive=s3_bucket_calls.policy_statements,
    columns=(
        Column("bucket", STRING, "_parent.bucket", "The bucket's name."),
        Column("statement_index", INT, "statement_index", "Position of the statement in the policy (0-based)."),
        *STATEMENT_COLUMNS,
        *STATEMENT_PRINCIPALS_AND_CONDITIONS,
    ),
    key=("bucket", "statement_index"),
    doc="One row per statement of every bucket policy, normalised as IAM's (derived from s3_bucket_policies; "
        "no further calls).",
)

BUCKET_PUBLIC_ACCESS_BLOCK = TableSpec(
    name="s3_bucket_public_access_block", service="s3", operation="GetPublicAccessBlock", scope="global",
    items="PublicAccessBlockConfiguration", paginate=False, fan_out=_PER_BUCKET,
    empty_on=("NoSuchPublicAccessBlockConfiguration",),
    columns=(_BUCKET, *_PAB_COLUMNS),
    key=("bucket",),
    doc="The bucket's Block Public Access settings (s3:GetPublicAccessBlock per bucket); no row when none is "
        "configured (NoSuchPublicAccessBlockConfiguration is data).",
)

ACCOUNT_PUBLIC_ACCESS_BLOCK = TableSpec(
    name="s3_account_public_access_block", service="s3control", operation="GetPublicAccessBlock",
    scope="global", items="PublicAccessBlockConfiguration", paginate=False,
    params={"AccountId": THIS_ACCOUNT}, empty_on=("NoSuchPublicAccessBlockConfiguration",),
    columns=_PAB_COLUMNS,
    key=(),
    doc="The account-level S3 Block Public Access settings (s3control:GetPublicAccessBlock); no row when "
        "none is configured (NoSuchPublicAccessBlockConfiguration is data).",
    moto_gap="moto_server needs the account-id host prefix of s3control stripped (a before-send hook) "
             "because it does not resolve on loopback.",
)

BUCKET_ENCRYPTION = TableSpec(
    name="s3_bucket_encryption", service="s3", operation="GetBucketEncryption", scope="global",
    items="ServerSideEncryptionConfiguration.Rules", paginate=False, fan_out=_PER_BUCKET,
    empty_on=("ServerSideEncryptionConfigurationNotFoundError",),
    columns=(
        _BUCKET,
        Column("sse_algorithm", STRING, "ApplyServerSideEncryptionByDefault.SSEAlgorithm",
               "AES256, aws:kms or aws:kms:dsse."),
        Column("kms_master_key_id", STRING, "ApplyServerSideEncryptionByDefault.KMSMasterKeyID",
               "The KMS key for aws:kms."),
        Column("bucket_key_enabled", BOOL, "BucketKeyEnabled", "An S3 Bucket Key is used."),
    ),
    key=("bucket", "sse_algorithm"),
    doc="Default encryption rules of each bucket (s3:GetBucketEncryption per bucket). Since January 2023 "
        "every bucket has one; ServerSideEncryptionConfigurationNotFoundError (older buckets) is data.",
)

BUCKET_VERSIONING = TableSpec(
    name="s3_bucket_versioning", service="s3", operation="GetBucketVersioning", scope="global", items="",
    paginate=False, fan_out=_PER_BUCKET,
    columns=(
        _BUCKET,
        Column("status", STRING, "Status", "Enabled or Suspended; NULL when versioning was never enabled."),
        Column("mfa_delete", STRING, "MFADelete", "Enabled or Disabled; NULL when never configured."),
    ),
    key=("bucket",),
    doc="Versioning and MFA delete of each bucket (s3:GetBucketVersioning per bucket).",
)

BUCKET_LOGGING = TableSpec(
    name="s3_bucket_logging", service="s3", operation="GetBucketLogging", scope="global", items="",
    paginate=False, fan_out=_PER_BUCKET,
    columns=(
        _BUCKET,
        Column("target_bucket", STRING, "LoggingEnabled.TargetBucket",
               "Where server access logs go; NULL when access logging is off."),
        Column("target_prefix", STRING, "LoggingEnabled.TargetPrefix", "The log object key prefix."),
    ),
    key=("bucket",),
    doc="Server access logging of each bucket (s3:GetBucketLogging per bucket).",
)

TABLES = (BUCKETS, BUCKET_POLICIES, BUCKET_POLICY_STATEMENTS, BUCKET_PUBLIC_ACCESS_BLOCK,
          ACCOUNT_PUBLIC_ACCESS_BLOCK, BUCKET_ENCRYPTION, BUCKET_VERSIONING, BUCKET_LOGGING)
