"""The shared SQL library (rules/_lib): loaded in order, dependencies found from the SQL, usable by any rule."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sounding.collector.synthetic import build_snapshot
from sounding.collector.tables import TABLES_BY_NAME
from sounding.engine.connection import describe_library
from sounding.engine.errors import InputError
from sounding.engine.evaluate import evaluate, tables_read
from sounding.engine.rules import builtin_rules_dir, load_rule, rule_files
from sounding.engine.snapshot import open_snapshot
from sounding.engine.sql_library import library_dir, load_library
from sounding.engine.sql_policy import check_sql

from tests.builders import write_rule

ACCOUNT = "111111111111"


def test_every_object_is_loaded_after_what_it_reads() -> None:
    library = load_library()
    names = [o.name for o in library.objects]
    assert sorted(names) == ["account_arn", "account_regions", "admits_tcp_port", "alerting_event_rules",
                             "api_call_events",
                             "customer_policies", "events_alert_rules", "global_region", "home_trails",
                             "iam_active_keys",
                             "iam_attached_policies",
                             "metric_alarm_coverage", "org_members", "org_scopes", "s3_object_event_trails",
                             "security_group_exposure", "trail_reach", "unseen_org_trails"]
    assert names.index("home_trails") < names.index("trail_reach") < names.index("metric_alarm_coverage")
    assert names.index("org_scopes") < names.index("org_members")
    assert names.index("account_arn") < names.index("metric_alarm_coverage")
    for position, obj in enumerate(library.objects):
        assert not (obj.reads & set(names[position:]) - {obj.name}), obj.name


def test_dependencies_are_found_from_the_sql() -> None:
    """What a view reads comes from its parse tree, not from a hand-kept list."""
    library = load_library()
    assert library.find("account_regions").reads >= {"regions", "sounding_scopes"}
    assert library.find("events_alert_rules").reads >= {"events_rules", "events_targets"}
    assert library.find("org_scopes").reads >= {"organizations_organization", "sounding_accounts"}
    assert library.find("account_arn").reads >= {"sounding_snapshot"}
    assert library.find("org_members").reads >= {"org_scopes", "organizations_organization"}
    assert library.find("trail_reach").reads >= {"home_trails", "organizations_organization"}
    assert library.find("alerting_event_rules").reads >= {"events_alert_rules", "event_pattern_admits"}
    assert library.find("s3_object_event_trails").reads >= {
        "home_trails", "trail_reach", "cloudtrail_trail_status", "cloudtrail_event_selectors"}
    assert library.find("metric_alarm_coverage").reads >= {
        "home_trails", "trail_reach", "cloudtrail_trail_status", "logs_metric_filters",
        "cloudwatch_alarms", "sns_subscriptions", "sounding_accounts", "sounding_snapshot", "account_arn",
        "filter_pattern_matches"}


def test_a_table_macro_is_told_from_a_scalar_macro() -> None:
    """CREATE MACRO ... AS TABLE returns rows (called in FROM, with columns); AS expression returns a value."""
    library = load_library()
    assert [(m.name, m.returns_table) for m in library.macros] == [
        ("account_arn", False), ("admits_tcp_port", False), ("alerting_event_rules", True), ("api_call_events", False),
        ("global_region", False),
        ("metric_alarm_coverage", True), ("s3_object_event_trails", True), ("security_group_exposure", True)]
    assert [o.name for o in library.row_sources] == [
        o.name for o in library.objects
        if o.kind == "view" or o.returns_table]
    assert {o.name for o in library.row_sources if o.kind == "macro"} == {
        "alerting_event_rules", "metric_alarm_coverage", "s3_object_event_trails", "security_group_exposure"}
    assert library.find("metric_alarm_coverage").signature == "metric_alarm_coverage(events)"


@pytest.mark.parametrize(("protocol", "from_port", "to_port", "port", "admitted"), [
    ("-1", None, None, 22, True),  # all traffic
    ("tcp", 22, 22, 22, True),
    ("6", 0, 65535, 3389, True),  # network ACL entries name TCP by number
    ("tcp", None, None, 445, True),  # no port range: every port
    ("tcp", -1, -1, 445, True),
    ("tcp", 23, 3388, 22, False),
    ("udp", 0, 65535, 22, False),
    ("17", None, None, 22, False),
])
def test_admits_tcp_port_follows_ec2_rule_semantics(protocol: str, from_port: int | None, to_port: int | None,
                                                    port: int, admitted: bool) -> None:
    """EC2 security group rules and network ACL entries: -1 is every protocol, a missing range every port."""
    import duckdb

    with duckdb.connect(":memory:") as con:
        con.execute(load_library().find("admits_tcp_port").statement)
        (result,) = con.execute("SELECT admits_tcp_port(?, CAST(? AS INTEGER), CAST(? AS INTEGER), ?)",
                                [protocol, from_port, to_port, port]).fetchone()
    assert result is admitted


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "unknown"])
def test_global_region_is_the_collectors_home_region(partition: str) -> None:
    """Rules and the collector agree on where a partition's global services answer."""
    import duckdb
    from sounding.collector.aws import home_region

    with duckdb.connect(":memory:") as con:
        con.execute(load_library().find("global_region").statement)
        (region,) = con.execute("SELECT global_region(?)", [partition]).fetchone()
    assert region == home_region(partition)


