"""`sounding verify`: is this snapshot intact?"""

from __future__ import annotations

from pathlib import Path

import click
from sounding.engine.commands.common import handles_errors, say
from sounding.engine.errors import InputError
from sounding.engine.remote import SNAPSHOT_PATH, SnapshotArg, local_snapshots, unlisted_objects


@click.command()
@click.argument("snapshot", type=SNAPSHOT_PATH)  # a directory or s3://bucket/prefix/NAME
@handles_errors
def verify(snapshot: SnapshotArg) -> None:
    """Check a snapshot's manifest, files, checksums and schemas; nothing else.

    \b
    Example:
      sounding verify snapshots/example
    """
    with local_snapshots([snapshot]) as (local,):  # s3://: a verified local copy (engine.remote)
        _verify(snapshot, local)


def _verify(snapshot: SnapshotArg, local: Path) -> None:
    """Verify one local snapshot directory; `snapshot` is how the user named it."""
    from sounding.engine.snapshot import open_snapshot

    snap = open_snapshot(local)
    listed = {snap.path / f["path"] for t in snap.tables.values() for f in t["files"]} | {snap.path / "manifest.json"}
    extra = sorted(p for p in snap.path.rglob("*") if (p.is_symlink() or not p.is_dir()) and p not in listed)
    if isinstance(snapshot, str):  # s3://: the objects under the prefix, not the local copy (engine.remote)
        extra = unlisted_objects(snapshot)
    if extra:
        raise InputError(extra[0], f"not listed in the manifest ({len(extra)} such file(s)): the snapshot was "
                                   "changed after collection")
    files = sum(len(t["files"]) for t in snap.tables.values())
    say(f"{snapshot}: OK ({len(snap.tables)} tables, {files} files, {len(snap.gaps)} gap(s))")
