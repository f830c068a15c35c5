"""A fault-injecting HTTP proxy on 127.0.0.1 in front of moto_server: throttling, denial, timeouts, resets.

boto3 reaches it through AWS_ENDPOINT_URL like any endpoint. Each request's service and region come
from its SigV4 credential scope, its operation from X-Amz-Target or the query Action. The first
matching Fault with budget left decides what happens; everything else is forwarded untouched.
Bounded: every fault ends (a delay or a hang sleeps at most `seconds`), and the server stops by
itself after `lifetime` seconds if stop() was never called.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

THROTTLE = "throttle"    # HTTP 400 ThrottlingException (Throttling for query APIs), in the service's protocol
SLOW_DOWN = "slow_down"  # HTTP 503 SlowDown
DENY = "deny"            # HTTP 403 AccessDenied(Exception)
HANG = "hang"            # no answer for `seconds`, then the connection is closed: a read timeout
RESET = "reset"          # the TCP connection is reset (RST) without an answer
DELAY = "delay"          # forwarded after `seconds`: a slow but healthy endpoint
ACTIONS = (THROTTLE, SLOW_DOWN, DENY, HANG, RESET, DELAY)

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


@dataclass
class Fault:
    """What to do to matching requests, how many times (None: always)."""

    action: str
    service: str | None = None
    region: str | None = None
    operation: str | None = None
    body_contains: str | None = None
    times: int | None = None
    seconds: float = 3.0
    applied: int = 0

    def matches(self, service: str, region: str, operation: str, body: bytes) -> bool:
        """Whether this fault applies to a request and still has budget."""
        if self.times is not None and self.applied >= self.times:
            return False
        return ((self.service is None or self.service == service)
                and (self.region is None or self.region == region)
                and (self.operation is None or self.operation == operation)
                and (self.body_contains is None or self.body_contains.encode() in body))


@dataclass
class Seen:
    """One request as the proxy saw it, and the fault applied to it (if any)."""

    service: str
    region: str
    operation: str
    action: str | None
    response: bytes = field(default=b"", repr=False)


def request_facts(headers: http.client.HTTPMessage, path: str, body: bytes) -> tuple[str, str, str]:
    """(service, region, operation) of a signed AWS request."""
    match = _SCOPE.search(headers.get("Authorization", ""))
    region, service = (match.group(1), match.group(2)) if match else ("", "")
    target = headers.get("X-Amz-Target", "")
    if target:
        return service, region, target.rsplit(".", 1)[-1]
    action = parse_qs(body.decode("utf-8", "replace")).get("Action") or parse_qs(urlsplit(path).query).get("Action")
    return service, region, action[0] if action else urlsplit(path).path


def error_response(service: str, headers: http.client.HTTPMessage, status: int, code: str,
                   message: str) -> tuple[dict[str, str], bytes]:
    """An error in the protocol the request used (JSON, rest-JSON, EC2 query, query XML)."""
    if headers.get("X-Amz-Target"):
        body = json.dumps({"__type": code, "message": message}).encode()
        return {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}, body
    if "x-www-form-urlencoded" not in headers.get("Content-Type", ""):
        body = json.dumps({"code": code, "message": message}).encode()
        return {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body
    if service == "ec2":
        xml = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
               "<RequestID>fault-proxy</RequestID></Response>")
    else:
        xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
               "</Error><RequestId>fault-proxy</RequestId></ErrorResponse>")
    return {"Content-Type": "text/xml"}, xml.encode()


class FaultProxy:
    """Forwards to `upstream` (http://127.0.0.1:PORT), applying faults; url is what AWS_ENDPOINT_URL gets."""

    def __init__(self, upstream: str, faults: list[Fault] | None = None, *, lifetime: float = 600,
                 record: tuple[str, ...] = ()) -> None:
        self.upstream = urlsplit(upstream)
        self.faults = list(faults or [])
        self.record = set(record)  # operations whose upstream answers are kept in `seen`
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.handle_error = lambda *_: None  # a client that gave up (timeout, reset) is expected here
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()

    def applied(self, action: str) -> int:
        """How many requests got this kind of fault."""
        with self.lock:
            return sum(1 for s in self.seen if s.action == action)

    def requests(self) -> int:
        """How many requests arrived."""
        with self.lock:
            return len(self.seen)

    def choose(self, service: str, region: str, operation: str, body: bytes) -> Fault | None:
        """The first matching fault with budget left, counted as applied."""
        with self.lock:
            for fault in self.faults:
                if fault.matches(service, region, operation, body):
                    fault.applied += 1
                    return fault
        return None

    def stop(self) -> None:
        """Stop serving; idempotent."""
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                return

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                service, region, operation = request_facts(self.headers, self.path, body)
                fault = proxy.choose(service, region, operation, body)
                seen = Seen(service, region, operation, fault.action if fault else None)
                with proxy.lock:
                    proxy.seen.append(seen)
                if fault is None or fault.action == DELAY:
                    if fault is not None:
                        time.sleep(fault.seconds)
                    self._forward(body, seen)
                elif fault.action == HANG:
                    time.sleep(fault.seconds)
                    self.close_connection = True
                elif fault.action == RESET:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                else:
                    status, code = {THROTTLE: (400, "ThrottlingException"), SLOW_DOWN: (503, "SlowDown"),
                                    DENY: (403, "AccessDenied")}[fault.action]
                    if fault.action == THROTTLE and "x-www-form-urlencoded" in self.headers.get("Content-Type", ""):
                        code = "Throttling"
                    if fault.action == DENY and self.headers.get("X-Amz-Target"):
                        code = "AccessDeniedException"
                    headers, payload = error_response(service, self.headers, status, code,
                                                      f"injected {fault.action} for {service}:{operation}")
                    self._reply(status, headers, payload)

            def _forward(self, body: bytes, seen: Seen) -> None:
                connection = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=120)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                    connection.request(self.command, self.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    payload = answer.read()
                    out = {k: v for k, v in answer.getheaders()
                           if k.lower() not in ("transfer-encoding", "connection", "content-length", "server",
                                                "date")}
                finally:
                    connection.close()
                if seen.operation in proxy.record:
                    seen.response = payload
                self._reply(answer.status, out, payload)

            def _reply(self, status: int, headers: dict[str, str], payload: bytes) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _any

        return Handler
