"""A real moto_server process on 127.0.0.1, reached only through AWS_ENDPOINT_URL like real AWS."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """Starts moto_server on a free loopback port; stop() ends it."""

    def __init__(self, *, start_timeout: float = 60, managed_policies: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Loading the ~1,580 AWS managed policies costs about 10 s per account after every reset;
        # scenarios that attach AWS managed policies ask for them.
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES=str(managed_policies).lower(),
                   MOTO_EC2_LOAD_DEFAULT_AMIS="false")
        # The moto_server installed beside this interpreter, by its path; PATH only when there is none.
        beside = Path(sys.executable).with_name("moto_server")
        executable = str(beside) if beside.is_file() else shutil.which("moto_server") or str(beside)
        self.process = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(self.port)], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto_server did not start on {self.url}")

    def post(self, path: str) -> None:
        """POST to the moto control API."""
        urllib.request.urlopen(urllib.request.Request(f"{self.url}{path}", method="POST"), timeout=30).read()

    def reset(self, seed: int = 42) -> None:
        """Empty the server and make generated ids (account ids, resource ids) deterministic."""
        self.post("/moto-api/reset")
        self.post(f"/moto-api/seed?a={seed}")

    def stop(self) -> None:
        """Stop the server process."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
