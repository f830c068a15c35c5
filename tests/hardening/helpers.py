"""The real command line as a child process, a process's children, and a rule file written by code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SOUNDING = [sys.executable, "-I", "-m", "sounding.engine.cli"]


def sounding(*args: str, timeout: float = 300, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a child process with this test's environment."""
    return subprocess.run([*SOUNDING, *args], capture_output=True, text=True, env=dict(os.environ),
                          timeout=timeout, **kwargs)  # type: ignore[call-overload]


def child_pids(pid: int) -> list[int]:
    """Process ids whose parent is pid (live or zombie), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found
