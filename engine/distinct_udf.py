"""Pure two-argument Python predicates as DuckDB Arrow UDFs that run once per distinct argument pair.

The alert and monitoring rules test the same few patterns against the same few probes in every
account (an organization deploys its EventBridge rules and metric filters from one template), so a
row-at-a-time UDF would parse the same JSON tens of thousands of times. Here DuckDB hands over a
vector of rows as Arrow arrays; the pairs are deduplicated in Arrow (dictionary encoding), the Python
function runs once per distinct pair (and is memoised across vectors of one connection), and the
answers are spread back to the rows with one `take`. NULL is an ordinary argument value: the function
decides what it means, exactly as with a row-at-a-time UDF registered with special NULL handling.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from duckdb import sqltypes

Predicate = Callable[[Any, Any], "bool | None"]

# Distinct argument pairs whose answers are kept per registered function, across vectors: an
# EventBridge pattern is at most a few KiB, so this bounds the memo to tens of MiB in the worker.
MEMO_SIZE = 4096


def _encoded(values: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """The values as one dictionary array whose dictionary holds NULL as an entry of its own."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return pc.dictionary_encode(values, null_encoding="encode")


def call_distinct(function: Predicate, left: pa.Array | pa.ChunkedArray,
                  right: pa.Array | pa.ChunkedArray) -> pa.Array:
    """function(left[i], right[i]) for every row, computed once per distinct (left, right) pair."""
    left_codes, right_codes = _encoded(left), _encoded(right)
    width = max(len(right_codes.dictionary), 1)
    pairs = pc.add(pc.multiply(left_codes.indices.cast(pa.int64()), width), right_codes.indices.cast(pa.int64()))
    pair_codes = pc.dictionary_encode(pairs)
    lefts, rights = left_codes.dictionary.to_pylist(), right_codes.dictionary.to_pylist()
    answers = [function(lefts[pair // width], rights[pair % width]) for pair in pair_codes.dictionary.to_pylist()]
    return pa.array(answers, pa.bool_()).take(pair_codes.indices)


def register_predicate(con: Any, name: str, function: Predicate) -> None:
    """Register `name(VARCHAR, VARCHAR) -> BOOLEAN` on a connection, vectorised and memoised."""
    memoised = lru_cache(maxsize=MEMO_SIZE)(function)

    def vectorised(left: pa.Array, right: pa.Array) -> pa.Array:
        return call_distinct(memoised, left, right)

    con.create_function(name, vectorised, [sqltypes.VARCHAR, sqltypes.VARCHAR], sqltypes.BOOLEAN,
                        type="arrow", null_handling="special", side_effects=False)