def test_a_rule_calling_a_table_macro_depends_on_the_tables_it_reads() -> None:
    checked = check_sql("SELECT * FROM metric_alarm_coverage(api_call_events('iam.amazonaws.com', ['CreateUser']))")
    collected = {n for n in tables_read(checked.tables | checked.functions) if n in TABLES_BY_NAME}
    assert collected == {"cloudtrail_trails", "cloudtrail_trail_status", "organizations_organization",
                         "logs_metric_filters", "cloudwatch_alarms", "sns_subscriptions"}


def test_a_rule_reading_a_view_depends_on_its_collected_tables() -> None:
    checked = check_sql("SELECT * FROM events_alert_rules JOIN org_scopes USING (account_id)")
    collected = {n for n in tables_read(checked.tables | checked.functions) if n in TABLES_BY_NAME}
    assert collected == {"events_rules", "events_targets", "organizations_organization"}


def test_library_files_are_not_rules() -> None:
    """The loader, lint and `rules test` find rules through rule_files, which skips rules/_lib."""
    found = rule_files([builtin_rules_dir()])
    assert found and not [p for p in found if "_lib" in p.parts]
    assert library_dir().is_dir() and list(library_dir().glob("*.sql"))


def test_a_users_rule_folder_named_lib_is_skipped_too(tmp_path: Path) -> None:
    write_rule(tmp_path / "_lib", "not_a_rule", "SELECT 1")
    rule = write_rule(tmp_path / "01-mine", "a_rule", "SELECT 1")
    assert rule_files([tmp_path]) == [rule]


def test_every_view_column_is_documented() -> None:
    described = describe_library()
    for view in load_library().row_sources:
        assert [name for name, _ in view.columns] == [name for name, _ in described[view.name]], view.name
    for macro in load_library().macros:
        assert all(doc for _, doc in macro.params), macro.name


