"""The HTML report's script: inflates the embedded columns, filters them with typed arrays, shows one page of rows."""

from __future__ import annotations

SCRIPT = r"""
(function () {
  "use strict";
  var doc = document;
  function $(id) { return doc.getElementById(id); }
  var table = $("findings-table");
  if (!table) { return; }
  var body = table.tBodies[0], loadStatus = $("load-status");
  var meta = JSON.parse($("report-meta").textContent);
  var n = meta.count, rules = meta.rules, PAGE = meta.page_size;
  var SEVERITIES = ["critical", "high", "medium", "low", "info"];
  var search = $("filter-text"), severity = $("filter-severity"), section = $("filter-section");
  var account = $("filter-account"), framework = $("filter-framework"), shown = $("shown-count");
  var empty = $("no-match"), pageInfo = $("page-info");
  var statusBoxes = Array.prototype.slice.call(doc.querySelectorAll("input[name=status]"));
  var col = {}, text = {}, order, position, view = new Uint32Array(0), page = 0, sortKey = "", ascending = true;
  var timings = {};

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function unescapeLine(s) {
    if (s.indexOf("\\") < 0) { return s; }
    return s.replace(/\\([\s\S])/g, function (m, c) { return c === "n" ? "\n" : c === "r" ? "\r" : c; });
  }
  function escapeLine(s) { return s.replace(/\\/g, "\\\\"); }
  function bytesOf(id) {
    var bin = atob($(id).textContent), len = bin.length, out = new Uint8Array(len);
    for (var i = 0; i < len; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }
  function inflate(name) {
    var stream = new Blob([bytesOf("col-" + name)]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Response(stream).arrayBuffer();
  }
  function lineStarts(s) {
    var starts = new Uint32Array(n + 1), pos = 0;
    for (var i = 0; i < n; i++) { starts[i] = pos; pos = s.indexOf("\n", pos) + 1; }
    starts[n] = pos;
    return starts;
  }
  function TextColumn(s) { this.text = s; this.starts = lineStarts(s); this.lower = null; this.lowerStarts = null; }
  TextColumn.prototype.get = function (i) {
    return unescapeLine(this.text.slice(this.starts[i], this.starts[i + 1] - 1));
  };
  TextColumn.prototype.prepare = function () {
    if (this.lower === null) { this.lower = this.text.toLowerCase(); this.lowerStarts = lineStarts(this.lower); }
  };
  TextColumn.prototype.mark = function (query, hit) {
    this.prepare();
    var lower = this.lower, starts = this.lowerStarts, q = escapeLine(query), pos = lower.indexOf(q);
    while (pos >= 0) {
      var lo = 0, hi = n - 1;
      while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (starts[mid] <= pos) { lo = mid; } else { hi = mid - 1; } }
      hit[lo] = 1;
      pos = lower.indexOf(q, starts[lo + 1]);
    }
  };

  rules.forEach(function (r) {
    r.rank = SEVERITIES.indexOf(r.severity);
    r.fw = {};
    (r.frameworks || []).forEach(function (f) { r.fw[f.split(":")[0]] = true; });
    r.search = (r.id + " " + r.title).toLowerCase();
  });
  function ranks(values) {
    var sorted = values.map(function (v, i) { return [v, i]; }).sort(function (a, b) {
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    var rank = new Uint32Array(values.length);
    sorted.forEach(function (pair, r) { rank[pair[1]] = r; });
    return rank;
  }
  var ruleRank = ranks(rules.map(function (r) { return r.id; }));
  var accountRank = ranks(meta.accounts.map(function (a) { return a[0]; }));
  var regionRank = ranks(meta.regions);

  function displayOrder() {
    var buckets = new Uint32Array(26), st = col.status, ru = col.rule, i;
    for (i = 0; i < n; i++) { buckets[st[i] * 5 + rules[ru[i]].rank + 1] += 1; }
    for (i = 1; i < 26; i++) { buckets[i] += buckets[i - 1]; }
    order = new Uint32Array(n);
    position = new Uint32Array(n);
    for (i = 0; i < n; i++) {
      var slot = buckets[st[i] * 5 + rules[ru[i]].rank]++;
      order[slot] = i;
      position[i] = slot;
    }
  }

  function textHits(q) {
    var hit = new Uint8Array(n), i;
    var ruleHit = rules.map(function (r) { return r.search.indexOf(q) >= 0; });
    var accountHit = meta.accounts.map(function (a) { return (a[0] + " " + a[1]).toLowerCase().indexOf(q) >= 0; });
    var regionHit = meta.regions.map(function (g) { return g.toLowerCase().indexOf(q) >= 0; });
    var ru = col.rule, ac = col.account, rg = col.region;
    if (ruleHit.indexOf(true) >= 0 || accountHit.indexOf(true) >= 0 || regionHit.indexOf(true) >= 0) {
      for (i = 0; i < n; i++) { if (ruleHit[ru[i]] || accountHit[ac[i]] || regionHit[rg[i]]) { hit[i] = 1; } }
    }
    text.resource.mark(q, hit);
    text.reason.mark(q, hit);
    text.waiver.mark(q, hit);
    return hit;
  }

  function sortView() {
    if (!sortKey) { return; }
    var key, st = col.status, ru = col.rule, sign = ascending ? 1 : -1;
    if (sortKey === "resource" || sortKey === "reason") {
      var column = text[sortKey], pairs = Array.prototype.map.call(view, function (i) { return [column.get(i), i]; });
      pairs.sort(function (a, b) {
        return a[0] < b[0] ? -sign : a[0] > b[0] ? sign : position[a[1]] - position[b[1]];
      });
      pairs.forEach(function (pair, k) { view[k] = pair[1]; });
      return;
    }
    if (sortKey === "status") { key = function (i) { return st[i]; }; }
    else if (sortKey === "severity") { key = function (i) { return rules[ru[i]].rank; }; }
    else if (sortKey === "rule") { key = function (i) { return ruleRank[ru[i]]; }; }
    else if (sortKey === "account") { key = function (i) { return accountRank[col.account[i]]; }; }
    else { key = function (i) { return regionRank[col.region[i]]; }; }
    view.sort(function (a, b) {
      var x = key(a), y = key(b);
      return x < y ? -sign : x > y ? sign : position[a] - position[b];
    });
  }

  function apply() {
    var started = performance.now();
    var q = search.value.trim().toLowerCase(), want = [0, 0, 0, 0, 0];
    statusBoxes.forEach(function (box) { want[meta.statuses.indexOf(box.value)] = box.checked ? 1 : 0; });
    var ruleOk = new Uint8Array(rules.length);
    rules.forEach(function (r, i) {
      ruleOk[i] = (!severity.value || r.severity === severity.value) &&
        (!section.value || String(r.section) === section.value) && (!framework.value || r.fw[framework.value]) ? 1 : 0;
    });
    var accountCode = -1;
    if (account.value) {
      accountCode = meta.accounts.findIndex(function (a) { return a[0] === account.value; });
    }
    var hit = q ? textHits(q) : null, out = new Uint32Array(n), m = 0, st = col.status, ru = col.rule;
    var ac = col.account;
    for (var k = 0; k < n; k++) {
      var i = order[k];
      if (!want[st[i]] || !ruleOk[ru[i]]) { continue; }
      if (accountCode >= 0 && ac[i] !== accountCode) { continue; }
      if (hit !== null && !hit[i]) { continue; }
      out[m++] = i;
    }
    view = out.subarray(0, m);
    sortView();
    page = 0;
    render();
    timings.lastFilterMs = performance.now() - started;
  }

  function more(r, i) {
    var parts = [];
    if (r.description) { parts.push("<h4>Why it matters</h4><p>" + esc(r.description) + "</p>"); }
    if (r.remediation) { parts.push("<h4>Remediation</h4><p>" + esc(r.remediation) + "</p>"); }
    if (r.frameworks && r.frameworks.length) {
      parts.push("<h4>Frameworks</h4><p>" + r.frameworks.map(function (f) {
        var id = f.split(":")[0];
        return esc((meta.frameworks[id] || id) + " " + f.slice(id.length + 1));
      }).join(", ") + "</p>");
    }
    if (r.references && r.references.length) {
      parts.push("<h4>References</h4><ul>" + r.references.map(function (u) {
        return "<li><code>" + esc(u) + "</code></li>"; }).join("") + "</ul>");
    }
    var details = text.details.get(i);
    if (details) { parts.push("<h4>Details</h4><pre>" + esc(JSON.stringify(JSON.parse(details), null, 2)) + "</pre>"); }
    return parts.length ? '<div class="more">' + parts.join("") + "</div>" : "";
  }

  function row(i) {
    var r = rules[col.rule[i]], status = meta.statuses[col.status[i]], acct = meta.accounts[col.account[i]][0];
    var waiver = text.waiver.get(i), waived = waiver.charAt(0) === "+", reason = text.reason.get(i);
    return '<tr class="finding' + (waived ? " waived" : "") + '" data-status="' + status + '" data-severity="' +
      r.severity + '" data-rule="' + esc(r.id) + '" data-account="' + esc(acct) + '" data-index="' + i + '">' +
      '<td class="status"><span class="badge s-' + status + '">' + status + "</span>" +
      (waived ? '<span class="waived-tag">waived</span>' : "") + "</td>" +
      '<td class="severity"><span class="sev v-' + r.severity + '">' + r.severity + "</span></td>" +
      '<td data-label="Rule">' + esc(r.title) + '<span class="rule-id">' + esc(r.id) + "</span></td>" +
      '<td data-label="Account"><code>' + esc(acct) + "</code></td>" +
      '<td data-label="Region">' + esc(meta.regions[col.region[i]]) + "</td>" +
      '<td data-label="Resource" class="resource"><code>' + esc(text.resource.get(i)) + "</code></td>" +
      '<td data-label="Reason"><details><summary>' + esc(reason) + "</summary>" + more(r, i) + "</details>" +
      (waived ? '<div class="waiver">Waived: ' + esc(waiver.slice(1)) + "</div>" : "") + "</td></tr>";
  }

  function render() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var start = page * PAGE, end = Math.min(view.length, start + PAGE), html = [];
    for (var k = start; k < end; k++) { html.push(row(view[k])); }
    body.innerHTML = html.join("");
    shown.textContent = view.length + " of " + n + " findings shown";
    pageInfo.textContent = view.length ? "Rows " + (start + 1) + "–" + end + " of " + view.length +
      " · page " + (page + 1) + " of " + pages : "";
    $("page-first").disabled = $("page-prev").disabled = page === 0;
    $("page-next").disabled = $("page-last").disabled = page >= pages - 1;
    empty.hidden = view.length !== 0;
  }

  function fromHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    if (params.has("q")) { search.value = params.get("q"); }
    if (params.has("status")) {
      var wanted = params.get("status").split(",");
      statusBoxes.forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
    }
    [["severity", severity], ["section", section], ["account", account], ["framework", framework]].forEach(
      function (pair) { if (params.has(pair[0])) { pair[1].value = params.get(pair[0]); } });
  }

  function wire() {
    [search, severity, section, account, framework].forEach(function (el) { el.addEventListener("input", apply); });
    statusBoxes.forEach(function (box) { box.addEventListener("change", apply); });
    doc.querySelectorAll("[data-show-status]").forEach(function (tile) {
      tile.addEventListener("click", function () {
        statusBoxes.forEach(function (box) { box.checked = box.value === tile.dataset.showStatus; });
        apply();
        $("findings").scrollIntoView();
      });
    });
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortKey = th.dataset.key;
        sortView();
        page = 0;
        render();
      });
    });
    $("page-first").addEventListener("click", function () { page = 0; render(); });
    $("page-prev").addEventListener("click", function () { page -= 1; render(); });
    $("page-next").addEventListener("click", function () { page += 1; render(); });
    $("page-last").addEventListener("click", function () { page = Infinity; render(); });
  }

  if (typeof DecompressionStream === "undefined") {
    loadStatus.textContent = "This browser cannot decompress the findings (it lacks DecompressionStream); " +
      "open the report in a current Chromium, Firefox or Safari.";
    return;
  }
  var started = performance.now();
  var numeric = { rule: Uint16Array, status: Uint8Array, account: Uint32Array, region: Uint16Array };
  var names = ["rule", "status", "account", "region", "resource", "reason", "details", "waiver"];
  Promise.all(names.map(inflate)).then(function (buffers) {
    var decoder = new TextDecoder();
    names.forEach(function (name, i) {
      if (numeric[name]) { col[name] = new numeric[name](buffers[i]); }
      else { text[name] = new TextColumn(decoder.decode(buffers[i])); }
    });
    timings.decodeMs = performance.now() - started;
    displayOrder();
    fromHash();
    wire();
    apply();
    loadStatus.hidden = true;
    timings.readyMs = performance.now() - started;
    performance.mark("sounding-rows");
    table.setAttribute("data-ready", "true");
    // Lower-case the searched columns while the reader looks at the first page, one per task.
    ["resource", "reason", "waiver"].forEach(function (name, k) {
      setTimeout(function () { text[name].prepare(); }, 50 * (k + 1));
    });
  }).catch(function (error) {
    loadStatus.textContent = "Could not read the findings: " + error;
  });
  window.soundingReport = { apply: apply, timings: timings, shown: function () { return view.length; } };
})();
"""
