"""Rewrites the golden reports of the example snapshot: `python -m tests.snapshots.update_golden`."""

from __future__ import annotations

from pathlib import Path

from sounding.engine.evaluate import evaluate
from sounding.engine.report import FORMATS
from sounding.engine.rules import builtin_rules_dir, load_rules
from sounding.engine.snapshot import open_snapshot

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"


def main() -> None:
    """Render every format of the example snapshot into tests/snapshots/golden/."""
    evaluation = evaluate(open_snapshot(REPO / "snapshots" / "example"), load_rules([builtin_rules_dir()]))
    GOLDEN.mkdir(exist_ok=True)
    for name, render in sorted(FORMATS.items()):
        (GOLDEN / f"example.{name}").write_text(render(evaluation), encoding="utf-8")
        print(f"wrote {GOLDEN / f'example.{name}'}")


if __name__ == "__main__":
    main()
