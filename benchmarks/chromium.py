"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): no websocket, no port."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--remote-debugging-pipe")


def chromium_binary() -> str | None:
    """The Chromium executable on PATH (Debian's `chromium` package), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _onto_3_and_4(commands: int, replies: int) -> None:
    """In the child: the command pipe as fd 3 and the reply pipe as fd 4, whatever numbers they had."""
    commands, replies = os.dup(commands), os.dup(replies)
    os.dup2(commands, 3)
    os.dup2(replies, 4)


class Chromium:
    """One headless Chromium process with a fresh profile; commands and replies as NUL-terminated JSON."""

    def __init__(self, binary: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="sounding-chromium-")
        to_child_read, self._write = os.pipe()
        self._read, from_child_write = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4.
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: _onto_3_and_4(to_child_read, from_child_write))
        os.close(to_child_read)
        os.close(from_child_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self) -> dict[str, Any]:
        """The next message from Chromium."""
        while b"\0" not in self._buffer:
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command and wait for its reply (events meanwhile are kept in self.events)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def open(self, path: Path) -> str:
        """Open a file in a new tab; the session id to talk to it."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=session)
        self.call("Performance.enable", session=session)
        self.call("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        return session

    def evaluate(self, session: str, expression: str, timeout: float = 120) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True, "timeout": timeout * 1000}, session=session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page error: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, session: str, expression: str, timeout: float = 120) -> float:
        """Poll until the expression is truthy; the seconds it took."""
        started = time.monotonic()
        while not self.evaluate(session, expression):
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"waited {timeout} s for {expression}")
            time.sleep(0.02)
        return time.monotonic() - started

    def metrics(self, session: str) -> dict[str, float]:
        """Chromium's performance metrics of the page (JSHeapUsedSize and so on)."""
        return {m["name"]: m["value"] for m in self.call("Performance.getMetrics", session=session)["metrics"]}

    def renderer_rss_mib(self) -> float:
        """The resident memory of this Chromium's largest renderer process (the page's tab), from /proc."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
        largest, todo = 0, [self.process.pid]
        while todo:
            pid = todo.pop()
            todo.extend(children.get(pid, []))
            try:
                if b"--type=renderer" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            largest = max(largest, rss)
        return round(largest / 1024, 1)

    def close(self) -> None:
        """Stop this Chromium (by its own PID) and remove its profile."""
        with contextlib.suppress(RuntimeError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._read, self._write):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
