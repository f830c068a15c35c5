"""HTML: one self-contained page, summary first, every finding in the embedded columns, nothing loaded."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sounding.engine.evaluate import Evaluation
from sounding.engine.findings import Finding
from sounding.engine.report import html
from sounding.engine.report.html_charts import TOP_ACCOUNTS, Counts, charts
from sounding.engine.report.html_data import decode, escape_line, json_script, unescape_line

from benchmarks.chromium import Chromium, chromium_binary
from tests.engine.report.streams import streamed


class PageOutline(HTMLParser):
    """Collects what the tests check: ids in order, URL attributes, tags, scripts by type and their text."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[tuple[str, str, str]] = []  # (type, id, text)
        self.metas: list[dict[str, str]] = []
        self._script: tuple[str, str] | None = None
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "svg":
            self.svgs += 1
        if tag == "meta":
            self.metas.append(values)
        if tag == "script":
            self._script = (values.get("type", ""), values.get("id", ""))
        self.urls.extend(values[k] for k in ("src", "href", "action", "xlink:href", "srcset") if k in values)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((*self._script, data))
            self._script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((*self._script, ""))
            self._script = None


def outline(text: str) -> PageOutline:
    """The parsed page."""
    parser = PageOutline()
    parser.feed(text)
    return parser


def embedded(text: str) -> tuple[dict, list[tuple]]:
    """The page's metadata and its findings read back from the columns, as the script reads them."""
    page = outline(text)
    meta = json.loads(next(t for kind, i, t in page.scripts if i == "report-meta"))
    columns = decode({i.removeprefix("col-"): base64.b64decode(t) for kind, i, t in page.scripts
                      if kind == "application/octet-stream"})
    rows = []
    for k in range(meta["count"]):
        rule = meta["rules"][columns["rule"][k]]
        details = columns["details"][k]
        waiver = columns["waiver"][k]
        status = meta["statuses"][columns["status"][k]]
        rows.append((rule["id"], rule["title"], rule["severity"], rule["section"], status,
                     meta["accounts"][columns["account"][k]][0], meta["regions"][columns["region"][k]],
                     columns["resource"][k], columns["reason"][k], json.loads(details) if details else {},
                     waiver.startswith("+"), waiver[1:]))
    return meta, rows


def as_tuple(f: Finding) -> tuple:
    """A finding as the columns hold it."""
    return (f.rule_id, f.title, f.severity, f.section, f.status, f.account_id, f.region, f.resource_id, f.reason,
            f.details, f.waived, f.waiver_reason)


def test_self_contained(evaluation: Evaluation) -> None:
    """No URL attribute, no link; one executable script, allowed by its hash in a CSP that forbids every load."""
    page = outline(html.render(evaluation))
    assert page.urls == [] and "link" not in page.tags and "img" not in page.tags and page.tags.count("style") == 1
    executable = [t for kind, _i, t in page.scripts if kind == ""]
    assert len(executable) == 1
    csp = next(m["content"] for m in page.metas if m.get("http-equiv") == "Content-Security-Policy")
    digest = base64.b64encode(hashlib.sha256(executable[0].encode("utf-8")).digest()).decode("ascii")
    assert csp == (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
                   "base-uri 'none'; form-action 'none'")
    assert {kind for kind, _i, _t in page.scripts} == {"", "application/json", "application/octet-stream"}


def test_columns_hold_every_finding_exactly(evaluation: Evaluation) -> None:
    """Each finding, in the evaluation's order, reads back from the columns field for field (waiver included)."""
    meta, rows = embedded(html.render(evaluation))
    assert rows == [as_tuple(f) for f in evaluation.findings]
    assert meta["count"] == 13 and meta["statuses"] == ["FAIL", "ERROR", "MANUAL", "PASS", "SKIP"]
    assert meta["accounts"] == [["111111111111", "Management"], ["222222222222", "Member"]]
    root = next(r for r in meta["rules"] if r["id"] == "report_root_mfa")
    assert root["frameworks"] == ["cis-3.0:1.5", "fsbp:IAM.9"]
    assert root["remediation"] == "Sign in as root and assign a hardware key under IAM > Security credentials."


def test_only_iterates_the_findings(evaluation: Evaluation) -> None:
    """A findings stream that cannot be indexed or counted gives the same bytes as the list."""
    assert html.render(streamed(evaluation)) == html.render(evaluation)


