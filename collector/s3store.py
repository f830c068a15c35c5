"""Snapshots in S3: a prefix holding a snapshot's files, committed by writing its manifest.json last.

A prefix is a snapshot only when its manifest.json object exists and carries the format marker; the
table files are uploaded first, so a reader never sees a manifest whose files are missing. An existing
prefix is replaced only under --force and only when it is a Sounding snapshot: its manifest is
deleted first (the old snapshot stops being one), the new files go up, the new manifest is written,
and only then are the old snapshot's files that the new one does not list removed. Objects Sounding
did not list in a manifest are never deleted. Credentials and endpoint come from the normal boto3
chain (AWS_ENDPOINT_URL included).
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from sounding.collector.contract import MANIFEST, ContractError, read_manifest
from sounding.collector.publish import FORMAT_MARKER, MAX_MANIFEST_BYTES

SCHEME = "s3://"
DOWNLOAD_THREADS = 8  # a format-1 snapshot is one file per table and account: fetch several at once
ABSENT, SNAPSHOT, OTHER = "absent", "snapshot", "other"


class S3StoreError(Exception):
    """An S3 location cannot be read or written as a snapshot; the message names the location."""


@dataclass(frozen=True)
class S3Url:
    """An s3://bucket/key location; `key` has no leading or trailing slash."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, text: str) -> S3Url:
        """s3://bucket/prefix/NAME as bucket and key; a location without a key is refused."""
        if not text.startswith(SCHEME):
            raise S3StoreError(f"{text}: not an s3:// location")
        bucket, _, key = text[len(SCHEME):].partition("/")
        key = key.strip("/")
        if not bucket or not key:
            raise S3StoreError(f"{text}: name a bucket and a prefix (s3://bucket/prefix/NAME)")
        if any(part in ("", ".", "..") for part in key.split("/")):
            raise S3StoreError(f"{text}: empty, '.' or '..' path parts are not allowed")
        return cls(bucket, key)

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.key}"

    @property
    def name(self) -> str:
        """The last part of the key: the snapshot's name."""
        return self.key.rsplit("/", 1)[-1]

    def child(self, rel: str) -> S3Url:
        """The location of a file or prefix inside this one."""
        return S3Url(self.bucket, f"{self.key}/{rel.strip('/')}")

    def sibling(self, name: str) -> S3Url:
        """A location next to this one (same parent prefix)."""
        parent = posixpath.dirname(self.key)
        return S3Url(self.bucket, f"{parent}/{name}" if parent else name)


def is_s3(value: str | os.PathLike[str]) -> bool:
    """Whether a command-line value names an S3 location (an s3:// string)."""
    return isinstance(value, str) and value.startswith(SCHEME)


def s3_client(profile: str | None = None) -> Any:
    """An S3 client from the normal boto3 chain (or --profile); AWS_ENDPOINT_URL is honoured by boto3."""
    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return session.client("s3")


def _error(url: S3Url | str, action: str, exc: Exception) -> S3StoreError:
    """One line naming the location, the action and the S3 error code."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        detail = f"{error.get('Code', 'error')}: {error.get('Message', '')}".rstrip(": ")
    else:
        detail = str(exc)
    return S3StoreError(f"{url}: cannot {action} ({detail})")


def put_bytes(client: Any, url: S3Url, data: bytes, *, if_absent: bool = False) -> None:
    """Write one object; with if_absent, S3 refuses it (PreconditionFailed) when the key exists."""
    extra = {"IfNoneMatch": "*"} if if_absent else {}
    try:
        client.put_object(Bucket=url.bucket, Key=url.key, Body=data, **extra)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "ConditionalRequestConflict"):
            raise S3StoreError(f"{url}: was created by someone else during the collection") from None
        raise _error(url, "write", exc) from None
    except BotoCoreError as exc:
        raise _error(url, "write", exc) from None


def get_bytes(client: Any, url: S3Url, *, limit: int | None = None) -> bytes | None:
    """The object's bytes, or None when it does not exist; refuses one larger than `limit`."""
    try:
        answer = client.get_object(Bucket=url.bucket, Key=url.key)
    except ClientError as exc:
        if _not_found(exc):
            return None
        raise _error(url, "read", exc) from None
    except BotoCoreError as exc:
        raise _error(url, "read", exc) from None
    body = answer["Body"]
    if limit is not None and int(answer.get("ContentLength") or 0) > limit:
        body.close()
        raise S3StoreError(f"{url}: larger than {limit} bytes")
    try:
        return body.read()
    except BotoCoreError as exc:
        raise _error(url, "read", exc) from None


