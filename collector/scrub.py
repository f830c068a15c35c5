"""The one scrubber: credentials, tokens and signatures never reach a stored or printed message.

AWS error answers can quote what was sent: `SignatureDoesNotMatch` returns the canonical request
(with the `x-amz-security-token` header and the `Credential=` scope), a presigned URL carries
`X-Amz-Signature` and `X-Amz-Security-Token`, an STS answer carries `SecretAccessKey` and
`SessionToken`. Every message Sounding keeps (a gap) or prints (an error line) passes through
`scrub` first; what looks like a secret is replaced by `REDACTED`.
"""

from __future__ import annotations

import os
import re

REDACTED = "REDACTED"

# Names whose value is a secret, however it is written: `name=value`, `name: value`,
# `"name": "value"`, `<Name>value</Name>`. Matched case-insensitively, `-`/`_` alike.
_SECRET_NAMES = (
    r"x[-_]amz[-_]security[-_]token", r"x[-_]amz[-_]signature", r"x[-_]amz[-_]credential",
    r"aws[-_]secret[-_]access[-_]key", r"aws[-_]session[-_]token", r"aws[-_]security[-_]token",
    r"secret[-_]?access[-_]?key", r"session[-_]?token", r"security[-_]?token", r"secret[-_]?key",
    r"signature", r"credential", r"password", r"passwd", r"client[-_]?secret", r"access[-_]?token",
    r"refresh[-_]?token", r"id[-_]?token", r"x[-_]amz[-_]date[-_]token",
)
_NAME = "(?:" + "|".join(_SECRET_NAMES) + ")"
# <SecretAccessKey>…</SecretAccessKey> (STS and IAM XML answers).
_XML = re.compile(rf"(<({_NAME})>)[^<]*(</\2>)", re.IGNORECASE)
# "SessionToken": "…" (JSON answers, Python reprs).
_QUOTED = re.compile(rf"""(["']{_NAME}["']\s*[:=]\s*["'])[^"']*(["'])""", re.IGNORECASE)
# name=value / name: value (query strings, headers, Authorization, canonical requests, config lines).
_ASSIGNED = re.compile(rf"""(\b{_NAME}\s*[=:]\s*)[^\s,;&"'<>]+""", re.IGNORECASE)
# Authorization: Bearer/Basic …
_AUTHORIZATION = re.compile(r"(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
# user:password@ in a URL.
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(@)", re.IGNORECASE)
# Access key ids: AKIA (long-term), ASIA (temporary) and the other documented unique-id prefixes
# that identify credentials (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b")
# A secret access key is 40 characters of base64; session tokens are hundreds. A run of base64
# characters that long, mixing upper case, lower case and digits, is treated as a secret.
_LONG_BASE64 = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40,}={0,2}(?![A-Za-z0-9/+=])")
_HEX_OR_SIMPLE = re.compile(r"[0-9a-f]+|[0-9A-F]+|[A-Za-z]+|[a-z0-9-]+|[A-Z0-9-]+")

_ENV_SECRETS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


def scrub(text: str) -> str:
    """The text with every credential, token and signature replaced by REDACTED."""
    if not text:
        return text
    for name in _ENV_SECRETS:  # the caller's own secrets, whatever form they take
        value = os.environ.get(name, "")
        if len(value) >= 8:
            text = text.replace(value, REDACTED)
    text = _XML.sub(rf"\g<1>{REDACTED}\g<3>", text)
    text = _QUOTED.sub(rf"\g<1>{REDACTED}\g<2>", text)
    text = _ASSIGNED.sub(rf"\g<1>{REDACTED}", text)
    text = _AUTHORIZATION.sub(rf"\g<1>{REDACTED}", text)
    text = _URL_PASSWORD.sub(rf"\g<1>{REDACTED}\g<2>", text)
    text = _KEY_ID.sub(REDACTED, text)
    return _LONG_BASE64.sub(_redact_if_secret, text)


def _redact_if_secret(match: re.Match[str]) -> str:
    """A long base64 run is a secret when it looks random: upper and lower case in like measure, and digits.

    Random base64 is about as much upper as lower case; paths and CamelCase names
    (`/srv/Snapshots/Production2026/manifest`, `GetAccountAuthorizationDetails`) are mostly lower case,
    hex digests have one case only.
    """
    value = match.group(0)
    if _HEX_OR_SIMPLE.fullmatch(value):
        return value
    upper = sum(c.isupper() for c in value)
    lower = sum(c.islower() for c in value)
    other = len(value) - upper - lower
    letters = upper + lower
    looks_random = other > 0 and letters > 0 and 0.25 <= upper / letters <= 0.75
    return REDACTED if looks_random else value
