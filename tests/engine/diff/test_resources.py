"""Resource drift: rows added, removed, changed by primary key, on the ground both snapshots cover."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sounding.collector.declarations import INT, Column
from sounding.collector.synthetic import build_snapshot
from sounding.collector.tables import TABLES_BY_NAME
from sounding.engine.diff import diff_snapshots
from sounding.engine.snapshot import open_snapshot

from tests.engine.diff.conftest import ACCOUNT, OTHER, Builder

NO_COVERAGE_CHANGE = {
    "tables": {"only_in_old": [], "only_in_new": []},
    "accounts": {"only_in_old": [], "only_in_new": []},
    "regions": [], "reachability": [], "gaps": {"only_in_old": [], "only_in_new": []},
}


def resources(old: Path, new: Path, **options: Any) -> dict[str, Any]:
    """The diff without findings, as JSON-ready data."""
    return diff_snapshots(open_snapshot(old), open_snapshot(new), **options).to_dict()


def test_changed_added_and_removed_rows_with_columns_and_raw_paths(build: Builder) -> None:
    old = build("old", {
        "iam_password_policy": [{"minimum_password_length": 8, "require_symbols": True}],
        "iam_credential_report": [{"user": "alice", "mfa_active": False}, {"user": "bob", "mfa_active": True}],
    })
    new = build("new", {
        "iam_password_policy": [{"minimum_password_length": 14, "require_symbols": True,
                                 "password_reuse_prevention": 24}],
        "iam_credential_report": [{"user": "alice", "mfa_active": True}, {"user": "carol", "mfa_active": False}],
    })
    result = resources(old, new)
    assert result["coverage"] == NO_COVERAGE_CHANGE
    assert result["resources"] == {
        "iam_password_policy": {
            "added": [], "removed": [],
            "changed": [{
                "key": {"account_id": ACCOUNT, "region": "global"},
                "columns": [{"path": "minimum_password_length", "old": 8, "new": 14},
                            {"path": "password_reuse_prevention", "old": None, "new": 24}],
                "raw": [{"path": "minimum_password_length", "old": 8, "new": 14},
                        {"path": "password_reuse_prevention", "new": 24}],
            }],
        },
        "iam_credential_report": {
            "added": [{"key": {"account_id": ACCOUNT, "region": "global", "user": "carol"}}],
            "removed": [{"key": {"account_id": ACCOUNT, "region": "global", "user": "bob"}}],
            "changed": [{
                "key": {"account_id": ACCOUNT, "region": "global", "user": "alice"},
                "columns": [{"path": "mfa_active", "old": False, "new": True}],
                "raw": [{"path": "mfa_active", "old": False, "new": True}],
            }],
        },
    }
    assert result["summary"] == {"resources": {"added": 1, "removed": 1, "changed": 2, "tables_changed": 2},
                                 "coverage_changed": False}


def test_raw_paths_reach_into_nested_api_items(build: Builder) -> None:
    raw_old = {"PasswordPolicy": {"MinimumPasswordLength": 8}}
    raw_new = {"PasswordPolicy": {"MinimumPasswordLength": 14}}
    old = build("old", {"iam_password_policy": [{"minimum_password_length": 8, "raw": raw_old}]})
    new = build("new", {"iam_password_policy": [{"minimum_password_length": 14, "raw": raw_new}]})
    [change] = resources(old, new)["resources"]["iam_password_policy"]["changed"]
    assert change["raw"] == [{"path": "PasswordPolicy.MinimumPasswordLength", "old": 8, "new": 14}]


def test_a_snapshot_diffed_with_itself_has_no_change(build: Builder) -> None:
    rows = {"iam_password_policy": [{"minimum_password_length": 8}],
            "iam_credential_report": [{"user": "alice"}, {"user": "bob"}],
            "ec2_vpcs": [{"region": "us-east-1", "vpc_id": "vpc-1", "is_default": True}]}
    snap = build("old", rows)
    result = resources(snap, snap)
    assert result["resources"] == {}
    assert result["coverage"] == NO_COVERAGE_CHANGE
    assert result["summary"]["resources"] == {"added": 0, "removed": 0, "changed": 0, "tables_changed": 0}


def test_volatile_columns_are_ignored_unless_asked(build: Builder) -> None:
    old = build("old", {"iam_credential_report": [{"user": "alice", "report_generated_at": "2026-03-01T10:00:00Z"}]})
    new = build("new", {"iam_credential_report": [{"user": "alice", "report_generated_at": "2026-03-02T10:00:00Z"}]})
    assert resources(old, new)["resources"] == {}
    [change] = resources(old, new, include_volatile=True)["resources"]["iam_credential_report"]["changed"]
    assert change["columns"] == [{"path": "report_generated_at", "old": "2026-03-01T10:00:00Z",
                                  "new": "2026-03-02T10:00:00Z"}]
    assert change["raw"] == [{"path": "report_generated_at", "old": "2026-03-01T10:00:00Z",
                              "new": "2026-03-02T10:00:00Z"}]


def test_a_table_in_only_one_snapshot_is_coverage_not_rows(build: Builder) -> None:
    rows = {"iam_password_policy": [{"minimum_password_length": 8}],
            "ec2_vpcs": [{"region": "us-east-1", "vpc_id": "vpc-1"}]}
    old = build("old", rows, tables=["regions", "iam_password_policy"])
    new = build("new", rows, tables=["regions", "iam_password_policy", "ec2_vpcs"])
    result = resources(old, new)
    assert result["resources"] == {}
    assert result["coverage"]["tables"] == {"only_in_old": [], "only_in_new": ["ec2_vpcs"]}
    assert result["summary"]["coverage_changed"] is True


def test_rows_of_an_account_only_one_snapshot_covers_are_not_added(build: Builder) -> None:
    old = build("old", {"iam_credential_report": [{"user": "alice"}]}, accounts=[ACCOUNT])
    new = build("new", {"iam_credential_report": [{"user": "alice"}, {"account_id": OTHER, "user": "zed"},
                                                  {"account_id": ACCOUNT, "user": "bob"}]},
                accounts=[ACCOUNT, OTHER])
    result = resources(old, new)
    assert result["coverage"]["accounts"] == {"only_in_old": [], "only_in_new": [OTHER]}
    assert result["resources"] == {"iam_credential_report": {
        "added": [{"key": {"account_id": ACCOUNT, "region": "global", "user": "bob"}}],
        "removed": [], "changed": []}}


def test_rows_of_a_region_only_one_snapshot_covers_are_not_removed(build: Builder) -> None:
    vpcs = [{"region": "us-east-1", "vpc_id": "vpc-1"}, {"region": "eu-west-1", "vpc_id": "vpc-2"}]
    listed = [{"region_name": r, "opt_in_status": "opt-in-not-required"} for r in ("eu-west-1", "us-east-1")]
    old = build("old", {"ec2_vpcs": vpcs, "regions": listed}, regions=["eu-west-1", "us-east-1"])
    new = build("new", {"ec2_vpcs": vpcs[:1], "regions": listed}, regions=["us-east-1"])
    result = resources(old, new)
    assert result["coverage"]["regions"] == [{"account_id": ACCOUNT, "only_in_old": ["eu-west-1"],
                                              "only_in_new": []}]
    assert result["resources"] == {}


def test_an_unreachable_account_is_reachability_not_removals(build: Builder) -> None:
    old = build("old", {"iam_credential_report": [{"user": "alice"}]})
    new = build("new", {}, accounts=[{"account_id": ACCOUNT, "reachable": False}],
                gaps=[{"table": "*", "account_id": ACCOUNT, "error_code": "AccessDenied"}])
    result = resources(old, new)
    assert result["resources"] == {}
    assert result["coverage"]["reachability"] == [{"account_id": ACCOUNT, "old": True, "new": False}]
    assert [(g["table"], g["error_code"]) for g in result["coverage"]["gaps"]["only_in_new"]] == [("*", "AccessDenied")]


def test_a_gap_in_one_snapshot_hides_that_scope_and_is_reported(build: Builder) -> None:
    vpcs = [{"region": "us-east-1", "vpc_id": "vpc-1"}, {"region": "eu-west-1", "vpc_id": "vpc-2"}]
    regions = ["eu-west-1", "us-east-1"]
    old = build("old", {"ec2_vpcs": vpcs}, regions=regions)
    new = build("new", {"ec2_vpcs": [vpcs[0], {"region": "us-east-1", "vpc_id": "vpc-3"}]}, regions=regions,
                gaps=[{"table": "ec2_vpcs", "region": "eu-west-1", "error_code": "UnauthorizedOperation",
                       "message": "denied"}])
    result = resources(old, new)
    assert result["coverage"]["gaps"] == {"only_in_old": [], "only_in_new": [{
        "table": "ec2_vpcs", "account_id": ACCOUNT, "region": "eu-west-1", "service": "ec2",
        "operation": "DescribeVpcs", "error_code": "UnauthorizedOperation", "error_kind": "access_denied",
        "message": "denied"}]}
    assert result["resources"] == {"ec2_vpcs": {
        "added": [{"key": {"account_id": ACCOUNT, "region": "us-east-1", "vpc_id": "vpc-3"}}],
        "removed": [], "changed": []}}


def test_the_same_gap_in_both_snapshots_is_no_difference(build: Builder) -> None:
    gap = [{"table": "ec2_vpcs", "region": "us-east-1", "error_code": "UnauthorizedOperation"}]
    old = build("old", {}, gaps=gap)
    new = build("new", {}, gaps=gap)
    assert resources(old, new)["coverage"] == NO_COVERAGE_CHANGE


def test_a_column_added_by_a_newer_declaration_is_reported_and_the_rest_compared(tmp_path: Path) -> None:
    spec = TABLES_BY_NAME["iam_password_policy"]
    newer = dataclasses.replace(spec, columns=(*spec.columns, Column("minimum_age", INT, "MinimumAge")))
    old = build_snapshot(tmp_path / "old", {"iam_password_policy": [{"minimum_password_length": 8}]},
                         tables=["iam_password_policy"], specs=[spec])
    new = build_snapshot(tmp_path / "new", {"iam_password_policy": [{"minimum_password_length": 9,
                                                                     "minimum_age": 1}]},
                         tables=["iam_password_policy"], specs=[newer])
    assert resources(old, new)["resources"] == {"iam_password_policy": {
        "added": [], "removed": [],
        "changed": [{"key": {"account_id": ACCOUNT, "region": "global"},
                     "columns": [{"path": "minimum_password_length", "old": 8, "new": 9}],
                     "raw": [{"path": "minimum_age", "new": 1},
                             {"path": "minimum_password_length", "old": 8, "new": 9}]}],
        "schema": {"columns_added": ["minimum_age"], "columns_removed": [], "columns_retyped": []}}}


def test_a_changed_primary_key_is_reported_not_guessed(tmp_path: Path) -> None:
    spec = TABLES_BY_NAME["iam_virtual_mfa_devices"]
    rekeyed = dataclasses.replace(spec, key=("user_arn",))
    rows = {"iam_virtual_mfa_devices": [{"serial_number": "arn:mfa/a", "user_arn": "arn:user/a"}]}
    old = build_snapshot(tmp_path / "old", rows, tables=[spec.name], specs=[spec])
    new = build_snapshot(tmp_path / "new", rows, tables=[spec.name], specs=[rekeyed])
    table = resources(old, new)["resources"]["iam_virtual_mfa_devices"]
    assert table["not_compared"] == ("primary key changed from (account_id, region, serial_number) "
                                     "to (account_id, region, user_arn)")


def test_duplicate_keys_are_matched_by_occurrence(build: Builder) -> None:
    old = build("old", {"iam_credential_report": [{"user": "dup", "arn": "a"}]})
    new = build("new", {"iam_credential_report": [{"user": "dup", "arn": "a"}, {"user": "dup", "arn": "b"}]})
    assert resources(old, new)["resources"]["iam_credential_report"]["added"] == [
        {"key": {"account_id": ACCOUNT, "region": "global", "user": "dup", "occurrence": 2}}]


def test_table_filter_limits_rows_and_gaps(build: Builder) -> None:
    old = build("old", {"iam_password_policy": [{"minimum_password_length": 8}]})
    new = build("new", {"iam_password_policy": [{"minimum_password_length": 9}],
                        "iam_credential_report": [{"user": "alice"}]},
                gaps=[{"table": "ec2_vpcs", "region": "us-east-1"}])
    result = resources(old, new, tables=["iam_credential_report"])
    assert list(result["resources"]) == ["iam_credential_report"]
    assert result["coverage"] == NO_COVERAGE_CHANGE


def test_delivery_times_of_a_trail_are_volatile_but_logging_is_not(build: Builder) -> None:
    arn = "arn:aws:cloudtrail:us-east-1:111111111111:trail/main"

    def status(day: int, logging: bool) -> dict[str, Any]:
        when = f"2026-03-0{day}T00:00:00Z"
        return {"region": "us-east-1", "trail_arn": arn, "is_logging": logging, "latest_delivery_time": when,
                "raw": {"IsLogging": logging, "LatestDeliveryTime": when, "LatestDeliveryAttemptTime": when}}

    tables = ["regions", "cloudtrail_trails", "cloudtrail_trail_status"]
    old = build("old", {"cloudtrail_trail_status": [status(1, True)]}, tables=tables)
    assert resources(old, build("new", {"cloudtrail_trail_status": [status(2, True)]}, tables=tables))[
        "resources"] == {}
    stopped = build("stopped", {"cloudtrail_trail_status": [status(2, False)]}, tables=tables)
    [change] = resources(old, stopped)["resources"]["cloudtrail_trail_status"]["changed"]
    assert (change["columns"], change["raw"]) == ([{"path": "is_logging", "old": True, "new": False}],
                                                  [{"path": "IsLogging", "old": True, "new": False}])


def test_identical_repeated_rows_are_still_counted_by_occurrence(build: Builder) -> None:
    # Equal rows hash alike: a join of hashes alone would pair both OLD copies with the one NEW copy.
    row = {"user": "dup", "arn": "a"}
    old = build("old", {"iam_credential_report": [row, row]})
    new = build("new", {"iam_credential_report": [row]})
    assert resources(old, new)["resources"] == {"iam_credential_report": {
        "added": [], "changed": [],
        "removed": [{"key": {"account_id": ACCOUNT, "region": "global", "user": "dup", "occurrence": 2}}]}}


def test_a_table_of_one_file_per_account_gives_the_same_drift_as_one_file(tmp_path: Path) -> None:
    old_rows = {"iam_credential_report": [{"account_id": ACCOUNT, "user": "alice", "mfa_active": False},
                                          {"account_id": OTHER, "user": "zed", "mfa_active": True},
                                          {"account_id": OTHER, "user": "yan", "mfa_active": True}]}
    new_rows = {"iam_credential_report": [{"account_id": ACCOUNT, "user": "alice", "mfa_active": True},
                                          {"account_id": OTHER, "user": "zed", "mfa_active": True},
                                          {"account_id": ACCOUNT, "user": "bob", "mfa_active": True}]}
    expected = {"iam_credential_report": {
        "added": [{"key": {"account_id": ACCOUNT, "region": "global", "user": "bob"}}],
        "removed": [{"key": {"account_id": OTHER, "region": "global", "user": "yan"}}],
        "changed": [{"key": {"account_id": ACCOUNT, "region": "global", "user": "alice"},
                     "columns": [{"path": "mfa_active", "old": False, "new": True}],
                     "raw": [{"path": "mfa_active", "old": False, "new": True}]}]}}
    for version in (1, 2):
        options = {"accounts": [ACCOUNT, OTHER], "tables": ["regions", "iam_credential_report"],
                   "format_version": version}
        old = build_snapshot(tmp_path / f"old-{version}", old_rows, **options)
        new = build_snapshot(tmp_path / f"new-{version}", new_rows, **options)
        assert len(open_snapshot(old).pinned("iam_credential_report")) == 3 - version  # files per table
        assert resources(old, new)["resources"] == expected


def test_the_diff_connection_spills_to_a_private_directory_removed_after(build: Builder, tmp_path: Path,
                                                                        monkeypatch: Any) -> None:
    from sounding.engine.diff import resources as resources_module

    old = build("old", {"iam_credential_report": [{"user": "alice", "mfa_active": False}]})
    new = build("new", {"iam_credential_report": [{"user": "alice", "mfa_active": True}]})
    scratch, cwd = tmp_path / "tmp", tmp_path / "cwd"
    scratch.mkdir()
    cwd.mkdir()
    made: list[str] = []
    real_mkdtemp = resources_module.tempfile.mkdtemp
    monkeypatch.setattr(resources_module.tempfile, "mkdtemp",
                        lambda **kw: made.append(real_mkdtemp(dir=scratch, **kw)) or made[-1])
    monkeypatch.chdir(cwd)  # DuckDB's own default for an in-memory database is .tmp here
    assert resources(old, new)["summary"]["resources"]["changed"] == 1
    assert len(made) == 1 and made[0].startswith(str(scratch / "sounding-diff-"))
    assert list(scratch.iterdir()) == [] and list(cwd.iterdir()) == []
