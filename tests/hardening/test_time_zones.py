"""No output may change with the machine's time zone (issue 14.11): 'now' is the snapshot's UTC time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "snapshots" / "example"
# UTC, the zone furthest ahead (UTC+14), one with a half-hour offset and daylight saving (UTC-3:30/-2:30).
ZONES = ("UTC", "Pacific/Kiritimati", "America/St_Johns")


def sounding(args: list[str], zone: str) -> tuple[int, str, str]:
    """Run the CLI under one TZ; exit status, stdout, stderr."""
    done = subprocess.run([sys.executable, "-I", "-m", "sounding.engine.cli", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "TZ": zone})
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("args", [
    ["evaluate", str(EXAMPLE), "--format", "json", "-q", "--fail-on", "none", "--allow-errors"],
    ["evaluate", str(EXAMPLE), "--format", "markdown", "-q", "--fail-on", "none", "--allow-errors",
     "--section", "1", "--section", "8"],
    ["trend", str(EXAMPLE), str(EXAMPLE), "--format", "json", "-q", "--rule", "root_*"],
    ["verify", str(EXAMPLE)],
], ids=["evaluate-json", "evaluate-markdown", "trend", "verify"])
def test_output_is_the_same_in_every_time_zone(args: list[str]) -> None:
    outputs = {zone: sounding(args, zone) for zone in ZONES}
    assert outputs["UTC"][0] == 0, outputs["UTC"][2]
    assert len(set(outputs.values())) == 1, {zone: out[1][:200] for zone, out in outputs.items()}
