"""One escaper for everything Sounding prints to a terminal: messages, errors and report cells."""

from __future__ import annotations

import pytest
from sounding.engine.printable import printable, terminal_safe


@pytest.mark.parametrize(("text", "shown"), [
    ("plain text, ünïcode", "plain text, ünïcode"),
    ("two\nlines", "two\\nlines"),
    ("\x1b[31mred\x07", "\\x1b[31mred\\x07"),
    ("\x85 next line (C1)", "\\x85 next line (C1)"),
    ("bidi \u202eevil\u2066", "bidi \\u202eevil\\u2066"),
    ("tag \U000e0001", "tag \\U000e0001"),
])
def test_printable_escapes_every_control_format_and_bidi_character(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_terminal_safe_flattens_whitespace_then_escapes_the_rest() -> None:
    assert terminal_safe(" a \n\t b\r\n\x1b[2J c\u2028d ") == "a b \\x1b[2J c d"


def test_the_commands_and_the_reports_share_it() -> None:
    from sounding.engine.commands import common
    from sounding.engine.report import text

    assert common.printable is printable
    assert text.terminal_safe is terminal_safe
