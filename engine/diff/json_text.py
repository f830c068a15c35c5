"""The diff's JSON text: the bytes of json.dumps(indent=2, sort_keys=True, ensure_ascii=False), faster.

With an indent, json.dumps runs its pure-Python encoder, a chain of generators per nesting level; a
diff at 1,000 accounts is ~150 MiB of it. This writer walks the value once, appending pieces to one
list, and escapes strings with the same C function json uses.
"""

from __future__ import annotations

import json
from json.encoder import py_encode_basestring
from typing import Any, TextIO

try:  # the C implementation json.dumps uses for strings when ensure_ascii=False
    from _json import encode_basestring
except ImportError:  # pragma: no cover - a Python without the C accelerator
    encode_basestring = py_encode_basestring

INDENT = "  "
FLUSH_PIECES = 4096
# Member types the C encoder writes exactly as the pure-Python one does (numbers differ only for
# float subclasses and NaN spelling, so they stay on the general path).
_FLAT = frozenset((str, bool, type(None)))
_ENCODERS: dict[str, json.JSONEncoder] = {}


def _flat_encoder(inner: str) -> json.JSONEncoder:
    """A C-accelerated encoder whose member separator is a line break and `inner`'s indent."""
    encoder = _ENCODERS.get(inner)
    if encoder is None:
        encoder = _ENCODERS[inner] = json.JSONEncoder(sort_keys=True, ensure_ascii=False,
                                                      separators=("," + inner, ": "))
    return encoder


class Written:
    """A value that writes its own JSON text (for many objects of one known shape, without a dict each)."""

    def json_text(self, newline: str) -> str:
        """The value as json.dumps(indent=2, sort_keys=True) would write it; `newline` ends in its indent."""
        raise NotImplementedError


def member(value: Any) -> str:
    """A string or null as json writes it (other scalars through json.dumps)."""
    if type(value) is str:
        return encode_basestring(value)
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


class _Pieces(list[str]):
    """Pieces of text not yet written, handed to `out` (when there is one) once there are enough."""

    def __init__(self, out: TextIO | None) -> None:
        super().__init__()
        self.out = out

    def spill(self) -> None:
        """Write what has gathered, so a long list is never held whole."""
        if self.out is not None and len(self) >= FLUSH_PIECES:
            self.out.write("".join(self))
            self.clear()


def dumps(value: Any) -> str:
    """`value` as json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) writes it."""
    parts = _Pieces(None)
    _write(value, "\n", parts)
    return "".join(parts)


def write(value: Any, out: TextIO) -> None:
    """Write dumps(value) to `out` as it is made, a few thousand pieces at a time."""
    parts = _Pieces(out)
    _write(value, "\n", parts)
    out.write("".join(parts))


def _write(value: Any, newline: str, parts: _Pieces) -> None:
    """Append `value`; `newline` is a line break followed by the current level's indent."""
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = newline + INDENT
        if all(type(item) in _FLAT for item in value.values()):
            # Only strings, null and booleans: the C encoder writes the members, our separator indents them.
            text = _flat_encoder(inner).encode(value)
            parts.append("{" + inner + text[1:-1] + newline + "}")
            return
        separator = "{" + inner
        for key, item in sorted(value.items()):
            name = encode_basestring(key) if isinstance(key, str) else _key(key)
            if type(item) is str:  # most members: one piece, no call
                parts.append(f"{separator}{name}: {encode_basestring(item)}")
            else:
                parts.append(f"{separator}{name}: ")
                _write(item, inner, parts)
            separator = "," + inner
        parts.append(newline + "}")
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = newline + INDENT
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            _write(item, inner, parts)
            separator = "," + inner
            parts.spill()
        parts.append(newline + "]")
    elif isinstance(value, Written):
        parts.append(value.json_text(newline))
    else:  # anything else: json.dumps decides (and raises the same TypeError for what JSON cannot hold)
        parts.append(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", newline))


def _float(value: float) -> str:
    """A float as json writes it: NaN and the infinities by name."""
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A non-string object key as json writes it (numbers, booleans and null become strings)."""
    return encode_basestring(next(iter(json.loads(json.dumps({key: 0})))))
