"""No credential, token or signature survives into a stored or printed message."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from sounding.collector.gaps import classify
from sounding.collector.scrub import REDACTED, scrub

KEY_ID = "ASIAQWERTYUIOPASDFGH"
LONG_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = ("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD6m3Hq0nXw+abcdefGHIJKLmnopQRSTUV"
         "wxyz0123456789ABCDEFghijklMNOPqrstuvWXYZ==")
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

# AWS's SignatureDoesNotMatch answer quotes the canonical request it expected
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html).
SIGNATURE_DOES_NOT_MATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "The Canonical String for this request should have been\n'POST\n/\n\n"
    "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:sts.amazonaws.com\n"
    f"x-amz-date:20260301T120000Z\nx-amz-security-token:{TOKEN}\n\n"
    "content-type;host;x-amz-date;x-amz-security-token\n"
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n"
    "The String-to-Sign should have been 'AWS4-HMAC-SHA256\n20260301T120000Z\n"
    "20260301/us-east-1/sts/aws4_request\n9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d'"
)


@pytest.mark.parametrize(("text", "secrets"), [
    (SIGNATURE_DOES_NOT_MATCH, [TOKEN]),
    (f"https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={KEY_ID}%2F20260301"
     f"%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token={TOKEN}&X-Amz-Signature={SIGNATURE}",
     [KEY_ID, TOKEN, SIGNATURE]),
    (f"Authorization: AWS4-HMAC-SHA256 Credential={KEY_ID}/20260301/us-east-1/iam/aws4_request, "
     f"SignedHeaders=host;x-amz-date, Signature={SIGNATURE}", [KEY_ID, SIGNATURE]),
    (f"<Credentials><AccessKeyId>{KEY_ID}</AccessKeyId><SecretAccessKey>{SECRET}</SecretAccessKey>"
     f"<SessionToken>{TOKEN}</SessionToken></Credentials>", [KEY_ID, SECRET, TOKEN]),
    (f'{{"SecretAccessKey": "{SECRET}", "SessionToken": "{TOKEN}"}}', [SECRET, TOKEN]),
    (f"aws_secret_access_key = {SECRET}", [SECRET]),
    (f"The security token included in the request is invalid: {LONG_KEY_ID}", [LONG_KEY_ID]),
    (f"unexpected value {SECRET} in the answer", [SECRET]),
    (f"token {TOKEN} expired", [TOKEN]),
    ("proxy https://alice:hunter2secret@proxy.example.com:8080 refused", ["hunter2secret"]),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcDEF123", ["eyJhbGciOiJIUzI1NiJ9"]),
], ids=["signature_does_not_match_canonical_request", "presigned_url", "authorization_header",
        "sts_xml_answer", "json_answer", "config_line", "akia_key_id", "bare_secret_key", "bare_session_token",
        "url_password", "bearer_token"])
def test_secrets_are_redacted(text: str, secrets: list[str]) -> None:
    scrubbed = scrub(text)
    assert REDACTED in scrubbed
    for secret in secrets:
        assert secret not in scrubbed


@pytest.mark.parametrize("text", [
    "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:ListUsers",
    "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 differs",
    "Could not connect to the endpoint URL: \"https://ec2.eu-west-1.amazonaws.com/\"",
    "The AWS Access Key Id you provided does not exist in our records.",
    "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "/srv/audit/Snapshots/Production/Accounts2026/manifest.json: checksum mismatch",
    "GetAccountAuthorizationDetailsResponseMetadata2026 failed",
])
def test_ordinary_messages_are_unchanged(text: str) -> None:
    assert scrub(text) == text


def test_the_callers_own_secret_is_redacted_in_any_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
    assert scrub("echoed testing-secret back") == f"echoed {REDACTED} back"


def test_gap_messages_are_scrubbed() -> None:
    exc = ClientError({"Error": {"Code": "SignatureDoesNotMatch", "Message": SIGNATURE_DOES_NOT_MATCH},
                       "ResponseMetadata": {"HTTPStatusCode": 403}}, "GetCallerIdentity")
    code, kind, message = classify(exc)
    assert (code, kind) == ("SignatureDoesNotMatch", "access_denied")
    assert TOKEN not in message and "x-amz-security-token:REDACTED" in message
    assert "\n" not in message


def test_exception_text_of_any_kind_is_scrubbed() -> None:
    code, kind, message = classify(RuntimeError(f"boom with {LONG_KEY_ID} and {SECRET}"))
    assert (code, kind, message) == ("RuntimeError", "other", f"boom with {REDACTED} and {REDACTED}")
