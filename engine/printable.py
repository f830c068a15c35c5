"""Text a terminal shows as text, never as commands: one escaper for messages, errors and report cells."""

from __future__ import annotations


def printable(text: str) -> str:
    """The text with every control, format or bidi character (newline, ESC, BEL, C1, U+202A–U+202E,
    U+2066–U+2069, ...) written as its Python escape (\\n, \\x1b, \\u202e, \\U000e0001); the rest as is."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def terminal_safe(text: str) -> str:
    """One line a terminal shows as text: whitespace runs become one space, the rest as printable() writes it."""
    return printable(" ".join(text.split()))
