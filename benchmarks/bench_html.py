"""The HTML report in headless Chromium at organization scale: file size, first paint, rows ready, filters, JS heap.

Findings are synthesised (the built-in rules × accounts × regions/resources, about 775 per account as
`evaluate` gives on the generated organization), written with `engine/report/html.py`, and opened in
Debian's `chromium` over the DevTools pipe with a fresh profile.

Example:
  python -m benchmarks.bench_html --accounts 30 --accounts 1000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from benchmarks.chromium import Chromium, chromium_binary
from benchmarks.common import machine

REGIONS = ("us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
           "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
           "ap-southeast-2", "ca-central-1", "sa-east-1")
RESOURCES_PER_RULE = 39  # users, roles, policies, keys per account: ~775 findings an account, as evaluate gives
STATUS_CYCLE = ("PASS",) * 11 + ("FAIL",) * 5 + ("SKIP",) * 2 + ("MANUAL", "ERROR")
READY = "document.getElementById('findings-table')?.dataset.ready === 'true'"
OLD_READY = "document.readyState === 'complete' && !!document.getElementById('shown-count')?.textContent"
FILTERS = {
    "text: account id": ("filter-text", "000000000017"),
    "text: reason word": ("filter-text", "rotated"),
    "text: no match": ("filter-text", "zzzz-no-such-thing"),
    "severity: high": ("filter-severity", "high"),
    "account select": ("filter-account", "000000000003"),
}


def account_id(index: int) -> str:
    """A 12-digit account id."""
    return f"{index:012d}"


def findings(rules: Sequence[Any], accounts: int) -> Iterator[Any]:
    """Deterministic findings in the engine's order: section, rule, account, region, resource."""
    from sounding.engine.findings import Finding

    counter = 0
    for rule in rules:
        for number in range(accounts):
            account = account_id(number)
            if "region" in rule.scope:
                places = [(region, f"arn:aws:{rule.id.split('_')[0]}:{region}:{account}:setting") for region in REGIONS]
            elif rule.scope in ("account", "org", ""):
                places = [("global", f"arn:aws:iam::{account}:root")]
            else:
                places = [("global", f"arn:aws:iam::{account}:{rule.scope.replace(' ', '-')}/name-{k:03d}")
                          for k in range(RESOURCES_PER_RULE)]
            for region, resource in places:
                counter += 1
                status = STATUS_CYCLE[(counter * 7 + number) % len(STATUS_CYCLE)]
                details = {"age_days": counter % 400, "last_used": "2026-02-01"} if counter % 3 == 0 else {}
                yield Finding(rule_id=rule.id, title=rule.title, severity=rule.severity, section=rule.section,
                              status=status, account_id=account, region=region, resource_id=resource,
                              reason=f"{rule.title}: {status.lower()} for {resource.rsplit(':', 1)[-1]} "
                                     f"(key not rotated for {counter % 400} days)", details=details)


class Findings:
    """A re-iterable stream of findings, never a list: the report must only iterate it."""

    def __init__(self, rules: Sequence[Any], accounts: int) -> None:
        self.rules, self.accounts = rules, accounts

    def __iter__(self) -> Iterator[Any]:
        return findings(self.rules, self.accounts)


