"""`sounding trend --format html`: pass/fail over time as inline SVG, one self-contained page without script."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from sounding.engine.report.html_assets import CSS
from sounding.engine.trend import COUNTED, Trend

COLORS = {"pass": "#1a7f37", "fail": "#cf222e", "other": "#8c959f"}
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 260, 56, 16, 16, 48
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def e(value: object) -> str:
    """HTML-escaped text, quotes included."""
    return escape(str(value), quote=True)


def totals(trend: Trend) -> list[dict[str, int]]:
    """Pass, fail and other summed over every series, per snapshot."""
    sums = [dict.fromkeys(COUNTED, 0) for _ in trend.snapshots]
    for counts in trend.series.values():
        for index, count in enumerate(counts):
            for status in COUNTED:
                sums[index][status] += count[status]
    return sums


def x_at(index: int, points: int) -> float:
    """The x of the index-th snapshot, evenly spaced (a single snapshot sits in the middle)."""
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if points == 1 else span * index / (points - 1))


def line_chart(trend: Trend) -> str:
    """Pass, fail and other findings per snapshot, oldest left, as one SVG with a point title per count."""
    sums = totals(trend)
    points = len(sums)
    top = max([max(s.values()) for s in sums] + [1])
    plot = HEIGHT - TOP - BOTTOM

    def y_at(value: int) -> float:
        return TOP + plot * (1 - value / top)

    parts = [f'<line x1="{LEFT}" y1="{y_at(v):.1f}" x2="{WIDTH - RIGHT}" y2="{y_at(v):.1f}" stroke="#eef1f4"/>'
             f'<text x="{LEFT - 6}" y="{y_at(v) + 4:.1f}" text-anchor="end" class="num">{v}</text>'
             for v in sorted({0, top // 2, top})]
    for index, facts in enumerate(trend.snapshots):
        parts.append(f'<text x="{x_at(index, points):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                     f'class="num"><title>{e(facts["snapshot"])}</title>{e(facts["collected_at"][:10])}</text>')
    for status in COUNTED:
        coords = [(x_at(i, points), y_at(s[status])) for i, s in enumerate(sums)]
        parts.append(f'<polyline fill="none" stroke="{COLORS[status]}" stroke-width="2" '
                     f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in coords)}"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS[status]}"><title>'
                     f'{e(trend.snapshots[i]["collected_at"])}: {sums[i][status]} {status}</title></circle>'
                     for i, (x, y) in enumerate(coords))
    legend = "".join(f'<li><span class="sw" style="background:{COLORS[s]}"></span>{s}</li>' for s in COUNTED)
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
            f'aria-label="Findings by status per snapshot">{"".join(parts)}</svg><ul class="legend">{legend}</ul>')


def sparkline(values: Sequence[int], color: str) -> str:
    """A small inline SVG line of one rule's counts over the snapshots."""
    top = max([*values, 1])
    step = 100 / max(len(values) - 1, 1)
    coords = " ".join(f"{i * step:.1f},{20 - 18 * v / top:.1f}" for i, v in enumerate(values))
    return (f'<svg viewBox="-2 0 104 22" width="104" height="22" role="img" aria-label="{e(values)}">'
            f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{coords}"/></svg>')


def rule_table(trend: Trend) -> str:
    """Per rule (series summed over accounts or regions): FAILs per snapshot, first and last counts."""
    per_rule: dict[str, list[dict[str, int]]] = {}
    for (rule_id, _value), counts in sorted(trend.series.items()):
        sums = per_rule.setdefault(rule_id, [dict.fromkeys(COUNTED, 0) for _ in counts])
        for index, count in enumerate(counts):
            for status in COUNTED:
                sums[index][status] += count[status]
    rows = "".join(
        f'<tr><td><code>{e(rule_id)}</code></td><td>{sparkline([c["fail"] for c in sums], COLORS["fail"])}</td>'
        f'<td class="num">{sums[0]["fail"]}</td><td class="num">{sums[-1]["fail"]}</td>'
        f'<td class="num">{sums[-1]["pass"]}</td></tr>'
        for rule_id, sums in per_rule.items() if sums)
    return (f'<table class="counts"><thead><tr><th>Rule</th><th>FAIL over time</th><th>First FAIL</th>'
            f'<th>Last FAIL</th><th>Last PASS</th></tr></thead><tbody>{rows}</tbody></table>')


def render(trend: Trend) -> str:
    """The trend page: the totals chart, then one line per rule."""
    first = trend.snapshots[0]["collected_at"] if trend.snapshots else ""
    last = trend.snapshots[-1]["collected_at"] if trend.snapshots else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Sounding trend · {e(first)} to {e(last)}</title><style>{CSS}</style></head>\n<body><main>\n"
            f'<header class="top"><h1>Sounding trend</h1><ul class="facts"><li>Snapshots <b>{len(trend.snapshots)}'
            f'</b></li><li>From <b>{e(first)}</b></li><li>To <b>{e(last)}</b></li><li>Series <b>'
            f'{len(trend.series)}</b></li></ul></header>\n'
            f'<section class="charts wide"><div class="card"><h2>Findings per snapshot</h2>{line_chart(trend)}'
            f'</div></section>\n<section class="charts wide"><div class="card"><h2>By rule</h2>{rule_table(trend)}'
            f"</div></section>\n<footer>Counts are findings (PASS, FAIL, other) of the same rules over each snapshot, "
            f"oldest first.</footer>\n</main></body></html>\n")
