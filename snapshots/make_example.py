"""Regenerates snapshots/example: seeds the example organization into a moto_server, runs the real collector.

Usage: python snapshots/make_example.py [--out snapshots/example]

The organization (tests/scenarios/example_org.py) has a management account and two members,
insecure in known ways; the snapshot is collected with `sounding collect --org` exactly as a user
would against AWS, through AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.scenarios.example_org import REGIONS, seed  # noqa: E402
from tests.scenarios.moto import MotoServer  # noqa: E402


def main() -> int:
    """Seed, collect, and report where the snapshot was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "snapshots" / "example")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID="AKIAEXAMPLEEXAMPLE00", AWS_SECRET_ACCESS_KEY="example-secret-not-real",
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    server = MotoServer()
    try:
        server.reset(seed=42)
        env["AWS_ENDPOINT_URL"] = server.url
        os.environ.update(env)
        org = seed()
        print(f"seeded organization: management {org.management}, prod {org.prod}, sandbox {org.sandbox}",
              file=sys.stderr)
        command = [sys.executable, "-I", "-m", "sounding.engine.cli", "collect", "--org", "--regions",
                   ",".join(REGIONS), "--out", str(args.out), "--force"]
        return subprocess.run(command, env=env, cwd=REPO, check=False).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