def evaluation(accounts: int) -> Any:
    """An Evaluation-shaped object over the built-in rules and `accounts` synthetic accounts."""
    from sounding.engine.evaluate import Evaluation
    from sounding.engine.rules import builtin_rules_dir, load_rules

    rules = load_rules([builtin_rules_dir()])
    names = [{"account_id": account_id(i), "name": f"workload-{i:04d}"} for i in range(accounts)]
    manifest = {"format_version": 1, "tool_version": "bench", "regions": list(REGIONS), "gaps": [], "api_calls": 0,
                "caller": {},
                "collection": {"started_at": "2026-03-01T11:00:00Z", "finished_at": "2026-03-01T12:00:00Z"}}
    snapshot = SimpleNamespace(manifest=manifest, accounts=names, collected_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    return Evaluation(snapshot, rules, Findings(rules, accounts))  # type: ignore[arg-type]


def write_report(accounts: int, path: Path) -> dict[str, Any]:
    """Write the HTML report; its size, finding count and the seconds it took."""
    from sounding.engine.report import html

    evaluated = evaluation(accounts)
    started = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        html.write(evaluated, out)
    seconds = time.perf_counter() - started
    return {"findings": sum(1 for _ in evaluated.findings), "bytes": path.stat().st_size,
            "write_s": round(seconds, 2)}


def set_filter(element: str, value: str) -> str:
    """JavaScript that sets one control, fires its input event, waits for the next frame to be painted and
    returns [ms of the script, ms until painted, rows shown]; then it clears the control the same way."""
    return (f"new Promise(function (done) {{ var el = document.getElementById({json.dumps(element)});"
            f" if (!el) {{ done(null); return; }} el.value = {json.dumps(value)}; var t = performance.now();"
            f" el.dispatchEvent(new Event('input'));"
            f" var script = performance.now() - t, shown = document.getElementById('shown-count').textContent;"
            f" requestAnimationFrame(function () {{ setTimeout(function () {{ var painted = performance.now() - t;"
            f" el.value = ''; el.dispatchEvent(new Event('input'));"
            f" requestAnimationFrame(function () {{ setTimeout(function () {{ done([script, painted, shown]); }}); }});"
            f" }}); }}); }})")


def sort_by(key: str) -> str:
    """JavaScript that clicks a column header and returns the ms until the sorted page is painted."""
    return (f"new Promise(function (done) {{ var t = performance.now();"
            f" document.querySelector('th[data-key={key}] button').click();"
            f" requestAnimationFrame(function () {{ setTimeout(function () {{ done(performance.now() - t); }}); }});"
            f" }})")


def measure_page(binary: str, path: Path, ready: str = READY) -> dict[str, Any]:
    """Open the report in a fresh headless Chromium; paint, load, rows-ready and filter times (ms), memory (MiB)."""
    with Chromium(binary) as browser:
        session = browser.open(path)
        browser.wait_for(session, ready, timeout=900)
        timing = browser.evaluate(session, "JSON.stringify({paint: performance.getEntriesByType('paint').map("
                                           "function (p) { return [p.name, p.startTime]; }), rows: (performance."
                                           "getEntriesByName('sounding-rows')[0] || {}).startTime, load: performance."
                                           "getEntriesByType('navigation')[0].loadEventEnd, inner: (window."
                                           "soundingReport || {}).timings || {}})")
        data = json.loads(timing)
        result: dict[str, Any] = {
            "first_contentful_paint_ms": round(dict(data["paint"]).get("first-contentful-paint", -1)),
            "load_event_ms": round(data["load"]), "rows_ready_ms": round(data.get("rows") or data["load"]),
            "inflate_ms": round(data["inner"].get("decodeMs", 0)),
            "heap_mib": round(browser.metrics(session)["JSHeapUsedSize"] / 2**20, 1), "filters": {}}
        result["renderer_rss_ready_mib"] = browser.renderer_rss_mib()
        for name, (element, value) in FILTERS.items():
            first = browser.evaluate(session, set_filter(element, value), timeout=900)
            if first is None:  # a page without this control (the old renderer had no account select)
                continue
            again = browser.evaluate(session, set_filter(element, value), timeout=900)
            result["filters"][name] = {"script_ms": [round(first[0]), round(again[0])],
                                       "painted_ms": [round(first[1]), round(again[1])], "shown": first[2]}
        for key in ("account", "resource"):
            result["sort_painted_ms"] = result.get("sort_painted_ms", {})
            result["sort_painted_ms"][key] = round(browser.evaluate(session, sort_by(key), timeout=900))
        result["heap_after_filters_mib"] = round(browser.metrics(session)["JSHeapUsedSize"] / 2**20, 1)
        result["renderer_rss_mib"] = browser.renderer_rss_mib()
        return result


def main(argv: Sequence[str] | None = None) -> int:
    """Write and open the report at each account count; print one JSON object per count."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, action="append", help="accounts to synthesise (repeatable)")
    parser.add_argument("--keep", type=Path, help="directory to keep the reports in")
    args = parser.parse_args(argv)
    binary = chromium_binary()
    if binary is None:
        print("chromium is not installed (apt-get install -y chromium)", file=sys.stderr)
        return 2
    print(json.dumps(machine()))
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        for accounts in args.accounts or [30, 1000]:
            path = folder / f"report-{accounts}.html"
            result = {"accounts": accounts, **write_report(accounts, path)}
            result.update(measure_page(binary, path))
            print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
