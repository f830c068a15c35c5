"""Every kind of failed call is classified, never swallowed."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from botocore.parsers import ResponseParserError
from sounding.collector.gaps import classify


def client_error(code: str, status: int = 400, message: str = "msg") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


@pytest.mark.parametrize(("exc", "expected"), [
    (client_error("AccessDenied", 403), ("AccessDenied", "access_denied")),
    (client_error("AccessDeniedException", 400), ("AccessDeniedException", "access_denied")),
    (client_error("UnauthorizedOperation"), ("UnauthorizedOperation", "access_denied")),
    (client_error("ThrottlingException"), ("ThrottlingException", "throttled")),
    (client_error("RequestLimitExceeded", 503), ("RequestLimitExceeded", "throttled")),
    (client_error("InvalidAccessException"), ("InvalidAccessException", "not_enabled")),
    (client_error("AWSOrganizationsNotInUseException"), ("AWSOrganizationsNotInUseException", "not_enabled")),
    (client_error("UnrecognizedClientException"), ("UnrecognizedClientException", "region_disabled")),
    (client_error("404", 404), ("404", "not_implemented")),
    (client_error("SomethingOdd", 400), ("SomethingOdd", "other")),
    (client_error("Weird", 403), ("Weird", "access_denied")),
    (EndpointConnectionError(endpoint_url="https://x"), ("EndpointConnectionError", "unavailable")),
    (ReadTimeoutError(endpoint_url="https://x"), ("ReadTimeoutError", "network")),
    (ResponseParserError("html page"), ("ResponseParserError", "not_implemented")),
    (RuntimeError("boom"), ("RuntimeError", "other")),
])
def test_classify(exc: BaseException, expected: tuple[str, str]) -> None:
    code, kind, message = classify(exc)
    assert (code, kind) == expected
    assert "\n" not in message


def test_an_html_error_page_is_an_unimplemented_operation() -> None:
    exc = client_error("500", 500, "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>")
    assert classify(exc) == ("500", "not_implemented", "the endpoint answered HTTP 500 with an HTML page")


def test_messages_are_one_bounded_line() -> None:
    _code, _kind, message = classify(client_error("AccessDenied", 403, "a\nb " + "x" * 900))
    assert message.startswith("a b x") and len(message) == 500 and message.endswith("...")
