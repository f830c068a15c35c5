"""The diff's JSON writer gives json.dumps(indent=2, sort_keys=True, ensure_ascii=False)'s exact bytes."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from sounding.engine.diff.json_text import dumps

DOCUMENTS: list[Any] = [
    {},
    [],
    "plain",
    None,
    {"b": 1, "a": [], "c": {}, "d": [{}], "e": [[]]},
    {"text": "üñï \u2028 \"quoted\" \\ \n\t\x00\x1f 𝄞 </script>", "ascii": "ok"},
    {"flat": {"s": "x", "n": None, "t": True, "f": False}, "mixed": {"i": 1, "s": "x"}},
    {"numbers": [0, -1, 2**70, 1.0, -0.0, 1e-7, 1e22, 0.1 + 0.2, float("nan"), float("inf"), float("-inf")]},
    {"bools": [True, False, 1, 0], "nested": {"z": [{"y": {"x": [1, "two", None, {"w": []}]}}]}},
    {"tuple": (1, "a", (2,)), "list_of_flat": [{"k": "v", "n": None}, {"k": "w", "b": True}]},
    {"finding": {"rule_id": "iam_root_mfa", "old_status": None, "new_status": "FAIL", "title": "Root MFA",
                 "reason": "ça: no MFA device", "account_id": "111111111111", "region": "global"}},
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_the_same_bytes_as_json_dumps(document: Any) -> None:
    assert dumps(document) == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


def test_non_string_keys_are_written_as_json_writes_them() -> None:
    for document in ({1: "a", 2: "b"}, {1.5: [1]}, {True: {"x": 1}}, {None: "n"}):
        assert dumps(document) == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


def test_what_json_cannot_hold_fails_as_json_dumps_fails() -> None:
    with pytest.raises(TypeError, match="Decimal is not JSON serializable"):
        dumps({"a": {"b": Decimal("1.5")}})


def test_written_in_pieces_as_it_is_made_with_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from sounding.engine.diff import json_text

    class Recorder(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            Recorder.writes += 1
            return super().write(text)

    document = {"findings": {"still_failing": [{"rule_id": f"r{i}", "n": i} for i in range(500)]}, "x": [[1], []]}
    monkeypatch.setattr(json_text, "FLUSH_PIECES", 100)
    out = Recorder()
    json_text.write(document, out)
    assert out.getvalue() == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)
    assert Recorder.writes > 10
