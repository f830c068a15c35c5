"""The real command line as a child process, and a rule file written by code."""

from __future__ import annotations

import os
import subprocess
import sys

SOUNDING = [sys.executable, "-I", "-m", "sounding.engine.cli"]


def sounding(*args: str, timeout: float = 300, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process with this test's environment."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, env=dict(os.environ),
                          timeout=timeout, **kwargs)  # type: ignore[call-overload]
