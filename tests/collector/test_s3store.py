"""collector.s3store against a real moto_server: the manifest is the commit, only snapshots are replaced."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from sounding.collector.s3store import (
    S3StoreError,
    S3Url,
    check_s3_out,
    download_snapshot,
    listed_files,
    s3_client,
    upload_snapshot,
)
from sounding.collector.synthetic import build_snapshot
from sounding.engine.snapshot import open_snapshot

BUCKET = "sounding-store"
A = "111111111111"


@pytest.fixture
def s3(moto_server) -> object:
    """An S3 client on moto with an empty bucket."""
    client = s3_client()
    client.create_bucket(Bucket=BUCKET)
    return client


def keys(prefix: str = "") -> list[str]:
    """Every key under a prefix of the test bucket."""
    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def snapshot(tmp_path: Path, name: str, tables: list[str]) -> Path:
    """A small local snapshot holding `tables`."""
    rows = {"iam_users": [{"account_id": A, "user_name": "deployer", "arn": f"arn:aws:iam::{A}:user/deployer"}]}
    return build_snapshot(tmp_path / name, {t: rows.get(t, []) for t in tables}, accounts=[A], tables=tables)


@pytest.mark.parametrize(("text", "bucket", "key"), [
    ("s3://b/prefix/name", "b", "prefix/name"), ("s3://b/name/", "b", "name")])
def test_locations(text: str, bucket: str, key: str) -> None:
    url = S3Url.parse(text)
    assert (url.bucket, url.key, url.name) == (bucket, key, key.rsplit("/", 1)[-1])
    assert str(url.sibling(".x")) == f"s3://{bucket}/" + "/".join([*key.split("/")[:-1], ".x"])


@pytest.mark.parametrize(("text", "problem"), [
    ("s3://bucket", "name a bucket and a prefix"), ("s3:///key", "name a bucket and a prefix"),
    ("s3://b/a/../c", "'..' path parts are not allowed"), ("s3://b/a//c", "empty"),
    ("/local/dir", "not an s3:// location")])
def test_bad_locations(text: str, problem: str) -> None:
    with pytest.raises(S3StoreError, match=problem):
        S3Url.parse(text)


def test_upload_puts_the_files_then_the_manifest_and_reads_back_verified(s3, tmp_path: Path) -> None:
    local = snapshot(tmp_path, "local", ["iam_users", "iam_roles"])
    url = S3Url(BUCKET, "audits/monday")
    check_s3_out(s3, url, replace=False)
    upload_snapshot(s3, local, url, replace=False)
    assert keys() == ["audits/monday/manifest.json", "audits/monday/tables/iam_roles.parquet",
                      "audits/monday/tables/iam_users.parquet"]
    copy = download_snapshot(s3, url, tmp_path / "copy")
    assert sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()) == [
        "manifest.json", "tables/iam_roles.parquet", "tables/iam_users.parquet"]
    assert (copy / "manifest.json").read_bytes() == (local / "manifest.json").read_bytes()
    assert open_snapshot(copy).account_rows("iam_users") == {A: 1}


def test_an_existing_snapshot_is_replaced_only_with_force(s3, tmp_path: Path) -> None:
    url = S3Url(BUCKET, "audits/monday")
    upload_snapshot(s3, snapshot(tmp_path, "old", ["iam_users", "iam_roles"]), url, replace=False)
    boto3.client("s3").put_object(Bucket=BUCKET, Key="audits/monday/notes.txt", Body=b"someone else's")
    with pytest.raises(S3StoreError, match=r"^s3://sounding-store/audits/monday: already exists \(choose another"):
        check_s3_out(s3, url, replace=False)
    with pytest.raises(S3StoreError, match="already exists"):
        upload_snapshot(s3, snapshot(tmp_path, "new", ["iam_users"]), url, replace=False)

    upload_snapshot(s3, tmp_path / "new", url, replace=True)
    # The old snapshot's file the new one does not list is gone; what Sounding did not write stays.
    assert keys() == ["audits/monday/manifest.json", "audits/monday/notes.txt",
                      "audits/monday/tables/iam_users.parquet"]
    assert (download_snapshot(s3, url, tmp_path / "copy") / "manifest.json").read_bytes() == (
        tmp_path / "new" / "manifest.json").read_bytes()


@pytest.mark.parametrize("manifest", [None, b'{"format": "something-else"}'])
def test_a_prefix_that_is_not_a_snapshot_is_never_replaced(s3, tmp_path: Path, manifest: bytes | None) -> None:
    client = boto3.client("s3")
    client.put_object(Bucket=BUCKET, Key="data/x/report.csv", Body=b"a,b\n")
    if manifest is not None:
        client.put_object(Bucket=BUCKET, Key="data/x/manifest.json", Body=manifest)
    before = keys()
    url = S3Url(BUCKET, "data/x")
    with pytest.raises(S3StoreError, match=r"^s3://sounding-store/data/x: is not a Sounding snapshot; --force"):
        upload_snapshot(s3, snapshot(tmp_path, "new", ["iam_users"]), url, replace=True)
    assert keys() == before


def test_a_prefix_without_a_manifest_is_not_a_snapshot(s3, tmp_path: Path) -> None:
    boto3.client("s3").put_object(Bucket=BUCKET, Key="half/tables/iam_users.parquet", Body=b"PAR1")
    with pytest.raises(S3StoreError, match=r"^s3://sounding-store/half: not a Sounding snapshot \(no manifest.json"):
        download_snapshot(s3, S3Url(BUCKET, "half"), tmp_path / "copy")
    assert not (tmp_path / "copy").exists()


def test_a_manifest_may_not_name_files_outside_the_snapshot() -> None:
    manifest = {"tables": {"t": {"files": [{"path": "tables/../../etc/passwd"}]}}}
    with pytest.raises(S3StoreError, match="not a path inside the snapshot"):
        listed_files(manifest)


class RacingClient:
    """An S3 client under which someone else writes the snapshot's manifest just before we do."""

    def __init__(self, client: object) -> None:
        self.client = client

    def __getattr__(self, name: str) -> object:
        return getattr(self.client, name)

    def put_object(self, **kwargs: object) -> object:
        if str(kwargs["Key"]).endswith("/manifest.json"):
            self.client.put_object(Bucket=kwargs["Bucket"], Key=kwargs["Key"], Body=b'{"theirs": true}')
        return self.client.put_object(**kwargs)


def test_a_manifest_written_by_someone_else_during_the_upload_wins(s3, tmp_path: Path) -> None:
    url = S3Url(BUCKET, "audits/race")
    with pytest.raises(S3StoreError, match=r"^s3://sounding-store/audits/race/manifest.json: was created by someone"):
        upload_snapshot(RacingClient(s3), snapshot(tmp_path, "new", ["iam_users"]), url, replace=False)
    assert keys() == ["audits/race/manifest.json"]  # our table files are removed again; theirs is untouched
    assert boto3.client("s3").get_object(Bucket=BUCKET, Key="audits/race/manifest.json")["Body"].read() == (
        b'{"theirs": true}')
