"""HTML: one self-contained page: snapshot facts, summary charts, then a filterable, sortable findings table."""

from __future__ import annotations

import json
import math
from html import escape

from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import STATUS_ORDER, Finding
from sounding.engine.report.common import rules_by_id
from sounding.engine.report.html_assets import CSS, SCRIPT
from sounding.engine.report.summary import snapshot_facts, summarize
from sounding.engine.rules import SECTIONS, SEVERITIES, STATUSES, Rule

SHOWN_BY_DEFAULT = ("FAIL", "ERROR", "MANUAL")
STATUS_LABELS = {"FAIL": "Fail", "ERROR": "Error", "MANUAL": "Manual", "PASS": "Pass", "SKIP": "Skip"}
STATUS_COLORS = {"FAIL": "#cf222e", "ERROR": "#bc4c00", "MANUAL": "#0969da", "PASS": "#1a7f37", "SKIP": "#8c959f"}
DISPLAY_ORDER = ("FAIL", "ERROR", "MANUAL", "PASS", "SKIP")
WAIVED_TAG = '<span class="waived-tag">waived</span>'


def e(value: object) -> str:
    """HTML-escaped text, quotes included."""
    return escape(str(value), quote=True)


def header(evaluation: Evaluation) -> str:
    """The title and the snapshot's facts."""
    facts = snapshot_facts(evaluation.snapshot)
    names = {a["account_id"]: a.get("name", "") for a in evaluation.snapshot.accounts}
    accounts = ", ".join(f"{a} ({names[a]})" if names.get(a) else a for a in facts["accounts"])
    items = [("Collected", facts["collected_at"]), ("Accounts", accounts or "none"),
             ("Regions", ", ".join(facts["regions"]) or "none"), ("Collection gaps", facts["gaps"]),
             ("Rules", len(evaluation.rules)), ("Sounding", facts["tool_version"])]
    lis = "".join(f"<li>{e(label)} <b>{e(value)}</b></li>" for label, value in items)
    return f'<header class="top"><h1>Sounding report</h1><ul class="facts">{lis}</ul></header>\n'


def tiles(summary: dict) -> str:
    """One tile per status: its count, waived FAILs noted."""
    waived = summary["waived"]
    out = []
    for status in DISPLAY_ORDER:
        note = f'<div class="w">{waived} waived</div>' if status == "FAIL" and waived else '<div class="w">&nbsp;</div>'
        out.append(f'<button type="button" class="card tile s-{status}" data-show-status="{status}" '
                   f'title="Show only {status} findings"><div class="n">{summary["by_status"][status]}</div>'
                   f'<div class="l">{STATUS_LABELS[status]}</div>{note}</button>')
    return f'<section class="tiles" aria-label="Findings by status">{"".join(out)}</section>\n'


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


def bar(counts: dict[str, int], scale: int) -> str:
    """A stacked bar of status counts, as wide as its share of `scale`."""
    spans = "".join(f'<span class="s-{s}" style="width:{100 * counts[s] / scale:.3f}%" title="{s}: {counts[s]}">'
                    f'</span>' for s in DISPLAY_ORDER if counts[s])
    return f'<div class="bar" role="img" aria-label="{e(", ".join(f"{s} {counts[s]}" for s in DISPLAY_ORDER))}">' \
           f'{spans}</div>'


def bar_table(title: str, css: str, rows: list[tuple[str, str, dict[str, int]]]) -> str:
    """A card of labelled stacked bars sharing one scale."""
    scale = max([sum(c.values()) for _, _, c in rows] + [1])
    body = "".join(f'<tr><th class="{cls}"><span class="{"sev" if cls.startswith("v-") else "section-name"}" '
                   f'title="{e(label)}">{e(label)}</span></th><td>{bar(counts, scale)}</td>'
                   f'<td class="num">{counts["FAIL"]} fail / {sum(counts.values())}</td></tr>'
                   for label, cls, counts in rows)
    return f'<div class="card {css}"><h2>{e(title)}</h2><table class="bars">{body}</table></div>'


def charts(summary: dict) -> str:
    """The status donut, the severity bars and the section bars."""
    severities = [(s, f"v-{s}", summary["by_severity"][s]) for s in SEVERITIES]
    sections = [(name, "", counts) for name, counts in summary["by_section"].items()]
    return (f'<section class="charts" aria-label="Summary">{donut(summary["by_status"])}'
            f'{bar_table("By severity", "severity", severities)}{bar_table("By section", "sections", sections)}'
            f'</section>\n')


def more(finding: Finding, rule: Rule | None) -> str:
    """The expandable part of a finding: why the rule matters, how to fix it, references, details."""
    parts = []
    if rule is not None:
        parts.append(f"<h4>Why it matters</h4><p>{e(rule.description)}</p>")
        parts.append(f"<h4>Remediation</h4><p>{e(rule.remediation)}</p>")
        if rule.frameworks:
            parts.append(f"<h4>Frameworks</h4><p>{e(', '.join(rule.frameworks))}</p>")
        if rule.references:
            refs = "".join(f"<li><code>{e(url)}</code></li>" for url in rule.references)
            parts.append(f"<h4>References</h4><ul>{refs}</ul>")
    if finding.details:
        parts.append(f"<h4>Details</h4><pre>{e(json.dumps(finding.details, indent=2, sort_keys=True))}</pre>")
    return f'<div class="more">{"".join(parts)}</div>' if parts else ""


