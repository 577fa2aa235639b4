// Batch screening: upload -> map columns -> screen with progress -> filter -> download.
(function () {
  "use strict";
  // the page's CSRF token (double submit with the ob_csrf cookie), sent on every write
  function csrfToken() { var m = document.querySelector("meta[name=csrf-token]"); return (m && m.content) || ""; }
  var root = document.getElementById("batch");
  if (!root) return;
  var job = null, poll = null;
  var STATUS = { match: "Match", possible: "Possible match", clear: "No match", error: "Error" };
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { var v = attrs[k]; if (v === null || v === undefined) return; if (k === "text") n.textContent = v; else if (k === "cls") n.className = v; else n.setAttribute(k, v); });
    (kids || []).forEach(function (c) { if (c) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }
  function fail(text) { var b = $("batch-error"); b.textContent = text; b.classList.toggle("hidden", !text); }

  $("upload-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    fail("");
    var data = new FormData($("upload-form"));
    fetch("/screen/batch/upload", { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "olivebranch-ui", "X-CSRF-Token": csrfToken() } })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (res) {
        if (!res.ok) return fail(res.data.error || res.data.detail || "upload failed");
        job = res.data;
        showMapping();
      });
  });

  function showMapping() {
    $("map-summary").textContent = job.filename + ": " + job.rows + " rows, " + job.columns.length + " columns.";
    root.querySelectorAll("#mapping select").forEach(function (sel) {
      while (sel.options.length > 1) sel.remove(1);
      job.columns.forEach(function (c) { sel.appendChild(el("option", { value: c, text: c })); });
      sel.value = job.guess[sel.dataset.field] || "";
    });
    var t = $("preview");
    t.textContent = "";
    t.appendChild(el("caption", { text: "First rows of the file" }));
    t.appendChild(el("thead", {}, [el("tr", {}, job.columns.map(function (c) { return el("th", { scope: "col", text: c }); }))]));
    var tb = el("tbody");
    job.preview.forEach(function (row) { tb.appendChild(el("tr", {}, row.map(function (v) { return el("td", { text: v }); }))); });
    t.appendChild(tb);
    $("step-map").classList.remove("hidden");
    $("step-run").classList.add("hidden");
    $("start-batch").disabled = false;
  }

  $("start-batch").addEventListener("click", function () {
    var mapping = {};
    root.querySelectorAll("#mapping select").forEach(function (sel) { if (sel.value) mapping[sel.dataset.field] = sel.value; });
    if (!mapping.name) return fail("Map a column to Name: it is what is screened.");
    fail("");
    $("start-batch").disabled = true;
    fetch("/screen/batch/" + job.job + "/start", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json", "X-Requested-With": "olivebranch-ui", "X-CSRF-Token": csrfToken() }, body: JSON.stringify({ mapping: mapping }) })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (res) {
        if (!res.ok) { $("start-batch").disabled = false; return fail(res.data.error || res.data.detail); }
        $("step-run").classList.remove("hidden");
        progress(res.data);
        poll = setInterval(tick, 500);
      });
  });

  function tick() {
    fetch("/screen/batch/" + job.job + "/status", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      progress(s);
      if (s.finished) { clearInterval(poll); loadResults(); }
    });
  }
  function progress(s) {
    var bar = $("batch-progress");
    bar.max = s.total; bar.value = s.done;
    $("progress-text").textContent = s.done + " of " + s.total + " rows screened" + (s.finished ? " in " + s.seconds + " s: " + s.matches + " matches, " + s.errors + " errors" : "…") + (s.error ? " (stopped: " + s.error + ")" : "");
    root.dataset.finished = s.finished ? "yes" : "no";
  }

  function query() {
    var q = "status=" + encodeURIComponent($("filter-status").value) + "&q=" + encodeURIComponent($("filter-q").value);
    $("download-csv").href = "/screen/batch/" + job.job + "/results.csv?" + q;
    $("download-xlsx").href = "/screen/batch/" + job.job + "/results.xlsx?" + q;
    return q;
  }
  var ftimer = null;
  $("filter-status").addEventListener("change", loadResults);
  $("filter-q").addEventListener("input", function () { clearTimeout(ftimer); ftimer = setTimeout(loadResults, 250); });
  $("filter-form").addEventListener("submit", function (ev) { ev.preventDefault(); loadResults(); });

  function loadResults() {
    if (!job) return;
    fetch("/screen/batch/" + job.job + "/results.json?limit=500&" + query(), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (d) {
      var tb = document.querySelector("#batch-results tbody");
      tb.textContent = "";
      d.rows.forEach(function (r) {
        var best = r.entity_id ? el("a", { href: "/entity/" + encodeURIComponent(r.entity_id), text: r.best_match }) : el("span", { cls: "muted", text: r.error || "—" });
        tb.appendChild(el("tr", { cls: "st-" + r.status, "data-status": r.status }, [
          el("td", { text: r.row }), el("td", { text: r.query }),
          el("td", {}, [el("span", { cls: "badge st-" + r.status, text: STATUS[r.status] || r.status })]),
          el("td", {}, [best]), el("td", { text: r.score === null ? "" : r.score.toFixed(2) }), el("td", { text: r.lists })]));
      });
      $("results-count").textContent = "Showing " + d.rows.length + " of " + d.total + " rows" + (d.total > d.rows.length ? " (download for all)" : "") + ".";
      root.dataset.shown = String(d.rows.length);
    });
  }
})();