def test_a_user_rule_uses_the_shared_view_and_macro(tmp_path: Path) -> None:
    """org_scopes gives an account in no organization its own row; account_arn names the account."""
    snapshot = build_snapshot(tmp_path / "snap", {}, accounts=[ACCOUNT],
                              collected_at=datetime(2026, 3, 1, tzinfo=UTC),
                              tables=["regions", "organizations_organization"])
    rule = load_rule(write_rule(tmp_path / "rules", "uses_library",
                                "SELECT account_id, 'global' AS region, account_arn(account_id) AS resource_id, "
                                "'PASS' AS status, 'in no organization' AS reason FROM org_scopes "
                                "WHERE org_id IS NULL"))
    findings = evaluate(open_snapshot(snapshot), [rule]).findings
    assert [(f.account_id, f.resource_id, f.status) for f in findings] == [
        (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", "PASS")]


def test_a_gap_behind_a_shared_view_makes_the_rule_error(tmp_path: Path) -> None:
    snapshot = build_snapshot(tmp_path / "snap", {}, accounts=[ACCOUNT],
                              tables=["regions", "organizations_organization"],
                              gaps=[{"account_id": ACCOUNT, "table": "organizations_organization",
                                     "error_code": "AccessDenied"}])
    rule = load_rule(write_rule(tmp_path / "rules", "reads_view",
                                "SELECT account_id, 'global' AS region, 'x' AS resource_id, 'PASS' AS status, "
                                "'ok' AS reason FROM org_scopes"))
    statuses = {f.status for f in evaluate(open_snapshot(snapshot), [rule]).findings}
    assert statuses == {"ERROR"}


@pytest.mark.parametrize(("gaps", "status"), [
    ([], "FAIL"),
    ([{"account_id": ACCOUNT, "region": "us-east-1", "table": "sns_subscriptions", "error_code": "AccessDenied"}],
     "ERROR"),
])
def test_a_gap_behind_a_table_macro_makes_the_rule_error(tmp_path: Path, gaps: list[dict[str, str]],
                                                         status: str) -> None:
    """A table the macro reads (not the rule) was not collected: the rule's verdict is ERROR, never FAIL."""
    snapshot = build_snapshot(tmp_path / "snap", {}, accounts=[ACCOUNT], gaps=gaps)
    rule = load_rule(write_rule(tmp_path / "rules", "calls_table_macro",
                                "SELECT account_id, region, resource_id, "
                                "CASE WHEN passing IS NULL THEN 'FAIL' ELSE 'PASS' END AS status, 'r' AS reason "
                                "FROM metric_alarm_coverage(api_call_events('iam.amazonaws.com', ['CreateUser']))"))
    findings = list(evaluate(open_snapshot(snapshot), [rule]).findings)
    assert [(f.account_id, f.status) for f in findings] == [(ACCOUNT, status)]
    assert ("sns_subscriptions" in findings[0].reason) == bool(gaps)


def test_api_call_events_builds_one_record_per_event_name() -> None:
    import json

    import duckdb

    with duckdb.connect(":memory:") as con:
        con.execute(load_library().find("api_call_events").statement)
        (events,) = con.execute("SELECT api_call_events('kms.amazonaws.com', ['DisableKey', 'ScheduleKeyDeletion'])"
                                ).fetchone()
    assert [json.loads(e) for e in events] == [
        {"sourceIPAddress": "198.51.100.7", "eventType": "AwsApiCall", "userIdentity": {"type": "IAMUser"},
         "eventSource": "kms.amazonaws.com", "eventName": name} for name in ("DisableKey", "ScheduleKeyDeletion")]


@pytest.mark.parametrize(("text", "problem"), [
    ("-- doc: d\nCREATE VIEW other AS SELECT 1", "defines other, but the file is named thing"),
    ("CREATE VIEW thing AS SELECT 1", "header lacks doc"),
    ("-- doc: d\nCREATE VIEW thing AS SELECT getenv('HOME')", "function getenv() is not allowed"),
    ("-- doc: d\nCREATE TABLE thing AS SELECT 1", "holds one CREATE VIEW"),
    ("-- doc: d\nCREATE MACRO thing(a) AS a", "document each parameter"),
    ("-- doc: d\n-- param a: A.\n-- column b: B.\nCREATE MACRO thing(a) AS a", "a scalar macro returns one value"),
    ("-- doc: d\n-- param a: A.\nCREATE MACRO thing(a) AS TABLE SELECT getenv('HOME') AS b",
     "function getenv() is not allowed"),
    ("-- doc: d\nCREATE VIEW thing AS SELECT FROM WHERE", "SQL does not parse"),
])
def test_a_defective_library_file_is_an_input_error(tmp_path: Path, text: str, problem: str) -> None:
    (tmp_path / "thing.sql").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_library(tmp_path)
    assert problem in info.value.problem
    assert info.value.path == str(tmp_path / "thing.sql")


def test_a_cycle_between_library_objects_is_refused(tmp_path: Path) -> None:
    (tmp_path / "one.sql").write_text("-- doc: d\nCREATE VIEW one AS SELECT * FROM two", encoding="utf-8")
    (tmp_path / "two.sql").write_text("-- doc: d\nCREATE VIEW two AS SELECT * FROM one", encoding="utf-8")
    with pytest.raises(InputError, match="reads itself"):
        load_library(tmp_path)


@pytest.mark.parametrize("command", ["lint", "test"])
def test_a_library_file_named_as_a_rule_is_refused(command: str) -> None:
    from click.testing import CliRunner
    from sounding.engine.cli import cli

    path = library_dir() / "org_scopes.sql"
    result = CliRunner().invoke(cli, ["rules", command, str(path)])
    assert (result.exit_code, result.stderr) == (2, f"error: {path}: a shared SQL file of a _lib folder, not a rule\n")


def test_library_names_do_not_shadow_tables() -> None:
    from sounding.engine.connection import ENGINE_TABLES

    names = {o.name for o in load_library().objects}
    assert not names & (set(TABLES_BY_NAME) | set(ENGINE_TABLES))
