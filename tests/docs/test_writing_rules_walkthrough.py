"""docs/writing-rules.md works as written: its console commands run verbatim, in order, and print what it shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "writing-rules.md"
_CONSOLE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass
class Step:
    """One shell command of the walkthrough and the output lines it is shown printing."""

    command: str
    shown: list[str]


def steps(markdown: str) -> list[Step]:
    """`$ ` starts a command, `> ` continues it, other lines are its output ('...' skips)."""
    found: list[Step] = []
    for block in _CONSOLE.findall(markdown):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append(Step(line[2:], []))
            elif line.startswith(">") and found:
                found[-1].command += "\n" + line[2:]
            elif line.strip() and line.strip() != "..." and found:
                found[-1].shown.append(line)
    return found


def _flat(text: str) -> str:
    """Whitespace collapsed, so column padding in tables does not matter."""
    return " ".join(text.split())


def test_the_walkthrough_has_commands() -> None:
    """The page is parsed as intended: scaffold, lint, test, evaluate are all there."""
    commands = [s.command for s in steps(DOC.read_text(encoding="utf-8"))]
    for start in ("sounding rules new", "sounding rules lint", "sounding rules test", "sounding evaluate"):
        assert any(c.startswith(start) for c in commands), start


def test_walkthrough_runs_verbatim(tmp_path: Path) -> None:
    """Each command succeeds in a fresh directory and prints every output line the page shows."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for step in steps(DOC.read_text(encoding="utf-8")):
        done = subprocess.run(["bash", "-c", step.command], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"{step.command}\nexit {done.returncode}\n{output}"
        lines = [_flat(line) for line in output.splitlines()]
        for shown in step.shown:
            assert _flat(shown) in lines, f"{step.command}\nshown: {shown}\nactual:\n{output}"
