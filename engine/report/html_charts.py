"""The HTML report's summary: counts from one pass, and inline SVG charts (no library, no network)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

from sounding.engine.findings import Finding
from sounding.engine.frameworks import CONTROL_ORDER, ControlSummary, registry, status_totals
from sounding.engine.rules import SECTIONS, SEVERITIES

DISPLAY_ORDER = ("FAIL", "ERROR", "MANUAL", "PASS", "SKIP")
STATUS_LABELS = {"FAIL": "Fail", "ERROR": "Error", "MANUAL": "Manual", "PASS": "Pass", "SKIP": "Skip"}
STATUS_COLORS = {"FAIL": "#cf222e", "ERROR": "#bc4c00", "MANUAL": "#0969da", "PASS": "#1a7f37", "SKIP": "#8c959f"}
TOP_ACCOUNTS = 25
# Chart geometry in SVG units (shown at about one unit a pixel): total width, label column, count column.
NARROW, MEDIUM, WIDE = (380, 70, 110), (560, 200, 110), (900, 340, 130)
ROW_HEIGHT = 22


def e(value: object) -> str:
    """HTML-escaped text, quotes included."""
    return escape(str(value), quote=True)


def zero() -> dict[str, int]:
    """A count per status, all zero."""
    return dict.fromkeys(DISPLAY_ORDER, 0)


@dataclass
class Counts:
    """Everything the summary shows, counted in one pass over the findings."""

    total: int = 0
    waived: int = 0
    by_status: dict[str, int] = field(default_factory=zero)
    by_severity: dict[str, dict[str, int]] = field(default_factory=lambda: {s: zero() for s in SEVERITIES})
    by_section: dict[int, dict[str, int]] = field(default_factory=dict)
    by_account: dict[str, dict[str, int]] = field(default_factory=dict)
    by_rule: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        """Count one finding."""
        status = finding.status
        self.total += 1
        self.waived += finding.waived
        self.by_status[status] += 1
        self.by_severity[finding.severity][status] += 1
        self.by_section.setdefault(finding.section, zero())[status] += 1
        self.by_account.setdefault(finding.account_id, zero())[status] += 1
        self.by_rule.setdefault(finding.rule_id, zero())[status] += 1


def count(findings: Iterable[Finding]) -> Counts:
    """The summary counts of the findings."""
    counts = Counts()
    for finding in findings:
        counts.add(finding)
    return counts


def donut(counts: dict[str, int]) -> str:
    """An inline SVG donut of the findings by status, with its legend."""
    total = sum(counts.values())
    radius, width = 52.0, 18.0
    circumference = 2 * math.pi * radius
    arcs, offset = [], 0.0
    for status in DISPLAY_ORDER:
        if not counts[status]:
            continue
        length = circumference * counts[status] / total
        arcs.append(f'<circle cx="70" cy="70" r="{radius:g}" fill="none" stroke="{STATUS_COLORS[status]}" '
                    f'stroke-width="{width:g}" stroke-dasharray="{length:.3f} {circumference - length:.3f}" '
                    f'stroke-dashoffset="{-offset:.3f}" transform="rotate(-90 70 70)">'
                    f'<title>{status}: {counts[status]}</title></circle>')
        offset += length
    if not arcs:
        arcs.append(f'<circle cx="70" cy="70" r="{radius:g}" fill="none" stroke="#eef1f4" stroke-width="{width:g}"/>')
    svg = (f'<svg width="140" height="140" viewBox="0 0 140 140" role="img" aria-label="Findings by status">'
           f'{"".join(arcs)}<text x="70" y="68" text-anchor="middle" font-size="24" font-weight="700" '
           f'fill="#1f2328">{total}</text><text x="70" y="88" text-anchor="middle" font-size="12" '
           f'fill="#59636e">findings</text></svg>')
    legend = "".join(f'<li class="s-{s}"><span class="sw"></span>{STATUS_LABELS[s]} <b>{counts[s]}</b></li>'
                     for s in DISPLAY_ORDER)
    return f'<div class="card"><h2>Status</h2><div class="donut">{svg}<ul class="legend">{legend}</ul></div></div>'


def bar_chart(label: str, rows: Sequence[tuple[str, dict[str, int]]], unit: str = "fail",
              geometry: tuple[int, int, int] = MEDIUM) -> str:
    """Labelled stacked bars of status counts in one inline SVG, sharing one scale."""
    chart_width, label_width, count_width = geometry
    scale = max([sum(c.values()) for _, c in rows] + [1])
    span = chart_width - label_width - count_width
    fits = label_width // 7
    parts = []
    for index, (name, counts) in enumerate(rows):
        y = index * ROW_HEIGHT
        short = name if len(name) <= fits else name[:fits - 1] + "…"
        parts.append(f'<text x="0" y="{y + 15}" class="lbl"><title>{e(name)}</title>{e(short)}</text>'
                     f'<rect x="{label_width}" y="{y + 4}" width="{span}" height="14" rx="3" fill="#eef1f4"/>')
        x = float(label_width)
        for status in DISPLAY_ORDER:
            if counts.get(status):
                width = span * counts[status] / scale
                parts.append(f'<rect x="{x:.2f}" y="{y + 4}" width="{width:.2f}" height="14" '
                             f'fill="{STATUS_COLORS[status]}"><title>{e(name)}: {status} {counts[status]}</title>'
                             f'</rect>')
                x += width
        parts.append(f'<text x="{chart_width}" y="{y + 15}" text-anchor="end" class="num">'
                     f'{counts.get("FAIL", 0)} {unit} / {sum(counts.values())}</text>')
    height = max(len(rows), 1) * ROW_HEIGHT
    return (f'<svg class="chart" viewBox="0 0 {chart_width} {height}" width="100%" '
            f'style="max-width:{chart_width}px" role="img" '
            f'aria-label="{e(label)}">{"".join(parts)}</svg>')


def card(title: str, css: str, body: str) -> str:
    """A summary card."""
    return f'<div class="card {css}"><h2>{e(title)}</h2>{body}</div>'


def worst_first(items: Iterable[tuple[str, dict[str, int]]]) -> list[tuple[str, dict[str, int]]]:
    """Most FAILs first, then ERRORs, then by name."""
    return sorted(items, key=lambda item: (-item[1]["FAIL"], -item[1]["ERROR"], item[0]))


def account_table(counts: Counts, names: dict[str, str]) -> str:
    """Every account's counts, worst first, folded away: at 1,000 accounts it is long."""
    heads = "".join(f"<th>{STATUS_LABELS[s]}</th>" for s in DISPLAY_ORDER)
    rows = "".join(f'<tr><td><code>{e(account)}</code></td><td>{e(names.get(account, ""))}</td>'
                   + "".join(f'<td class="num">{c[s]}</td>' for s in DISPLAY_ORDER) + "</tr>"
                   for account, c in worst_first(counts.by_account.items()))
    return (f'<details><summary>All {len(counts.by_account)} accounts</summary><table class="counts">'
            f'<thead><tr><th>Account</th><th>Name</th>{heads}</tr></thead><tbody>{rows}</tbody></table></details>')