def test_summary_comes_before_findings(evaluation: Evaluation) -> None:
    """Facts, tiles, charts, frameworks, the table's frame; then the data and last the script."""
    text = html.render(evaluation)
    order = [text.index(marker) for marker in ('class="facts"', 'class="tiles"', 'aria-label="Summary"',
                                                'aria-label="Accounts"', 'aria-label="Frameworks"', 'id="findings"',
                                                'id="findings-table"', 'id="report-meta"', 'id="col-rule"',
                                                "<script>")]
    assert order == sorted(order)
    page = outline(text)
    assert page.svgs == 5  # donut, severity, section, account, frameworks
    assert {"filter-text", "filter-severity", "filter-section", "filter-account", "filter-framework",
            "shown-count", "page-next"} <= set(page.ids)


def test_tiles_and_framework_controls(evaluation: Evaluation) -> None:
    """Tiles count each status; each control takes the worst status of its rules' findings."""
    text = html.render(evaluation)
    tiles = re.findall(r'data-show-status="(\w+)"[^>]*><div class="n">(\d+)</div>', text)
    assert tiles == [("FAIL", "5"), ("ERROR", "1"), ("MANUAL", "1"), ("PASS", "5"), ("SKIP", "1")]
    assert '<div class="w">1 waived</div>' in text
    controls = re.findall(r'<tr><td><span class="badge s-(\w+)">\w+</span></td><td><code>([^<]+)</code></td>'
                          r'<td>([^<]+)</td><td>([^<]+)</td></tr>', text)
    assert controls == [("FAIL", "1.5", "report_root_mfa", "1 FAIL · 1 PASS"),
                        ("FAIL", "1.10", "report_user_mfa", "2 FAIL · 1 PASS"),
                        ("FAIL", "IAM.9", "report_root_mfa", "1 FAIL · 1 PASS")]
    assert "CIS AWS Foundations Benchmark v3.0.0: 2 control(s)" in text
    assert "AWS Foundational Security Best Practices v1.0.0: 1 control(s)" in text


def test_text_is_escaped(evaluation: Evaluation) -> None:
    """No finding text appears raw; JSON in a script cannot close it; lines escape and read back exactly."""
    text = html.render(evaluation)
    assert "<AccountMFAEnabled" not in text
    assert json_script("x", {"a": "</script><b>\u2028"}) == \
        '<script type="application/json" id="x">{"a":"\\u003c/script>\\u003cb>\\u2028"}</script>\n'
    for value in ("plain", "two\nlines", "back\\slash\\n", "cr\r\n", "\\", ""):
        escaped = escape_line(value)
        assert "\n" not in escaped and "\r" not in escaped and unescape_line(escaped) == value


def test_account_chart_keeps_the_worst_accounts() -> None:
    """Beyond the worst accounts, the chart notes how many more and their FAILs; every account is in the table."""
    counts = Counts()
    for number in range(TOP_ACCOUNTS + 5):
        account = f"{number:012d}"
        counts.add(Finding("r", "R", "high", 1, "PASS", account, "global", account, ""))
        for _ in range(number):
            counts.add(Finding("r", "R", "high", 1, "FAIL", account, "global", account, ""))
    text = charts(counts, {"000000000028": "Prod"})
    assert "5 more account(s) with 10 FAIL(s) in all." in text
    assert "By account (worst 25)" in text and "All 30 accounts" in text
    bars = re.findall(r'<text x="0" y="\d+" class="lbl"><title>([^<]+)</title>', text.split("Failures by account")[1])
    assert bars[:3] == ["000000000029", "000000000028 Prod", "000000000027"] and len(bars) == TOP_ACCOUNTS


needs_chromium = pytest.mark.skipif(chromium_binary() is None,
                                    reason="chromium is not installed (apt-get install -y chromium)")
READY = "document.getElementById('findings-table')?.dataset.ready === 'true'"
ROWS = "Array.from(document.querySelectorAll('tr.finding')).map(r => r.dataset.status + ' ' + r.dataset.rule)"


def type_into(element: str, value: str) -> str:
    """JavaScript that sets a control as a user would and fires its input event."""
    return (f"(() => {{ const el = document.getElementById({json.dumps(element)}); el.value = {json.dumps(value)};"
            f" el.dispatchEvent(new Event('input')); return document.getElementById('shown-count').textContent; }})()")


