"""The HTML report's inline stylesheet: no network, no CDN, one file."""

from __future__ import annotations

CSS = """
:root { --bg: #f5f6f8; --card: #fff; --ink: #1f2328; --muted: #59636e; --line: #d8dee4;
  --fail: #cf222e; --error: #bc4c00; --manual: #0969da; --pass: #1a7f37; --skip: #8c959f;
  --critical: #82071e; --high: #cf222e; --medium: #9a6700; --low: #0969da; --info: #6e7781; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 28px 48px; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 20px; margin-bottom: 16px; }
header.top h1 { margin: 0; font-size: 22px; }
header.top .facts { color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0; padding: 0;
  list-style: none; }
header.top .facts b { color: var(--ink); font-weight: 600; }
h2 { font-size: 16px; margin: 0 0 12px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; }
.tiles { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; margin-bottom: 16px; }
.tile { border-top: 4px solid var(--c); font: inherit; color: inherit; text-align: left; cursor: pointer; }
.tile:hover { box-shadow: 0 1px 4px rgba(31, 35, 40, .12); }
.tile .n { font-size: 30px; font-weight: 700; line-height: 1.1; color: var(--c); }
.tile .l { color: var(--muted); font-size: 12px; letter-spacing: .04em; text-transform: uppercase; }
.tile .w { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: 300px minmax(0, 1fr) minmax(0, 1.4fr); gap: 12px;
  margin-bottom: 16px; }
.donut { display: flex; align-items: center; gap: 16px; }
.donut svg { flex: none; }
.legend { list-style: none; margin: 0; padding: 0; font-size: 13px; }
.legend li { display: flex; align-items: center; gap: 6px; margin: 3px 0; }
.sw { width: 10px; height: 10px; border-radius: 2px; background: var(--c); display: inline-block; flex: none; }
table.bars { width: 100%; border-collapse: collapse; font-size: 13px; }
table.bars th { text-align: left; font-weight: 500; white-space: nowrap; padding: 4px 10px 4px 0; }
table.bars td { padding: 4px 0; width: 100%; }
table.bars td.num { width: auto; text-align: right; padding-left: 10px; color: var(--muted); white-space: nowrap;
  font-variant-numeric: tabular-nums; }
.bar { display: flex; height: 14px; border-radius: 3px; overflow: hidden; background: #eef1f4; }
.bar span { display: block; height: 100%; background: var(--c); }
.charts.wide { grid-template-columns: minmax(0, 1fr); }
svg.chart { display: block; font-size: 12px; }
svg.chart .lbl { fill: var(--ink); } svg.chart .num { fill: var(--muted); font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: 13px; margin: 8px 0 4px; }
table.counts { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
table.counts th, table.counts td { text-align: left; padding: 3px 12px 3px 0; border-bottom: 1px solid var(--line); }
table.counts td.num { text-align: right; font-variant-numeric: tabular-nums; }
.card details > summary { cursor: pointer; margin-top: 8px; color: var(--muted); }
.loading { color: var(--muted); padding: 8px 0; }
.pager { display: flex; gap: 8px; align-items: center; margin-top: 12px; flex-wrap: wrap; }
.pager button { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff;
  cursor: pointer; }
.pager button:disabled { opacity: .4; cursor: default; }
#page-info { color: var(--muted); font-size: 13px; }
.section-name { display: block; max-width: 260px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#findings .controls { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; margin-bottom: 12px; }
#findings input[type=search], #findings select { font: inherit; padding: 6px 8px; border: 1px solid var(--line);
  border-radius: 6px; background: #fff; }
#findings input[type=search] { flex: 1 1 240px; min-width: 180px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { display: inline-flex; align-items: center; gap: 5px; border: 1px solid var(--line); border-radius: 999px;
  padding: 3px 10px 3px 8px; cursor: pointer; user-select: none; background: #fff; font-size: 13px; }
.chip input { margin: 0; accent-color: var(--c); }
.shown { color: var(--muted); margin-left: auto; font-size: 13px; }
table.findings { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.findings th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); border-bottom: 2px solid var(--line); padding: 8px 8px; white-space: nowrap; }
table.findings th button { all: unset; cursor: pointer; }
table.findings th button::after { content: " \\2195"; opacity: .35; }
table.findings th[aria-sort=ascending] button::after { content: " \\2191"; opacity: 1; }
table.findings th[aria-sort=descending] button::after { content: " \\2193"; opacity: 1; }
table.findings td { border-bottom: 1px solid var(--line); padding: 8px; vertical-align: top; overflow-wrap: anywhere; }
table.findings tr.waived td { background: #fafbfc; }
col.c-status { width: 88px; } col.c-sev { width: 92px; } col.c-rule { width: 21%; } col.c-acct { width: 118px; }
col.c-region { width: 92px; } col.c-res { width: 20%; }
.waived-tag { display: block; margin-top: 4px; font-size: 11px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  color: #fff; background: var(--c); white-space: nowrap; }
.sev { display: inline-flex; align-items: center; gap: 6px; font-size: 13px; text-transform: capitalize; }
.sev::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--c); }
.rule-id, code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.rule-id { color: var(--muted); display: block; }
.resource code { word-break: break-all; }
details summary { cursor: pointer; }
details summary::marker { color: var(--muted); }
details .more { margin: 8px 0 2px; padding: 10px 12px; background: #f6f8fa; border-radius: 6px; }
details .more h4 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; color: var(--muted);
  letter-spacing: .04em; }
details .more p, details .more ul { margin: 0 0 10px; }
details .more pre { margin: 0; white-space: pre-wrap; font-size: 12px; }
.waiver { color: var(--muted); font-size: 12px; margin-top: 4px; }
.empty { color: var(--muted); padding: 16px 8px; }
footer { color: var(--muted); font-size: 12px; margin-top: 20px; }
.s-FAIL { --c: var(--fail); } .s-ERROR { --c: var(--error); } .s-MANUAL { --c: var(--manual); }
.s-PASS { --c: var(--pass); } .s-SKIP { --c: var(--skip); }
.v-critical { --c: var(--critical); } .v-high { --c: var(--high); } .v-medium { --c: var(--medium); }
.v-low { --c: var(--low); } .v-info { --c: var(--info); }
@media (max-width: 1100px) { .charts { grid-template-columns: 1fr 1fr; } .charts .sections { grid-column: 1 / -1; } }
@media (max-width: 760px) {
  main { padding: 14px 12px 32px; }
  .card { padding: 12px; }
  .tiles { grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 6px; }
  .tile { padding: 8px 6px; border-top-width: 3px; }
  .tile .n { font-size: 20px; }
  .tile .l { font-size: 10px; letter-spacing: 0; }
  .tile .w { display: none; }
  header.top h1 { font-size: 19px; }
  .charts { grid-template-columns: 1fr; }
  .section-name { max-width: 130px; }
  table.findings, table.findings tbody, table.findings tr, table.findings td { display: block; width: 100%; }
  table.findings thead, table.findings colgroup { display: none; }
  table.findings tr { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 10px; padding: 8px 10px;
    background: #fff; }
  table.findings td { border: 0; padding: 3px 0; }
  table.findings td.status, table.findings td.severity { display: inline-block; width: auto; margin-right: 10px; }
  table.findings td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 12px; }
  .shown { margin-left: 0; }
}
@media print { #findings .controls, .pager { display: none; } details { display: block; } }
"""
