"""CSV: text quoted so readers that infer types keep account ids as text; numbers bare; written from a stream."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import duckdb
from sounding.engine.evaluate import Evaluation
from sounding.engine.report import csv_report

from tests.engine.report.streams import streamed


def test_account_ids_stay_text_for_a_type_inferring_reader(evaluation: Evaluation, tmp_path: Path) -> None:
    """DuckDB's CSV sniffer reads a quoted 012345678901 as VARCHAR with its leading zero; section stays a number."""
    first = dataclasses.replace(next(iter(evaluation.findings)), account_id="012345678901")
    path = tmp_path / "report.csv"
    path.write_text(csv_report.render(dataclasses.replace(evaluation, findings=[first])))
    relation = duckdb.sql(f"SELECT account_id, section, waived FROM read_csv('{path}')")
    assert [str(t) for t in relation.types] == ["VARCHAR", "BIGINT", "BOOLEAN"]
    assert relation.fetchall() == [("012345678901", first.section, False)]


def test_rows_are_quoted_text_and_bare_numbers(evaluation: Evaluation) -> None:
    """The header is plain; in rows every text field is quoted, the section and waived flag are not."""
    lines = csv_report.render(evaluation).splitlines()
    assert lines[0] == ",".join(csv_report.FIELDS)
    finding = next(iter(evaluation.findings))
    assert lines[1] == (f'"{finding.rule_id}","{finding.title}","{finding.severity}",{finding.section},'
                        f'"{finding.status}","{finding.account_id}","{finding.region}","{finding.resource_id}",'
                        f'"{finding.reason.replace(chr(34), chr(34) * 2)}",false,""')


def test_write_only_iterates_the_findings(evaluation: Evaluation) -> None:
    """A re-iterable stream (not a list) gives the same text as the list."""
    out = io.StringIO()
    csv_report.write(streamed(evaluation), out)
    assert out.getvalue() == csv_report.render(evaluation)


def test_cells_a_spreadsheet_would_run_as_formulas_are_shown_as_text(evaluation: Evaluation) -> None:
    """OWASP CSV injection: an AWS-supplied value starting = + - @ (IAM names may) gets a leading apostrophe in
    the report; the row renderer of `query` keeps data as it is."""
    from sounding.engine.report.rows import write_csv

    first = dataclasses.replace(next(iter(evaluation.findings)), resource_id="=1+2", reason="@SUM(A1)")
    row = csv_report.render(dataclasses.replace(evaluation, findings=[first])).splitlines()[1]
    assert ',"\'=1+2","\'@SUM(A1)",' in row
    plain = io.StringIO()
    write_csv(["name"], [["=1+2"], ["-x"], ["a=b"]], plain)
    assert plain.getvalue() == 'name\n"=1+2"\n"-x"\n"a=b"\n'