@pytest.mark.chromium
@needs_chromium
def test_rows_render_and_filter_in_chromium(evaluation: Evaluation, tmp_path: Path) -> None:
    """In headless Chromium the rows appear, needs-action first; the search box and a status chip filter them."""
    path = tmp_path / "report.html"
    path.write_text(html.render(evaluation), encoding="utf-8")
    with Chromium(chromium_binary() or "") as browser:
        session = browser.open(path)
        browser.wait_for(session, READY, timeout=60)
        assert browser.evaluate(session, ROWS) == [
            "FAIL report_root_mfa", "FAIL report_trail_logging", "FAIL report_trail_logging",
            "FAIL report_user_mfa", "FAIL report_user_mfa", "ERROR report_trail_logging",
            "MANUAL report_third_party_review"]
        assert browser.evaluate(session, type_into("filter-text", "CAROL")) == "1 of 13 findings shown"
        assert browser.evaluate(session, "document.querySelector('tr.finding .waiver').textContent") == \
            "Waived: Break-glass user; MFA token kept in the safe (ticket SEC-42)."
        browser.evaluate(session, type_into("filter-text", ""))
        shown = browser.evaluate(session, "(() => { const box = document.querySelector('input[value=PASS]');"
                                          " box.checked = true; box.dispatchEvent(new Event('change'));"
                                          " return document.getElementById('shown-count').textContent; })()")
        assert shown == "12 of 13 findings shown"
        assert browser.evaluate(session, type_into("filter-framework", "fsbp")) == "2 of 13 findings shown"
        assert browser.evaluate(session, "document.getElementById('load-status').hidden") is True
        browser.evaluate(session, type_into("filter-framework", ""))
        resources = "Array.from(document.querySelectorAll('tr.finding .resource')).map(td => td.textContent)"
        browser.evaluate(session, "document.querySelector('th[data-key=resource] button').click()")
        ascending = browser.evaluate(session, resources)
        assert ascending == sorted(f.resource_id for f in evaluation.findings if f.status != "SKIP")
        browser.evaluate(session, "document.querySelector('th[data-key=resource] button').click()")
        assert browser.evaluate(session, resources) == sorted(ascending, reverse=True)


@pytest.mark.chromium
@needs_chromium
def test_text_round_trips_through_the_browser(evaluation: Evaluation, tmp_path: Path) -> None:
    """Newlines, backslashes, markup and letters that change length when lower-cased show and search exactly."""
    tricky = ["İstanbul \\ line\nbreak <b>bold</b> & \"quoted\" — 🚀 end", "back\\nslash\\\\ and \r return"]
    findings = [replace(f, reason=tricky[i % 2], resource_id=f"{f.resource_id}/İ{i}")
                for i, f in enumerate(evaluation.findings)]
    path = tmp_path / "tricky.html"
    path.write_text(html.render(replace(evaluation, findings=findings)), encoding="utf-8")
    with Chromium(chromium_binary() or "") as browser:
        session = browser.open(path)
        browser.wait_for(session, READY, timeout=60)
        browser.evaluate(session, "(() => { for (const b of document.querySelectorAll('input[name=status]')) {"
                                  " b.checked = true; b.dispatchEvent(new Event('change')); } })()")
        reasons = browser.evaluate(session, "Array.from(document.querySelectorAll('tr.finding summary'))"
                                            ".map(s => s.textContent)")
        # The HTML parser turns a carriage return into a newline in text (HTML's newline normalisation).
        assert sorted(reasons) == sorted(f.reason.replace("\r", "\n") for f in findings)
        assert browser.evaluate(session, type_into("filter-text", "— 🚀 END")) == "7 of 13 findings shown"
        assert browser.evaluate(session, type_into("filter-text", "slash\\\\ and")) == "6 of 13 findings shown"
        assert browser.evaluate(session, type_into("filter-text", "/i̇12")) == "1 of 13 findings shown"


def test_no_findings_still_renders(evaluation: Evaluation) -> None:
    """An evaluation without findings gives a page whose columns are empty."""
    meta, rows = embedded(html.render(replace(evaluation, findings=[])))
    assert (meta["count"], rows, meta["accounts"]) == (0, [], [])