def download_file(client: Any, url: S3Url, target: Path) -> None:
    """Stream one object to a new private local file."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            client.download_fileobj(url.bucket, url.key, fh)
    except ClientError as exc:
        raise _error(url, "read", exc) from None
    except BotoCoreError as exc:
        raise _error(url, "read", exc) from None


def list_keys(client: Any, prefix: S3Url) -> Iterator[str]:
    """Every key under a prefix (the prefix followed by '/')."""
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=prefix.bucket, Prefix=prefix.key + "/"):
            for item in page.get("Contents", []):
                yield str(item["Key"])
    except (BotoCoreError, ClientError) as exc:
        raise _error(prefix, "list", exc) from None


def child_prefixes(client: Any, prefix: S3Url) -> list[S3Url]:
    """The prefixes directly under a prefix (one level, as a directory listing)."""
    found = []
    try:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=prefix.bucket, Prefix=prefix.key + "/",
                                                                 Delimiter="/")
        for page in pages:
            found.extend(S3Url(prefix.bucket, str(p["Prefix"]).rstrip("/")) for p in page.get("CommonPrefixes", []))
    except (BotoCoreError, ClientError) as exc:
        raise _error(prefix, "list", exc) from None
    return sorted(found, key=lambda u: u.key)


def delete_keys(client: Any, bucket: str, keys: list[str]) -> None:
    """Delete objects, 1,000 per request (DeleteObjects' limit)."""
    for start in range(0, len(keys), 1000):
        batch = [{"Key": k} for k in keys[start:start + 1000]]
        try:
            answer = client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        except (BotoCoreError, ClientError) as exc:
            raise _error(f"{SCHEME}{bucket}", "delete objects", exc) from None
        if answer.get("Errors"):
            first = answer["Errors"][0]
            raise S3StoreError(f"{SCHEME}{bucket}/{first.get('Key')}: cannot delete ({first.get('Code')})")


def manifest_of(client: Any, url: S3Url) -> dict[str, Any] | None:
    """The checked manifest at a prefix, None when there is none; S3StoreError when it is not a valid one."""
    data = get_bytes(client, url.child(MANIFEST), limit=MAX_MANIFEST_BYTES)
    return None if data is None else _checked(url, data)


def _checked(url: S3Url, data: bytes) -> dict[str, Any]:
    """A manifest object's bytes as a checked manifest, or S3StoreError naming it."""
    try:
        return read_manifest(data.decode("utf-8"))
    except (ContractError, UnicodeDecodeError, ValueError) as exc:
        raise S3StoreError(f"{url.child(MANIFEST)}: not a valid Sounding manifest ({exc})") from None


def _not_found(exc: ClientError) -> bool:
    """Whether S3 said the object is not there (GetObject: NoSuchKey; HeadObject: 404 / NotFound)."""
    return exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound")


def exists(client: Any, url: S3Url) -> bool:
    """Whether an object exists (HeadObject; a 404 is False)."""
    try:
        client.head_object(Bucket=url.bucket, Key=url.key)
    except ClientError as exc:
        if _not_found(exc):
            return False
        raise _error(url, "read", exc) from None
    except BotoCoreError as exc:
        raise _error(url, "read", exc) from None
    return True


def state_of(client: Any, url: S3Url) -> str:
    """ABSENT (no object under the prefix), SNAPSHOT (a manifest with the format marker) or OTHER."""
    data = get_bytes(client, url.child(MANIFEST), limit=MAX_MANIFEST_BYTES)
    if data is not None:
        try:
            marker = json.loads(data).get("format")
        except (ValueError, AttributeError, RecursionError):
            marker = None
        return SNAPSHOT if marker == FORMAT_MARKER else OTHER
    return OTHER if next(list_keys(client, url), None) is not None else ABSENT


def check_s3_out(client: Any, url: S3Url, replace: bool) -> None:
    """Fail now, before any collection call, if the end of the run could not put a snapshot at `url`."""
    state = state_of(client, url)
    if state == ABSENT:
        return
    if not replace:
        raise S3StoreError(f"{url}: already exists (choose another --out, or pass --force to replace a snapshot)")
    if state != SNAPSHOT:
        raise S3StoreError(f"{url}: is not a Sounding snapshot; --force replaces only a snapshot")


def listed_files(manifest: dict[str, Any]) -> list[str]:
    """The relative paths of every file a checked manifest lists, refusing any that leaves the snapshot."""
    paths = []
    for table in manifest["tables"].values():
        for entry in table["files"]:
            rel = str(entry["path"])
            parts = PurePosixPath(rel).parts
            if rel.startswith("/") or not parts or any(p in ("", ".", "..") for p in parts):
                raise S3StoreError(f"manifest lists {rel!r}: not a path inside the snapshot")
            paths.append(rel)
    return paths


def upload_snapshot(client: Any, local: Path, url: S3Url, *, replace: bool) -> None:
    """Put a finished local snapshot at `url`: its files first, its manifest last (the commit)."""
    manifest_bytes = (local / MANIFEST).read_bytes()
    new_files = listed_files(read_manifest(manifest_bytes.decode("utf-8")))
    check_s3_out(client, url, replace)  # again: something may have appeared during the collection
    old = manifest_of(client, url)
    stale: list[str] = []
    if old is not None:
        old_files = set(listed_files(old))
        delete_keys(client, url.bucket, [url.child(MANIFEST).key])  # the old snapshot stops being one first
        stale = [url.child(rel).key for rel in sorted(old_files - set(new_files))]
    written: list[str] = []
    try:
        for rel in new_files:
            _upload(client, local / rel, url.child(rel))
            written.append(url.child(rel).key)
        put_bytes(client, url.child(MANIFEST), manifest_bytes, if_absent=True)
    except BaseException:
        with suppress(S3StoreError):  # leave no files of ours behind a missing manifest (best effort)
            delete_keys(client, url.bucket, written)
        raise
    delete_keys(client, url.bucket, stale)


def _upload(client: Any, path: Path, url: S3Url) -> None:
    """Upload one local file (multipart when large, as boto3's transfer manager decides)."""
    try:
        client.upload_file(str(path), url.bucket, url.key)
    except (BotoCoreError, ClientError) as exc:
        raise _error(url, "write", exc) from None
    except Exception as exc:  # boto3's S3UploadFailedError, or the local file
        raise S3StoreError(f"{url}: cannot write ({exc})") from None


def download_snapshot(client: Any, url: S3Url, target: Path) -> Path:
    """Copy the snapshot at `url` into a new local directory `target` (its manifest and the files it lists).

    The manifest is read once; a snapshot replaced while it is copied fails the caller's checksum check.
    """
    data = get_bytes(client, url.child(MANIFEST), limit=MAX_MANIFEST_BYTES)
    if data is None:
        raise S3StoreError(f"{url}: not a Sounding snapshot (no {MANIFEST} under the prefix)")
    manifest = _checked(url, data)
    target.mkdir(mode=0o700)
    files = listed_files(manifest)
    for parent in sorted({(target / rel).parent for rel in files}):
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=DOWNLOAD_THREADS, thread_name_prefix="s3-get") as pool:
        for done in [pool.submit(download_file, client, url.child(rel), target / rel) for rel in files]:
            done.result()  # the first failure, after every download has ended
    fd = os.open(target / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return target
