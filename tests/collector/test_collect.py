"""Collecting one account: enabled regions only, gaps recorded, nothing complete-looking on interrupt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from sounding.collector import collect as collect_module
from sounding.collector.collect import Target, chains, collect, enabled_regions
from sounding.collector.declarations import STRING, Column, FanOut, TableSpec
from sounding.collector.tables import TABLES_BY_NAME, select

ACCOUNT = "123456789012"
CALLER = {"arn": f"arn:aws:iam::{ACCOUNT}:user/auditor", "account_id": ACCOUNT, "partition": "aws"}


def test_enabled_regions_filters_partition_opt_in_and_wanted() -> None:
    rows = [{"region_name": "us-east-1", "opt_in_status": "opt-in-not-required"},
            {"region_name": "af-south-1", "opt_in_status": "not-opted-in"},
            {"region_name": "ap-east-1", "opt_in_status": "opted-in"},
            {"region_name": "cn-north-1", "opt_in_status": "opt-in-not-required"},
            {"region_name": "us-gov-west-1", "opt_in_status": "opt-in-not-required"}]
    assert enabled_regions(rows, "aws", None) == ["ap-east-1", "us-east-1"]
    assert enabled_regions(rows, "aws", ["us-east-1", "af-south-1"]) == ["us-east-1"]


def test_chains_put_children_after_parents() -> None:
    parent = TableSpec(name="p", service="s", operation="O", scope="global", items="", columns=(), key=(), doc="")
    child = TableSpec(name="c", service="s", operation="O2", scope="global", items="", columns=(), key=(), doc="",
                      fan_out=FanOut("p", {}))
    assert [[s.name for s in chain] for chain in chains([child, parent])] == [["p", "c"]]


def test_select_keeps_regions_and_parents() -> None:
    assert [s.name for s in select(["iam_password_policy"])] == ["regions", "iam_password_policy"]


@mock_aws
def test_collect_one_account(tmp_path: Path) -> None:
    boto3.client("iam").update_account_password_policy(MinimumPasswordLength=16)
    target = Target(ACCOUNT, boto3.Session(region_name="us-east-1"))
    summary = collect([target], select(None), tmp_path / "snap", partition="aws", caller=CALLER,
                      regions=["eu-west-1", "us-east-1", "cn-north-1"])
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert manifest["accounts"] == [{"account_id": ACCOUNT, "name": "", "email": "", "role_arn": "",
                                     "regions": ["eu-west-1", "us-east-1"], "reachable": True}]
    assert manifest["tables"]["iam_password_policy"]["rows"] == 1
    regions = manifest["tables"]["regions"]["rows"]
    assert regions == summary.rows - sum(t["rows"] for n, t in manifest["tables"].items() if n != "regions")
    assert all(not r.startswith(("cn-", "us-gov-")) for r in manifest["regions"])
    assert summary.api_calls == manifest["api_calls"] > 0


@mock_aws
def test_regions_failure_is_a_gap_for_every_regional_table(tmp_path: Path) -> None:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "DescribeRegions")

    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-call.ec2.DescribeRegions", deny)
    regional = TableSpec(name="t_vpcs", service="ec2", operation="DescribeVpcs", scope="regional", items="Vpcs",
                         columns=(Column("vpc_id", STRING, "VpcId"),), key=("vpc_id",), doc="t")
    specs = [TABLES_BY_NAME["regions"], regional]
    collect([Target(ACCOUNT, session)], specs, tmp_path / "snap", partition="aws", caller=CALLER)
    gaps = json.loads((tmp_path / "snap" / "manifest.json").read_text())["gaps"]
    assert [(g["table"], g["error_code"]) for g in gaps] == [("regions", "UnauthorizedOperation"),
                                                              ("t_vpcs", "RegionsUnknown")]


@mock_aws
def test_unreachable_account_is_recorded_not_fatal(tmp_path: Path) -> None:
    from sounding.collector.gaps import Gap

    failure = Gap("210987654321", "global", "*", "sts", "AssumeRole", "AccessDenied", "access_denied", "no trust")
    targets = [Target(ACCOUNT, boto3.Session(region_name="us-east-1")),
               Target("210987654321", None, failure=failure)]
    collect(targets, select(["iam"]), tmp_path / "snap", partition="aws", caller=CALLER, regions=["us-east-1"])
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert [a["reachable"] for a in manifest["accounts"]] == [True, False]
    assert [g["table"] for g in manifest["gaps"]] == ["*"]


@mock_aws
def test_interrupted_collection_leaves_no_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(collect_module.Collector, "_write_account", interrupted)
    with pytest.raises(KeyboardInterrupt):
        collect([Target(ACCOUNT, boto3.Session(region_name="us-east-1"))], select(["iam"]), tmp_path / "snap",
                partition="aws", caller=CALLER, regions=["us-east-1"])
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    collect([Target(ACCOUNT, boto3.Session(region_name="us-east-1"))], select(["iam"]), tmp_path / "snap",
            partition="aws", caller=CALLER, regions=["us-east-1"])
    assert (tmp_path / "snap" / "manifest.json").is_file()


@mock_aws
def test_progress_is_a_typed_record_that_ends_complete(tmp_path: Path) -> None:
    from sounding.collector.collect import CollectProgress

    records: list[CollectProgress] = []
    collect([Target(ACCOUNT, boto3.Session(region_name="us-east-1"))], select(["iam_password_policy", "ec2_vpcs"]),
            tmp_path / "snap", partition="aws", caller=CALLER, regions=["us-east-1", "eu-west-1"],
            on_progress=records.append)
    last = records[-1]
    assert (last.accounts_total, last.accounts_done, last.calls_done) == (1, 1, last.calls_submitted)
    assert last.calls_submitted == 2 + 2  # regions and the password policy, then ec2_vpcs in two regions
    assert [r.event for r in records if r.event] == [f"account {ACCOUNT}: 2 regions",
                                                     f"account {ACCOUNT}: done (2 regions, 0 gaps)"]
    assert last.rows == sum(t["rows"] for t in json.loads((tmp_path / "snap" / "manifest.json").read_text())
                            ["tables"].values())


@mock_aws
def test_a_bad_out_is_refused_before_any_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.collector.publish import PublishError

    (tmp_path / "theirs").mkdir()
    session = boto3.Session(region_name="us-east-1")
    session.events.register("before-send", lambda **_: pytest.fail("a call was made"))
    with pytest.raises(PublishError, match="is not a Sounding snapshot"):
        collect([Target(ACCOUNT, session)], select(["iam"]), tmp_path / "theirs", partition="aws", caller=CALLER,
                replace=True)
    assert [p.name for p in tmp_path.iterdir()] == ["theirs"]


@mock_aws
def test_a_chain_that_fails_outside_the_call_handling_is_gaps_not_an_abort(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    real = collect_module.run_chain

    def broken(chain: Any, *args: Any) -> Any:
        if chain[0].name == "iam_password_policy":
            raise RuntimeError("unexpected")
        return real(chain, *args)

    monkeypatch.setattr(collect_module, "run_chain", broken)
    collect([Target(ACCOUNT, boto3.Session(region_name="us-east-1"))], select(["iam_password_policy", "ec2_vpcs"]),
            tmp_path / "snap", partition="aws", caller=CALLER, regions=["us-east-1"])
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert [(g["table"], g["error_code"], g["message"]) for g in manifest["gaps"]] == [
        ("iam_password_policy", "RuntimeError", "unexpected")]
    assert manifest["tables"]["ec2_vpcs"]["rows"] >= 1  # moto's default VPC: the rest was collected


@mock_aws
def test_a_region_name_botocore_refuses_is_a_gap(tmp_path: Path) -> None:
    def odd_region(parsed: dict[str, Any], **_: Any) -> None:
        parsed["Regions"].append({"RegionName": "bad/region", "OptInStatus": "opt-in-not-required"})

    session = boto3.Session(region_name="us-east-1")
    session.events.register("after-call.ec2.DescribeRegions", odd_region)
    collect([Target(ACCOUNT, session)], select(["ec2_vpcs"]), tmp_path / "snap", partition="aws", caller=CALLER)
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    assert [(g["table"], g["region"], g["error_code"]) for g in manifest["gaps"]] == [
        ("ec2_vpcs", "bad/region", "InvalidRegionError")]
