"""HTML: one self-contained page with the summary first, one row per finding, nothing loaded from elsewhere."""

from __future__ import annotations

from html.parser import HTMLParser

from sounding.engine.evaluate import Evaluation
from sounding.engine.report import html


class PageOutline(HTMLParser):
    """Collects what the tests check: ids in order, finding rows, URL attributes, scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.rows: list[dict[str, str]] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.svgs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "tr" and "finding" in values.get("class", "").split():
            self.rows.append(values)
        if tag == "svg":
            self.svgs += 1
        self.urls.extend(values[k] for k in ("src", "href", "action", "xlink:href") if k in values)


def outline(evaluation: Evaluation) -> PageOutline:
    """The parsed page."""
    parser = PageOutline()
    parser.feed(html.render(evaluation))
    return parser


def test_self_contained(evaluation: Evaluation) -> None:
    """No src/href at all, no external stylesheet or script, and no http(s) URL outside the text."""
    page = outline(evaluation)
    assert page.urls == []
    assert "link" not in page.tags and page.tags.count("script") == 1 and page.tags.count("style") == 1


def test_one_row_per_finding_with_filter_data(evaluation: Evaluation) -> None:
    """Every finding has a row; FAIL/ERROR/MANUAL show first and others start hidden until a filter shows them."""
    page = outline(evaluation)
    assert len(page.rows) == len(evaluation.findings) == 13
    assert [r["data-status"] for r in page.rows] == ["FAIL"] * 5 + ["ERROR", "MANUAL"] + ["PASS"] * 5 + ["SKIP"]
    assert [r["data-severity"] for r in page.rows[:5]] == ["critical", "high", "high", "medium", "medium"]
    assert all(("hidden" in r) == (r["data-status"] in ("PASS", "SKIP")) for r in page.rows)
    assert {r["data-resource"] for r in page.rows} == {f.resource_id for f in evaluation.findings}


def test_summary_comes_before_findings(evaluation: Evaluation) -> None:
    """Facts, status tiles and the charts precede the findings table and its controls."""
    text = html.render(evaluation)
    order = [text.index(marker) for marker in ('class="facts"', 'class="tiles"', 'class="charts"',
                                                'id="findings"', 'id="findings-table"')]
    assert order == sorted(order)
    page = outline(evaluation)
    assert page.svgs == 1
    assert {"filter-text", "filter-severity", "filter-section", "shown-count"} <= set(page.ids)


def test_text_is_escaped_and_remediation_expandable(evaluation: Evaluation) -> None:
    """Reasons are escaped; each row's details hold the rule's remediation."""
    text = html.render(evaluation)
    assert "&lt;AccountMFAEnabled = 0&gt; &amp; &quot;no&quot; backup." in text
    assert "<AccountMFAEnabled" not in text
    assert text.count("<h4>Remediation</h4>") == 13
    assert "Waived: Break-glass user; MFA token kept in the safe (ticket SEC-42)." in text
