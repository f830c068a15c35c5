"""A tiny HTTP proxy on 127.0.0.1 that forwards every request to moto_server and counts them by service.

Both tools reach AWS through AWS_ENDPOINT_URL pointed here, so their API calls are counted the
same way: one forwarded HTTP request is one API call (retries included).
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

_SCOPE = re.compile(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/")
_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade", "te", "trailer"}


class CountingProxy:
    """Forwards to `target` (http://host:port) after `latency` seconds; counts requests per (service, region)."""

    def __init__(self, target: str, *, latency: float = 0.0) -> None:
        parsed = urlparse(target)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.counts: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                return

            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                scope = _SCOPE.search(self.headers.get("Authorization", ""))
                key = (scope.group(2), scope.group(1)) if scope else ("unsigned", "")
                with proxy.lock:
                    proxy.counts[key] += 1
                time.sleep(latency)  # an injected round-trip time, as a real endpoint's (0: none)
                upstream = http.client.HTTPConnection(proxy.host, proxy.port, timeout=300)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    self.send_response(answer.status, answer.reason)
                    for name, value in answer.getheaders():
                        if name.lower() not in _HOP and name.lower() != "content-length":
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    upstream.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def take(self) -> Counter[tuple[str, str]]:
        """The counts so far, and start counting afresh."""
        with self.lock:
            counts, self.counts = self.counts, Counter()
        return counts

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
