"""Plain-text table layout shared by the human-readable formats, safe to print on a terminal."""

from __future__ import annotations

from collections.abc import Sequence

import click
from sounding.engine.printable import terminal_safe

# Colours people scan for; only used when the output is a terminal (see engine/commands/common.colour_wanted).
COLOURS: dict[str, str] = {
    "FAIL": "red", "ERROR": "magenta", "MANUAL": "yellow", "PASS": "green", "SKIP": "bright_black",
    "critical": "bright_red", "high": "red", "medium": "yellow", "low": "cyan", "info": "bright_black",
}
COLOURED_HEADERS = frozenset(("Status", "Severity"))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_width: int | None = 80,
          colour: bool = False) -> str:
    """Left-aligned columns separated by two spaces; long cells cut with an ellipsis unless max_width is None.

    With `colour`, the Status and Severity columns are coloured after padding, so widths stay the same.
    """
    headers = [terminal_safe(str(h)) for h in headers]  # a query's column names are data too
    cells = [[_cut(terminal_safe(str(c)), max_width) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    painted = {i for i, h in enumerate(headers) if colour and h in COLOURED_HEADERS}
    lines = ["  ".join(h.ljust(widths[i]) for i, h in enumerate(headers)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        padded = [c.ljust(widths[i]) for i, c in enumerate(row)]
        if painted:
            padded = [_paint(row[i], p) if i in painted else p for i, p in enumerate(padded)]
        lines.append("  ".join(padded).rstrip())
    return "\n".join(lines) + "\n"


def _paint(value: str, padded: str) -> str:
    """The padded cell with its value coloured (the first word: "FAIL (waived)" is coloured as FAIL)."""
    colour = COLOURS.get(value.split(" ", 1)[0])
    if colour is None:
        return padded
    return click.style(value, fg=colour) + padded[len(value):]


def _cut(text: str, width: int | None) -> str:
    """At most `width` characters (no limit when None)."""
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def markdown_cell(text: str) -> str:
    """Our own documentation text in a Markdown table cell: one line, pipes escaped, its `code` kept."""
    return " ".join(text.split()).replace("|", "\\|")


def markdown_data(text: object) -> str:
    """Data (anything AWS or a snapshot supplied) in a Markdown table cell: one line, control and bidi
    characters as escapes (as on a terminal), then backslashes, backticks, pipes and angle brackets escaped,
    so no cell can close the table, open code or inject HTML."""
    flat = terminal_safe(str(text))
    return (flat.replace("\\", "\\\\").replace("`", "\\`").replace("|", "\\|")
            .replace("<", "&lt;").replace(">", "&gt;"))


def markdown_code(text: object) -> str:
    """Inline code for an identifier: fenced with one backtick more than the longest run inside it, pipes
    escaped (GitHub splits table cells on a pipe even inside code)."""
    flat = terminal_safe(str(text)).replace("|", "\\|")
    longest = run = 0
    for char in flat:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or (flat.startswith(" ") and flat.endswith(" ")) else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