def row(order: int, finding: Finding, rule: Rule | None) -> str:
    """One findings-table row with the data attributes the script filters and sorts on."""
    text = " ".join((finding.rule_id, finding.title, finding.account_id, finding.region, finding.resource_id,
                     finding.reason, finding.waiver_reason)).lower()
    data = {"order": order, "status": finding.status, "status-rank": STATUS_ORDER[finding.status],
            "severity": finding.severity, "severity-rank": SEVERITIES.index(finding.severity),
            "section": finding.section, "rule": finding.rule_id, "account": finding.account_id,
            "region": finding.region, "resource": finding.resource_id, "reason": finding.reason, "text": text}
    attrs = " ".join(f'data-{k}="{e(v)}"' for k, v in data.items())
    waiver = f'<div class="waiver">Waived: {e(finding.waiver_reason)}</div>' if finding.waived else ""
    hidden = "" if finding.status in SHOWN_BY_DEFAULT else " hidden"
    return (f'<tr class="finding{" waived" if finding.waived else ""}" {attrs}{hidden}>'
            f'<td class="status"><span class="badge s-{finding.status}">{e(finding.status)}</span>'
            f'{WAIVED_TAG if finding.waived else ""}</td>'
            f'<td class="severity"><span class="sev v-{finding.severity}">{e(finding.severity)}</span></td>'
            f'<td data-label="Rule">{e(finding.title)}<span class="rule-id">{e(finding.rule_id)}</span></td>'
            f'<td data-label="Account"><code>{e(finding.account_id)}</code></td>'
            f'<td data-label="Region">{e(finding.region)}</td>'
            f'<td data-label="Resource" class="resource"><code>{e(finding.resource_id)}</code></td>'
            f'<td data-label="Reason"><details><summary>{e(finding.reason)}</summary>{more(finding, rule)}</details>'
            f'{waiver}</td></tr>\n')


def controls(evaluation: Evaluation) -> str:
    """Search box, status chips, severity and section selects, and the shown count."""
    chips = "".join(f'<label class="chip s-{s}"><input type="checkbox" name="status" value="{s}"'
                    f'{" checked" if s in SHOWN_BY_DEFAULT else ""}><span class="sw"></span>{STATUS_LABELS[s]}'
                    f'</label>' for s in DISPLAY_ORDER)
    severities = "".join(f'<option value="{s}">{s.capitalize()}</option>' for s in SEVERITIES)
    sections = "".join(f'<option value="{n}">{n}. {e(SECTIONS.get(n, str(n)))}</option>'
                       for n in sorted({f.section for f in evaluation.findings}))
    return (f'<div class="controls"><input type="search" id="filter-text" placeholder="Filter by rule, account, '
            f'resource, reason…" aria-label="Filter findings"><div class="chips">{chips}</div>'
            f'<select id="filter-severity" aria-label="Severity"><option value="">All severities</option>'
            f'{severities}</select><select id="filter-section" aria-label="Section"><option value="">All sections'
            f'</option>{sections}</select><span class="shown" id="shown-count"></span></div>')


def findings_table(evaluation: Evaluation) -> str:
    """Every finding, the ones that need action first, worst severity first."""
    rules = rules_by_id(evaluation)
    ordered = sorted(evaluation.findings, key=lambda f: (STATUS_ORDER[f.status], SEVERITIES.index(f.severity),
                                                         f.sort_key()))
    heads = [("status", "Status"), ("severity", "Severity"), ("rule", "Rule"), ("account", "Account"),
             ("region", "Region"), ("resource", "Resource"), ("reason", "Reason")]
    ths = "".join(f'<th data-key="{k}" scope="col"><button type="button">{label}</button></th>' for k, label in heads)
    cols = "".join(f'<col class="c-{c}">' for c in ("status", "sev", "rule", "acct", "region", "res", "reason"))
    body = "".join(row(i, f, rules.get(f.rule_id)) for i, f in enumerate(ordered))
    return (f'<section id="findings" class="card"><h2>Findings</h2>{controls(evaluation)}'
            f'<table class="findings" id="findings-table"><colgroup>{cols}</colgroup><thead><tr>{ths}</tr></thead>'
            f'<tbody>\n{body}</tbody></table><p class="empty" id="no-match" hidden>No finding matches the filters.'
            f'</p></section>\n')


def render(evaluation: Evaluation) -> str:
    """The whole page as one HTML document."""
    summary = summarize(evaluation)
    collected = snapshot_facts(evaluation.snapshot)["collected_at"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Sounding report · {e(collected)}</title><style>{CSS}</style></head>\n<body><main>\n"
            f"{header(evaluation)}{tiles(summary)}{charts(summary)}{findings_table(evaluation)}"
            f"<footer>Statuses: {' · '.join(STATUSES)}. Generated by Sounding from the snapshot collected "
            f"{e(collected)}; the same snapshot and rules always give this same file.</footer>\n"
            f"</main><script>{SCRIPT}</script></body></html>\n")
