"""`sounding verify`: is this snapshot intact?"""

from __future__ import annotations

from pathlib import Path

import click

from engine.commands.common import handles_errors, say


@click.command()
@click.argument("snapshot", type=click.Path(path_type=Path))
@handles_errors
def verify(snapshot: Path) -> None:
    """Check a snapshot's manifest, files, checksums and schemas; nothing else.

    \b
    Example:
      sounding verify snapshots/example
    """
    from engine.snapshot import open_snapshot

    snap = open_snapshot(snapshot)
    files = sum(len(t["files"]) for t in snap.tables.values())
    say(f"{snapshot}: OK ({len(snap.tables)} tables, {files} files, {len(snap.gaps)} gap(s))")
