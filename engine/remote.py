"""s3:// snapshot arguments: copied into a private local cache, then opened and verified as any snapshot.

Rules still run in the sandbox with no network: only this module, in the parent, before evaluation,
reads S3 (through the normal boto3 credential chain, AWS_ENDPOINT_URL included). The cache is a new
0700 directory removed when the command ends; the copy keeps the snapshot's name (trend shows it).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sounding.engine.errors import InputError

SCHEME = "s3://"

SnapshotArg = Path | str  # a local directory, or an s3://bucket/prefix/NAME string
T = TypeVar("T")


class SnapshotPathType(click.ParamType):
    """A snapshot argument: a local path (as click.Path would give it) or an s3:// location kept as text."""

    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> SnapshotArg:
        """s3:// text stays text (a Path would fold its '//'); anything else becomes a Path."""
        if isinstance(value, str) and value.startswith(SCHEME):
            return value
        return Path(value)


SNAPSHOT_PATH = SnapshotPathType()


class RemoteCache:
    """A private directory holding local copies of s3:// snapshots, and where each copy came from."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.sources: dict[str, str] = {}

    def fetch(self, arguments: Sequence[SnapshotArg], *, expand: bool = False) -> list[Path]:
        """Local paths for the arguments, downloading the s3:// ones; S3 problems as one-line InputErrors."""
        if not any(isinstance(a, str) for a in arguments):
            return [Path(a) for a in arguments]
        from sounding.collector.s3store import S3StoreError

        self.root = self.root or Path(tempfile.mkdtemp(prefix="sounding-s3-cache-"))
        try:
            return _fetch_all(arguments, self.root, self.sources, expand=expand)
        except S3StoreError as exc:
            raise InputError(*_split(str(exc))) from None

    def renamed(self, exc: InputError) -> InputError:
        """The same error with cache paths replaced by the s3:// locations they were copied from."""
        path, problem = exc.path, exc.problem
        for local, remote in self.sources.items():
            path, problem = path.replace(local, remote), problem.replace(local, remote)
        return InputError(path, problem)

    def close(self) -> None:
        """Remove the copies (idempotent)."""
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None


@contextmanager
def local_snapshots(arguments: Sequence[SnapshotArg], *, expand: bool = False) -> Iterator[list[Path]]:
    """Local paths for snapshot arguments: s3:// ones downloaded into a private cache for the block's duration.

    With `expand`, one s3:// prefix that is not itself a snapshot stands for the snapshots directly under it
    (as `trend DIR` does for a local directory). Errors in the block name the s3:// location, not the cache.
    """
    cache = RemoteCache()
    try:
        paths = cache.fetch(arguments, expand=expand)
        try:
            yield paths
        except InputError as exc:
            raise cache.renamed(exc) from None
    finally:
        cache.close()


def open_local(arguments: Sequence[SnapshotArg], opener: Callable[[list[Path]], T], *, expand: bool = False) -> T:
    """`opener` over local copies of the arguments; the copies live until the running command ends.

    For commands that keep reading the snapshot after opening it (evaluate, diff, trend): the cache is
    removed when the click context closes (normal end, error or exit), or at interpreter exit outside click.
    """
    cache = RemoteCache()
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(cache.close)
    else:
        atexit.register(cache.close)
    try:
        return opener(cache.fetch(arguments, expand=expand))
    except InputError as exc:
        cache.close()
        raise cache.renamed(exc) from None
    except BaseException:
        cache.close()
        raise


def _fetch_all(arguments: Sequence[SnapshotArg], cache: Path, sources: dict[str, str], *,
               expand: bool) -> list[Path]:
    """Download every s3:// argument (expanded when asked) into numbered cache folders."""
    from sounding.collector.s3store import (
        MANIFEST,
        S3StoreError,
        S3Url,
        child_prefixes,
        download_snapshot,
        exists,
        s3_client,
    )

    client = s3_client()
    paths: list[Path] = []
    for argument in arguments:
        if not isinstance(argument, str):
            paths.append(Path(argument))
            continue
        url = S3Url.parse(argument)
        urls = [url]
        if expand and len(arguments) == 1 and not exists(client, url.child(MANIFEST)):
            urls = [u for u in child_prefixes(client, url) if exists(client, u.child(MANIFEST))]
            if not urls:
                raise S3StoreError(f"{url}: holds no snapshot (no prefix with a manifest.json)")
        for one in urls:
            slot = cache / str(len(paths))
            slot.mkdir(mode=0o700)
            local = download_snapshot(client, one, slot / one.name)
            sources[str(local)] = str(one)
            paths.append(local)
    return paths


def _split(message: str) -> tuple[str, str]:
    """An S3StoreError's 'location: problem' as InputError's two parts."""
    where, _, problem = message.partition(": ")
    return where, problem or message


def unlisted_objects(location: str) -> list[str]:
    """The s3:// objects under a snapshot's prefix that its manifest does not list (verify reports them)."""
    from sounding.collector.s3store import (
        MANIFEST,
        S3StoreError,
        S3Url,
        list_keys,
        listed_files,
        manifest_of,
        s3_client,
    )

    try:
        url = S3Url.parse(location)
        client = s3_client()
        manifest = manifest_of(client, url)
        listed = {url.child(rel).key for rel in listed_files(manifest or {"tables": {}})} | {url.child(MANIFEST).key}
        return [f"s3://{url.bucket}/{key}" for key in sorted(set(list_keys(client, url)) - listed)]
    except S3StoreError as exc:
        raise InputError(*_split(str(exc))) from None
