"""HTML: one self-contained page: the summary first, then the findings as deflated columns shown a page at a time."""

from __future__ import annotations

import base64
import hashlib
import io
from typing import TextIO

from sounding.engine.evaluate import Evaluation
from sounding.engine.frameworks import control_summaries, registry
from sounding.engine.report.html_assets import CSS
from sounding.engine.report.html_charts import DISPLAY_ORDER, STATUS_LABELS, Counts, charts, count, e, frameworks
from sounding.engine.report.html_data import encode, json_script, write_blob
from sounding.engine.report.html_script import SCRIPT
from sounding.engine.report.summary import snapshot_facts
from sounding.engine.rules import SECTIONS, SEVERITIES, STATUSES

SHOWN_BY_DEFAULT = ("FAIL", "ERROR", "MANUAL")
PAGE_SIZE = 100
SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
# Nothing may load from anywhere: no fetch, no image, no font; only this page's own script runs.
CSP = (f"default-src 'none'; script-src 'sha256-{SCRIPT_HASH}'; style-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")


def account_names(evaluation: Evaluation) -> dict[str, str]:
    """Account id → name, from the snapshot."""
    return {a["account_id"]: a.get("name", "") for a in evaluation.snapshot.accounts if a.get("name")}


def header(evaluation: Evaluation) -> str:
    """The title and the snapshot's facts (accounts counted; every account is listed in the account summary)."""
    facts = snapshot_facts(evaluation.snapshot)
    accounts = facts["accounts"]
    shown = ", ".join(accounts[:5]) + (f" and {len(accounts) - 5} more" if len(accounts) > 5 else "")
    items = [("Collected", facts["collected_at"]), ("Accounts", f"{len(accounts)} ({shown})" if accounts else "none"),
             ("Regions", ", ".join(facts["regions"]) or "none"), ("Collection gaps", facts["gaps"]),
             ("Rules", len(evaluation.rules)), ("Sounding", facts["tool_version"])]
    lis = "".join(f"<li>{e(label)} <b>{e(value)}</b></li>" for label, value in items)
    return f'<header class="top"><h1>Sounding report</h1><ul class="facts">{lis}</ul></header>\n'


def tiles(counts: Counts) -> str:
    """One tile per status: its count, waived FAILs noted; a click shows only that status."""
    out = []
    for status in DISPLAY_ORDER:
        note = (f'<div class="w">{counts.waived} waived</div>' if status == "FAIL" and counts.waived
                else '<div class="w">&nbsp;</div>')
        out.append(f'<button type="button" class="card tile s-{status}" data-show-status="{status}" '
                   f'title="Show only {status} findings"><div class="n">{counts.by_status[status]}</div>'
                   f'<div class="l">{STATUS_LABELS[status]}</div>{note}</button>')
    return f'<section class="tiles" aria-label="Findings by status">{"".join(out)}</section>\n'


def select(element_id: str, label: str, options: list[tuple[str, str]]) -> str:
    """A filter select whose first option means 'all'."""
    items = "".join(f'<option value="{e(value)}">{e(text)}</option>' for value, text in options)
    return (f'<select id="{element_id}" aria-label="{e(label)}"><option value="">All {e(label.lower())}</option>'
            f'{items}</select>')


def controls(counts: Counts, names: dict[str, str], framework_ids: list[str]) -> str:
    """Search box, status chips, severity, section, account and framework selects, and the shown count."""
    chips = "".join(f'<label class="chip s-{s}"><input type="checkbox" name="status" value="{s}"'
                    f'{" checked" if s in SHOWN_BY_DEFAULT else ""}><span class="sw"></span>{STATUS_LABELS[s]}'
                    f'</label>' for s in DISPLAY_ORDER)
    known = registry()
    return (f'<div class="controls"><input type="search" id="filter-text" placeholder="Filter by rule, account, '
            f'resource, reason…" aria-label="Filter findings"><div class="chips">{chips}</div>'
            + select("filter-severity", "Severities", [(s, s.capitalize()) for s in SEVERITIES])
            + select("filter-section", "Sections",
                     [(str(n), f"{n}. {SECTIONS.get(n, str(n))}") for n in sorted(counts.by_section)])
            + select("filter-account", "Accounts",
                     [(a, f"{a} {names[a]}" if names.get(a) else a) for a in sorted(counts.by_account)])
            + select("filter-framework", "Frameworks",
                     [(f, known[f].title if f in known else f) for f in framework_ids])
            + '<span class="shown" id="shown-count"></span></div>')


def findings_section(counts: Counts, names: dict[str, str], framework_ids: list[str]) -> str:
    """The findings table's frame: the script fills its body a page at a time from the embedded columns."""
    heads = [("status", "Status"), ("severity", "Severity"), ("rule", "Rule"), ("account", "Account"),
             ("region", "Region"), ("resource", "Resource"), ("reason", "Reason")]
    ths = "".join(f'<th data-key="{k}" scope="col"><button type="button">{label}</button></th>' for k, label in heads)
    cols = "".join(f'<col class="c-{c}">' for c in ("status", "sev", "rule", "acct", "region", "res", "reason"))
    pager = ('<nav class="pager" aria-label="Pages"><button type="button" id="page-first">« First</button>'
             '<button type="button" id="page-prev">‹ Previous</button><span id="page-info"></span>'
             '<button type="button" id="page-next">Next ›</button><button type="button" id="page-last">Last »'
             '</button></nav>')
    return (f'<section id="findings" class="card"><h2>Findings</h2>{controls(counts, names, framework_ids)}'
            f'<p class="loading" id="load-status">Loading {counts.total} findings…</p>'
            f'<noscript><p class="loading">The findings table needs JavaScript; the summary above is complete. '
            f'Run <code>sounding evaluate --format csv</code> for the rows as text.</p></noscript>'
            f'<table class="findings" id="findings-table" data-page-size="{PAGE_SIZE}"><colgroup>{cols}</colgroup>'
            f'<thead><tr>{ths}</tr></thead><tbody></tbody></table>'
            f'<p class="empty" id="no-match" hidden>No finding matches the filters.</p>{pager}</section>\n')


def write(evaluation: Evaluation, out: TextIO) -> None:
    """Write the page: the summary (one pass over the findings), then the findings (a second pass) as columns."""
    counts = count(evaluation.findings)
    names = account_names(evaluation)
    summaries = control_summaries(evaluation.rules, counts.by_rule)
    collected = snapshot_facts(evaluation.snapshot)["collected_at"]
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
              f"<title>Sounding report · {e(collected)}</title><style>{CSS}</style></head>\n<body><main>\n")
    out.write(header(evaluation) + tiles(counts) + charts(counts, names) + frameworks(summaries))
    out.write(findings_section(counts, names, list(summaries)))
    out.write(f"<footer>Statuses: {' · '.join(STATUSES)}. Generated by Sounding from the snapshot collected "
              f"{e(collected)}; the same snapshot and rules always give this same file.</footer>\n</main>\n")
    columns, meta = encode(evaluation.findings, evaluation.rules, names)
    meta["page_size"] = PAGE_SIZE
    meta["shown_by_default"] = list(SHOWN_BY_DEFAULT)
    out.write(json_script("report-meta", meta))
    for name, data in columns.items():
        write_blob(out, name, data)
    out.write(f"<script>{SCRIPT}</script></body></html>\n")


def render(evaluation: Evaluation) -> str:
    """The whole page as one string (for tests and the FORMATS table)."""
    buffer = io.StringIO()
    write(evaluation, buffer)
    return buffer.getvalue()
