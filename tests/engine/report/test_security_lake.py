"""Security Lake custom source: OCSF Parquet partitioned region/accountId/eventDay, one file each, atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from ocsf.v1_5_0.events import ComplianceFinding
from sounding.engine.cli import cli
from sounding.engine.errors import InputError
from sounding.engine.evaluate import Evaluation
from sounding.engine.report import ocsf, security_lake

from tests.engine.report.report_fixture import RULES_DIR
from tests.engine.report.streams import streamed


def files(root: Path) -> list[str]:
    """Every file under root, relative, sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def dropped_nulls(value: Any) -> Any:
    """The value without None members (Parquet has a column for every attribute; JSON omits absent ones)."""
    if isinstance(value, dict):
        return {k: dropped_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [dropped_nulls(v) for v in value]
    return value


def read_back(path: Path) -> dict[str, Any]:
    """A partition file's rows as OCSF events again (`unmapped` decoded from its JSON texts)."""
    events = []
    for row in pq.read_table(path).to_pylist():
        row["unmapped"] = {k: json.loads(v) for k, v in row["unmapped"]}
        events.append(dropped_nulls(row))
    return {e["finding_info"]["uid"]: e for e in events}


def test_partitions_are_region_account_and_day_with_one_file_each(evaluation: Evaluation, tmp_path: Path) -> None:
    """Security Lake custom-source partitioning: region=/accountId=/eventDay=YYYYMMDD/, global in the home region."""
    out = tmp_path / "lake"
    assert security_lake.write_lake(evaluation, out) == 13
    assert files(out) == [
        "region=us-east-1/accountId=111111111111/eventDay=20260301/data_0.parquet",
        "region=us-east-1/accountId=222222222222/eventDay=20260301/data_0.parquet",
        "region=us-west-2/accountId=111111111111/eventDay=20260301/data_0.parquet",
        "region=us-west-2/accountId=222222222222/eventDay=20260301/data_0.parquet"]
    assert [p.name for p in tmp_path.iterdir()] == ["lake"]  # the temporary directory is gone


def test_rows_are_the_ocsf_events_and_validate(evaluation: Evaluation, tmp_path: Path) -> None:
    """Read back, every row is the `--format ocsf` event of its finding and a valid OCSF 1.5 Compliance Finding."""
    out = tmp_path / "lake"
    security_lake.write_lake(evaluation, out)
    expected = {e["finding_info"]["uid"]: e for e in json.loads(ocsf.render(evaluation))}
    found: dict[str, Any] = {}
    for name in files(out):
        events = read_back(out / name)
        region, account = (part.split("=")[1] for part in name.split("/")[:2])
        assert {(e["cloud"]["region"], e["cloud"]["account"]["uid"]) for e in events.values()} == {(region, account)}
        found.update(events)
    assert found == expected
    for event in found.values():
        assert ComplianceFinding.model_validate(event).class_uid == 2003


def test_output_is_byte_identical_and_only_iterates_findings(evaluation: Evaluation, tmp_path: Path) -> None:
    """The same evaluation writes the same bytes, from findings that can only be iterated."""
    security_lake.write_lake(evaluation, tmp_path / "one")
    security_lake.write_lake(streamed(evaluation), tmp_path / "two")
    assert files(tmp_path / "one") == files(tmp_path / "two")
    for name in files(tmp_path / "one"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_never_replaces_a_directory_and_leaves_nothing_when_interrupted(evaluation: Evaluation, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An existing -o is refused untouched; an interrupted write leaves neither the output nor its temporary dir."""
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="already exists"):
        security_lake.write_lake(evaluation, existing)
    assert files(existing) == ["keep.txt"]

    def interrupted(*_args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(security_lake, "stage", interrupted)
    with pytest.raises(KeyboardInterrupt):
        security_lake.write_lake(evaluation, tmp_path / "lake")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]


def test_command_writes_the_lake_and_refuses_an_existing_directory(evaluation: Evaluation, tmp_path: Path) -> None:
    """`export security-lake SNAPSHOT -o DIR`: exit 0 and one summary line; DIR existing: exit 2, one line."""
    args = ["export", "security-lake", str(evaluation.snapshot.path), "--no-builtin", "--rules", str(RULES_DIR)]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "lake"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(files(tmp_path / "lake")) == 4
    again = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "lake"), "--quiet"])
    assert again.exit_code == 2
    assert again.stderr.splitlines() == [
        f"error: {tmp_path / 'lake'}: already exists; give a new directory (Sounding never replaces what it did "
        "not create)"]
