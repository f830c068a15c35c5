"""Turns a failed AWS call into a recorded gap, so that nothing is ever silently missing."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
    UnknownEndpointError,
)
from sounding.collector.contract import Gap
from sounding.collector.scrub import scrub

__all__ = ["Gap", "classify"]

ACCESS_DENIED = "access_denied"
NOT_ENABLED = "not_enabled"
REGION_DISABLED = "region_disabled"
UNAVAILABLE = "unavailable"
THROTTLED = "throttled"
NETWORK = "network"
NOT_IMPLEMENTED = "not_implemented"
OTHER = "other"

ERROR_KINDS = (ACCESS_DENIED, NOT_ENABLED, REGION_DISABLED, UNAVAILABLE, THROTTLED, NETWORK,
               NOT_IMPLEMENTED, OTHER)

_ACCESS_DENIED_CODES = {
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError",
    "AuthorizationErrorException", "Forbidden", "UnauthorizedException", "NotAuthorized",
    "AccessDeniedForDependencyException", "ExpiredToken", "ExpiredTokenException",
}
_NOT_ENABLED_CODES = {
    "AWSOrganizationsNotInUseException", "InvalidAccessException", "SubscriptionRequiredException",
    "OptInRequired", "NotSignedUp", "ServiceNotEnabledException", "AccountNotFoundException",
    "ResourceNotFoundException", "NoSuchEntity", "InsightNotEnabledException",
    "NoAvailableConfigurationRecorderException", "AccessDeniedForDependency",
}
_REGION_DISABLED_CODES = {"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"}
_THROTTLED_CODES = {
    "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "SlowDown", "RequestThrottled", "RequestThrottledException",
    "LimitExceededException", "PriorRequestNotComplete",
}


def classify(exc: BaseException) -> tuple[str, str, str]:
    """Return (error_code, error_kind, message) for any exception a boto3 call can raise; secrets scrubbed."""
    code, kind, message = _classify(exc)
    return _one_line(code)[:200], kind, _one_line(message)


def _classify(exc: BaseException) -> tuple[str, str, str]:
    """(error_code, error_kind, raw message) of an exception."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Unknown")
        message = str(error.get("Message") or exc)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if message.lstrip()[:15].lower() in {"<!doctype html>", "<html>"} or message.lstrip().startswith("<html"):
            # Not the service's protocol: an endpoint that does not implement the operation.
            return code, NOT_IMPLEMENTED, f"the endpoint answered HTTP {status or code} with an HTML page"
        return code, _kind_for_code(code, status), _one_line(message)
    if isinstance(exc, EndpointConnectionError | UnknownEndpointError):
        return type(exc).__name__, UNAVAILABLE, _one_line(str(exc))
    if isinstance(exc, ConnectTimeoutError | ReadTimeoutError | ConnectionClosedError):
        return type(exc).__name__, NETWORK, _one_line(str(exc))
    if isinstance(exc, NoCredentialsError):
        return type(exc).__name__, ACCESS_DENIED, _one_line(str(exc))
    if type(exc).__name__ == "ResponseParserError":
        # An answer that is not the service's protocol: an HTML error page, typically from
        # an endpoint that does not implement the operation.
        return "ResponseParserError", NOT_IMPLEMENTED, "the service answered with an unparseable response"
    if isinstance(exc, NotImplementedError):
        # What an in-process stand-in (moto's mock_aws) raises for an operation it does not implement.
        return "NotImplementedError", NOT_IMPLEMENTED, _one_line(str(exc))
    if isinstance(exc, BotoCoreError):
        return type(exc).__name__, OTHER, _one_line(str(exc))
    return type(exc).__name__, OTHER, _one_line(str(exc))


def _kind_for_code(code: str, status: int | None) -> str:
    """Map an AWS error code to the kind of gap it represents."""
    if code in _ACCESS_DENIED_CODES:
        return ACCESS_DENIED
    if code in _THROTTLED_CODES:
        return THROTTLED
    if code in _REGION_DISABLED_CODES:
        return REGION_DISABLED
    if code in _NOT_ENABLED_CODES:
        return NOT_ENABLED
    if status in (404, 501) or code in {"404", "501", "NotImplemented", "InternalFailure"}:
        return NOT_IMPLEMENTED
    if status == 403:
        return ACCESS_DENIED
    return OTHER


def _one_line(text: str) -> str:
    """Collapse a message to one line of bounded length, with every secret scrubbed first."""
    flat = " ".join(scrub(text).split())
    return flat if len(flat) <= 500 else flat[:497] + "..."