def charts(counts: Counts, names: dict[str, str]) -> str:
    """The status donut, bars by severity, failures by section and by account (worst accounts first)."""
    severities = [(s.capitalize(), counts.by_severity[s]) for s in SEVERITIES]
    sections = [(f"{n}. {SECTIONS.get(n, str(n))}", c) for n, c in sorted(counts.by_section.items())]
    accounts = worst_first(counts.by_account.items())
    shown = [(f"{a} {names[a]}" if names.get(a) else a, c) for a, c in accounts[:TOP_ACCOUNTS]]
    rest = accounts[TOP_ACCOUNTS:]
    note = (f'<p class="note">{len(rest)} more account(s) with {sum(c["FAIL"] for _, c in rest)} FAIL(s) '
            f'in all.</p>' if rest else "")
    title = f"By account (worst {TOP_ACCOUNTS})" if rest else "By account"
    by_account = bar_chart("Failures by account", shown, geometry=WIDE) + note + account_table(counts, names)
    return (f'<section class="charts" aria-label="Summary">{donut(counts.by_status)}'
            f'{card("By severity", "severity", bar_chart("Findings by severity", severities, geometry=NARROW))}'
            f'{card("By section", "sections", bar_chart("Failures by section", sections))}</section>\n'
            f'<section class="charts wide" aria-label="Accounts">{card(title, "accounts", by_account)}</section>\n')


def control_row(control: ControlSummary) -> str:
    """One control: its status badge, id, rules and finding counts."""
    counts = " · ".join(f"{control.counts[s]} {s}" for s in CONTROL_ORDER if control.counts[s]) or "no findings"
    return (f'<tr><td><span class="badge s-{control.status}">{control.status}</span></td>'
            f'<td><code>{e(control.control)}</code></td><td>{e(", ".join(control.rules))}</td>'
            f'<td>{e(counts)}</td></tr>')


def frameworks(summaries: dict[str, list[ControlSummary]]) -> str:
    """Per framework: controls by status in one bar, then each control (worst status of its rules' findings)."""
    if not summaries:
        return ""
    known = registry()
    rows = [(known[f].title if f in known else f, status_totals(controls)) for f, controls in summaries.items()]
    details = "".join(
        f'<details><summary>{e(known[f].title if f in known else f)}: {len(controls)} control(s)</summary>'
        f'<table class="counts"><thead><tr><th>Status</th><th>Control</th><th>Rules</th><th>Findings</th></tr>'
        f'</thead><tbody>{"".join(control_row(c) for c in controls)}</tbody></table></details>'
        for f, controls in summaries.items())
    body = bar_chart("Controls by status, per framework", rows, unit="failing", geometry=WIDE) + details
    return (f'<section class="charts wide" aria-label="Frameworks">'
            f'{card("Frameworks (controls by status)", "frameworks", body)}</section>\n')
