"""`sounding trend --format html`: a self-contained page charting pass/fail per snapshot and per rule."""

from __future__ import annotations

import re
from pathlib import Path

from sounding.engine.report.trend_html import render
from sounding.engine.trend import Trend

from tests.engine.test_trend import run, snapshots

SNAPSHOTS = [{"snapshot": "one", "collected_at": "2026-03-01T00:00:00Z"},
             {"snapshot": "two", "collected_at": "2026-03-02T00:00:00Z"}]


def test_chart_points_are_the_summed_counts() -> None:
    """Each point's title is the total of its status over every series; the table sums per rule."""
    trend = Trend("account", SNAPSHOTS, {
        ("r1", "111111111111"): [{"pass": 1, "fail": 2, "other": 0}, {"pass": 3, "fail": 0, "other": 0}],
        ("r1", "222222222222"): [{"pass": 0, "fail": 1, "other": 1}, {"pass": 1, "fail": 1, "other": 0}]})
    page = render(trend)
    points = re.findall(r"<circle [^>]*><title>([^<]+)</title>", page)
    assert points == ["2026-03-01T00:00:00Z: 1 pass", "2026-03-02T00:00:00Z: 4 pass",
                      "2026-03-01T00:00:00Z: 3 fail", "2026-03-02T00:00:00Z: 1 fail",
                      "2026-03-01T00:00:00Z: 1 other", "2026-03-02T00:00:00Z: 0 other"]
    assert re.findall(r'<td><code>(\w+)</code></td><td><svg[^>]*aria-label="([^"]+)"', page) == [("r1", "[3, 1]")]
    assert re.findall(r'<td class="num">(\d+)</td>', page) == ["3", "1", "4"]
    assert "<script" not in page and " src=" not in page and " href=" not in page
    assert "default-src 'none'" in page
    assert render(trend) == page


def test_one_snapshot_sits_in_the_middle() -> None:
    """A single snapshot still draws: its points centred."""
    page = render(Trend("rule", SNAPSHOTS[:1], {("r1", ""): [{"pass": 2, "fail": 0, "other": 0}]}))
    assert re.findall(r'<circle cx="([\d.]+)"', page) == ["380.0"] * 3


def test_trend_command_writes_html(tmp_path: Path) -> None:
    """`sounding trend --format html` renders the three snapshots oldest first."""
    root = snapshots(tmp_path)
    page = run(root, "--no-builtin", "--rules", tmp_path / "rules", "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and "Snapshots <b>3</b>" in page
    assert re.findall(r"<circle [^>]*><title>([^<]+)</title>", page)[3:6] == [
        "2026-03-01T00:00:00.000000Z: 2 fail", "2026-03-02T00:00:00.000000Z: 1 fail",
        "2026-03-03T00:00:00.000000Z: 0 fail"]
