"""The vectorised predicate UDF: same answers as row by row, one call per distinct pair, NULLs passed through."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest
from sounding.engine.distinct_udf import call_distinct, register_predicate


def _recording(calls: list[tuple[object, object]]):
    def predicate(left: object, right: object) -> bool | None:
        calls.append((left, right))
        if left is None or right is None:
            return None
        return str(left).startswith(str(right))
    return predicate


def test_call_distinct_answers_every_row_and_calls_once_per_pair() -> None:
    calls: list[tuple[object, object]] = []
    left = pa.array(["abc", "abc", "xyz", None, "abc", "xyz"])
    right = pa.array(["a", "a", "a", "a", "x", "a"])
    result = call_distinct(_recording(calls), left, right)
    assert result.to_pylist() == [True, True, False, None, False, False]
    assert sorted(calls, key=repr) == sorted([("abc", "a"), ("xyz", "a"), (None, "a"), ("abc", "x")], key=repr)


def test_call_distinct_on_chunked_and_empty_input() -> None:
    calls: list[tuple[object, object]] = []
    left = pa.chunked_array([["ab", "b"], ["ab"]])
    right = pa.chunked_array([["a"], ["a", "a"]])
    assert call_distinct(_recording(calls), left, right).to_pylist() == [True, False, True]
    assert len(calls) == 2
    assert call_distinct(_recording(calls), pa.array([], pa.string()), pa.array([], pa.string())).to_pylist() == []


def test_registered_predicate_memoises_across_vectors() -> None:
    """5,000 rows span three DuckDB vectors of 2,048; two distinct pairs mean two calls in all."""
    calls: list[tuple[object, object]] = []
    con = duckdb.connect()
    register_predicate(con, "starts", _recording(calls))
    rows = con.execute("SELECT count(*) FILTER (WHERE starts(CASE WHEN i % 2 = 0 THEN 'abc' ELSE 'zzz' END, 'a')),"
                       " count(*) FROM range(5000) AS t(i)").fetchone()
    assert rows == (2500, 5000)
    assert sorted(calls) == [("abc", "a"), ("zzz", "a")]
    nulls = con.execute("SELECT starts(NULL, 'a'), starts('a', NULL), starts('ab', 'a')").fetchone()
    assert nulls == (None, None, True)


def test_an_exception_in_the_predicate_fails_the_query() -> None:
    def broken(left: object, right: object) -> bool:
        raise ValueError("bad")

    con = duckdb.connect()
    register_predicate(con, "broken", broken)
    with pytest.raises(duckdb.Error):
        con.execute("SELECT broken('a', 'b')").fetchall()
