// Scenario builder: pick a change from searchable lists, see what it touches
// (/scenarios/builder/impact), collect changes, run the scenario over the catalogue
// (/api/scenarios/run) and compare it with any other scenario; analysts can save it.
(function () {
  "use strict";
  // the page's CSRF token (double submit with the ob_csrf cookie), sent on every write
  function csrfToken() { var m = document.querySelector("meta[name=csrf-token]"); return (m && m.content) || ""; }
  var box = document.getElementById("builder");
  if (!box) return;
  var opts = null, pending = null, pendingText = "", changes = [], timer = null;
  var preview = document.getElementById("preview");
  var addBtn = document.getElementById("add-change");
  var statusBox = document.getElementById("builder-status");
  var labels = {};

  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") n.textContent = v; else if (k === "cls") n.className = v; else n.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach(function (c) { if (c) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }
  function $(id) { return document.getElementById(id); }
  function json(method, url, body) {
    return fetch(url, { method: method, credentials: "same-origin", headers: { "Content-Type": "application/json", Accept: "application/json", "X-Requested-With": "olivebranch-ui", "X-CSRF-Token": csrfToken() }, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.text().then(function (t) { var d; try { d = t ? JSON.parse(t) : {}; } catch (e) { d = { detail: t }; } return { ok: r.ok, status: r.status, data: d }; }); });
  }
  function debounce(fn) { return function () { clearTimeout(timer); timer = setTimeout(fn, 250); }; }

  // ------------------------------------------------------------------ tabs
  var tabs = box.querySelectorAll(".tab");
  tabs.forEach(function (t) {
    t.addEventListener("click", function () { selectTab(t); });
    t.addEventListener("keydown", function (ev) {
      var i = Array.prototype.indexOf.call(tabs, t);
      if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
        ev.preventDefault();
        var next = tabs[(i + (ev.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
        selectTab(next); next.focus();
      }
    });
  });
  function selectTab(t) {
    tabs.forEach(function (o) { o.setAttribute("aria-selected", o === t ? "true" : "false"); o.tabIndex = o === t ? 0 : -1; });
    box.querySelectorAll(".tabpanel").forEach(function (p) { p.classList.toggle("hidden", p.dataset.panel !== t.dataset.tab); });
    setPending(null, "");
  }

  // ------------------------------------------------------------------ pending change + preview
  function setPending(change, text) {
    pending = change; pendingText = text;
    addBtn.disabled = true;
    if (!change) { preview.textContent = ""; preview.appendChild(el("p", { cls: "muted", text: "Pick something to see what it touches." })); return; }
    preview.textContent = "";
    preview.appendChild(el("p", { cls: "muted", text: "Counting what " + text + " touches…" }));
    var mine = change;
    json("POST", "/scenarios/builder/impact", change).then(function (r) {
      if (pending !== mine) return;
      preview.textContent = "";
      var d = r.data;
      if (!r.ok || !d.ok) {
        preview.appendChild(el("p", { cls: "error", text: (d && (d.error || d.detail)) || ("HTTP " + r.status) }));
        return;
      }
      mine.impact = d;
      preview.appendChild(el("p", { id: "impact" }, [
        el("strong", { text: text }), " touches ",
        el("span", { cls: "count", "data-count": "rules", text: String(d.rules) }), " rule" + (d.rules === 1 ? "" : "s") + " and ",
        el("span", { cls: "count", "data-count": "entities", text: String(d.entities) }), " listed entit" + (d.entities === 1 ? "y" : "ies") +
        (d.stay_listed ? " (" + d.stay_listed + " stay listed under another programme)" : "") + "."]));
      if (d.entity_sample && d.entity_sample.length) {
        preview.appendChild(el("p", { cls: "muted small", text: "e.g. " + d.entity_sample.map(function (e) { return e.name; }).join("; ") }));
      }
      if (d.rule_ids && d.rule_ids.length) {
        preview.appendChild(el("p", { cls: "muted small", text: "rules: " + d.rule_ids.slice(0, 12).join(", ") + (d.rule_ids.length > 12 ? " …" : "") }));
      }
      addBtn.disabled = false;
    });
  }
  addBtn.addEventListener("click", function () {
    if (!pending) return;
    changes.push({ change: pending, text: pendingText, impact: pending.impact });
    drawChanges();
    statusBox.textContent = "Added: " + pendingText + ".";
  });
  function drawChanges() {
    var ol = $("changes");
    ol.textContent = "";
    if (!changes.length) { ol.appendChild(el("li", { cls: "muted empty-note", text: "No changes yet." })); return; }
    changes.forEach(function (c, i) {
      var rm = el("button", { type: "button", cls: "link", text: "remove", "aria-label": "Remove change " + (i + 1) });
      rm.addEventListener("click", function () { changes.splice(i, 1); drawChanges(); });
      var counts = c.impact ? " — " + c.impact.rules + " rule" + (c.impact.rules === 1 ? "" : "s") + ", " + c.impact.entities + " entit" + (c.impact.entities === 1 ? "y" : "ies") : "";
      ol.appendChild(el("li", { "data-index": String(i) }, [el("span", { text: c.text + counts + " " }), el("code", { cls: "small", text: JSON.stringify(c.change, function (k, v) { return k === "impact" ? undefined : v; }) }), " ", rm]));
    });
  }

  // ------------------------------------------------------------------ pick lists
  function picklist(container, items, kind, name, render, onPick) {
    container.textContent = "";
    if (!items.length) { container.appendChild(el("p", { cls: "muted small", text: "Nothing matches." })); return; }
    var shown = items.slice(0, 150);
    shown.forEach(function (it, i) {
      var id = name + "-" + i;
      var input = el("input", { type: kind, name: name, id: id, value: String(i) });
      input.addEventListener("change", function () { onPick(shown, container); });
      var lab = el("label", { "for": id }, render(it));
      container.appendChild(el("div", { cls: "pick" }, [input, lab]));
    });
    if (items.length > shown.length) container.appendChild(el("p", { cls: "muted small", text: (items.length - shown.length) + " more: refine the search." }));
  }
  function checked(container, shown) {
    return Array.prototype.filter.call(container.querySelectorAll("input"), function (i) { return i.checked; }).map(function (i) { return shown[Number(i.value)]; });
  }
  function matches(q, fields) { q = q.trim().toLowerCase(); return !q || fields.join(" ").toLowerCase().indexOf(q) >= 0; }

  function drawRules() {
    var q = $("rules-q").value, regime = $("rules-regime").value;
    var items = opts.rules.filter(function (r) { return (!regime || r.regime === regime) && matches(q, [r.id, r.title, r.instrument, r.kind || ""]); });
    picklist($("rules-list"), items, "checkbox", "rule", function (r) {
      return [el("code", { text: r.id }), " ", el("span", { cls: "badge", text: r.regime.toUpperCase() }), " " + r.title, el("small", { cls: "muted block", text: r.instrument + " · lifted by " + r.lifted_by.replace(/_/g, " ") })];
    }, function (shown, c) {
      var picked = checked(c, shown);
      if (!picked.length) return setPending(null, "");
      var action = $("rules-action").value;
      var ch = {}; ch[action] = { rules: picked.map(function (r) { return r.id; }) };
      setPending(ch, action + " " + (picked.length === 1 ? picked[0].id : picked.length + " rules"));
    });
  }
  function drawProgrammes() {
    var q = $("prog-q").value;
    var exact = q.trim().toUpperCase();
    var items = opts.programmes.filter(function (p) { return matches(q, [p.program, p.regime]); })
      .sort(function (a, b) { return (b.program === exact ? 1 : 0) - (a.program === exact ? 1 : 0); });
    picklist($("prog-list"), items, "radio", "prog", function (p) {
      return [el("code", { text: p.program }), " ", el("span", { cls: "badge", text: p.regime.toUpperCase() }), el("small", { cls: "muted", text: " " + p.entities + " listed entities" })];
    }, function (shown, c) {
      var p = checked(c, shown)[0];
      var action = $("prog-action").value;
      var ch = {}; ch[action] = { regime: p.regime, program: [p.program] };
      setPending(ch, action + " programme " + p.program + " (" + p.regime.toUpperCase() + ")");
    });
  }
  function drawSectors() {
    var q = $("sector-q").value, regime = $("sector-regime").value;
    var byId = {}; opts.rules.forEach(function (r) { byId[r.id] = r; });
    var items = opts.sectors.map(function (s) {
      return { id: s.id, rules: s.rules.filter(function (id) { return byId[id].regime === regime; }) };
    }).filter(function (s) { return s.rules.length && matches(q, [s.id, s.id.replace(/_/g, " ")]); });
    picklist($("sector-list"), items, "radio", "sector", function (s) {
      return [el("strong", { text: s.id.replace(/_/g, " ") }), el("small", { cls: "muted", text: " " + s.rules.length + " rule" + (s.rules.length === 1 ? "" : "s") + " name it" })];
    }, function (shown, c) {
      var s = checked(c, shown)[0];
      setPending({ lift: { rules: s.rules } }, "lift the " + regime.toUpperCase() + " rules on " + s.id.replace(/_/g, " "));
    });
  }
  var partyTimer = null;
  function drawParties() {
    var q = $("party-q").value.trim();
    var list = $("party-list");
    if (q.length < 3) { list.textContent = ""; list.appendChild(el("p", { cls: "muted small", text: "Type at least 3 letters." })); return; }
    clearTimeout(partyTimer);
    partyTimer = setTimeout(function () {
      json("GET", "/search/default?limit=10&threshold=0.6&q=" + encodeURIComponent(q)).then(function (r) {
        var items = (r.data.results || []);
        picklist(list, items, "radio", "party", function (e) {
          return [el("strong", { text: e.caption }), el("small", { cls: "muted", text: " " + e.id + " · " + (e.datasets || []).join(", ") + " · score " + e.score.toFixed(2) })];
        }, function (shown, c) {
          var e = checked(c, shown)[0];
          var action = $("party-action").value, regime = $("party-regime").value;
          var ch = {}; ch[action] = { regime: regime, entities: [e.id] };
          setPending(ch, action + " " + e.caption + " (" + regime.toUpperCase() + ")");
        });
      });
    }, 250);
  }
  function parseValue(raw) {
    raw = raw.trim();
    if (raw === "true" || raw === "false") return raw === "true";
    if (raw !== "" && !isNaN(Number(raw))) return Number(raw);
    return raw;
  }
  function drawParams() {
    var q = $("param-q").value;
    var items = opts.params.filter(function (p) { return matches(q, [p.param, p.rule || "", p.regime, p.title]); })
      .sort(function (a, b) { return (b.host ? 1 : 0) - (a.host ? 1 : 0); });
    var list = $("param-list");
    picklist(list, items, "radio", "param", function (p) {
      return [el("code", { text: (p.rule || p.regime + " ownership") + "." + p.param }), p.host ? el("span", { cls: "badge", text: "host state" }) : null,
        el("small", { cls: "muted", text: " " + p.title + " · now " + JSON.stringify(p.value) })];
    }, function (shown, c) {
      var p = checked(c, shown)[0];
      var holder = c.querySelector(".param-value");
      if (holder) holder.remove();
      var input = el("input", { type: "text", id: "param-value", value: typeof p.value === "object" ? JSON.stringify(p.value) : String(p.value) });
      var wrap = el("div", { cls: "param-value" }, [el("label", { "for": "param-value", text: "New value " }), input]);
      c.insertBefore(wrap, c.firstChild);
      function update() {
        var body = { param: p.param, value: parseValue(input.value) };
        if (p.target === "rule") body.rule = p.rule; else body.ownership = p.regime;
        setPending({ set_param: body }, "set " + (p.rule || p.regime + " ownership") + "." + p.param + " = " + input.value);
      }
      input.addEventListener("input", debounce(update));
      update();
    });
  }

  // ------------------------------------------------------------------ run, compare, save
  function scenario() {
    var s = {
      name: $("sc-name").value.trim(), title: $("sc-title").value.trim(),
      description: $("sc-description").value.trim(),
      assumptions: $("sc-assumptions").value.split("\n").map(function (x) { return x.trim(); }).filter(Boolean),
      changes: changes.map(function (c) { return JSON.parse(JSON.stringify(c.change, function (k, v) { return k === "impact" ? undefined : v; })); })
    };
    if ($("sc-base").value) s.base = [$("sc-base").value];
    return s;
  }
  function say(text, cls) { statusBox.textContent = ""; statusBox.appendChild(el("p", { cls: cls || "", text: text })); }

  $("run-compare").addEventListener("click", function () {
    var other = $("compare-with").value;
    say("Running the scenario over the catalogue…", "muted");
    var day = $("sc-as-of").value, q = day ? "?as_of=" + encodeURIComponent(day) : "";
    Promise.all([json("POST", "/api/scenarios/run" + q, scenario()), json("GET", "/api/scenarios/" + encodeURIComponent(other) + "/run" + q)]).then(function (rs) {
      var mine = rs[0], theirs = rs[1];
      if (!mine.ok) return say("The scenario does not run: " + (mine.data.detail || mine.status), "error");
      if (!theirs.ok) return say("Could not run " + other + ": " + (theirs.data.detail || theirs.status), "error");
      showResult(mine.data, theirs.data);
      showFocus(mine.data);
      say("Ran in " + mine.data.seconds.toFixed(1) + " s.", "muted");
    });
  });
  function lab(v) { return labels[v] || v; }
  function showResult(mine, theirs) {
    var before = {}; theirs.deals.forEach(function (d) { before[d.deal] = d.verdicts; });
    var tbody = document.querySelector("#result-table tbody");
    tbody.textContent = "";
    var moved = 0;
    mine.deals.forEach(function (d) {
      var b = before[d.deal] || {};
      var moves = mine.regimes.filter(function (r) { return b[r] && d.verdicts[r] !== b[r]; });
      if (!moves.length) return;
      moved++;
      var cell = el("td");
      moves.forEach(function (r) {
        cell.appendChild(el("span", { cls: "move" }, [r.toUpperCase() + ": ", el("span", { cls: "badge v-" + b[r], text: lab(b[r]), title: b[r] }), " → ", el("span", { cls: "badge v-" + d.verdicts[r], text: lab(d.verdicts[r]), title: d.verdicts[r] })]));
      });
      tbody.appendChild(el("tr", { "data-deal": d.deal }, [el("td", {}, [el("a", { href: "/deals/" + encodeURIComponent(d.deal), text: d.title })]), cell]));
    });
    if (!moved) tbody.appendChild(el("tr", {}, [el("td", { colspan: "2", cls: "muted", text: "No verdict moves." })]));
    var sum = $("result-summary");
    sum.textContent = "";
    sum.appendChild(el("p", { id: "moved-count", "data-moved": String(moved), text: moved + " deal" + (moved === 1 ? "" : "s") + " move between " + theirs.title + " and " + mine.title + "." }));
    var t = el("table", { cls: "data compact", id: "clear-counts" });
    t.appendChild(el("thead", {}, [el("tr", {}, [el("th", { text: "Deals clear", scope: "col" })].concat(mine.regimes.map(function (r) { return el("th", { text: r.toUpperCase(), scope: "col" }); })))]));
    var tb = el("tbody");
    [[theirs.title, theirs.clear], [mine.title, mine.clear]].forEach(function (row) {
      tb.appendChild(el("tr", {}, [el("td", { text: row[0] })].concat(mine.regimes.map(function (r) { return el("td", { text: String(row[1][r] || 0) }); }))));
    });
    t.appendChild(tb);
    sum.appendChild(t);
    $("result").classList.remove("hidden");
  }
  // the deal a "what would it take" path was opened for: the verdict the run gives it
  function showFocus(mine) {
    var focus = $("focus"), out = $("focus-result");
    if (!focus || !out) return;
    var deal = focus.dataset.deal, regime = focus.dataset.regime, expect = focus.dataset.expect;
    var row = mine.deals.filter(function (d) { return d.deal === deal; })[0];
    out.textContent = "";
    if (!row) { out.appendChild(el("span", { cls: "error", text: "The run has no deal " + deal + "." })); return; }
    var got = row.verdicts[regime];
    out.dataset.verdict = got;
    out.appendChild(el("span", { text: "Result for this deal under " + regime.toUpperCase() + ": " }));
    out.appendChild(el("span", { cls: "badge v-" + got, text: lab(got), title: got }));
    out.appendChild(el("span", { text: got === expect ? " — as promised." : " — not the promised " + lab(expect) + " (the lists or rules may have changed since)." }));
  }
  $("save-scenario").addEventListener("click", function () {
    json("POST", "/api/scenarios", scenario()).then(function (r) {
      if (!r.ok) return say("Not saved: " + (r.data.detail || r.status), "error");
      statusBox.textContent = "";
      var other = $("compare-with").value;
      statusBox.appendChild(el("p", {}, ["Saved " + r.data.name + " (revision " + r.data.revision + "). ",
        el("a", { id: "compare-link", href: "/scenarios/compare?a=" + encodeURIComponent(other) + "&b=" + encodeURIComponent(r.data.name), text: "Open the full comparison" }), " · ",
        el("a", { href: "/deals?scenario=" + encodeURIComponent(r.data.name), text: "heat map" })]));
    });
  });

  // ------------------------------------------------------------------ start
  // opened from a deal's "what would it take" path: its changes are already in the list
  if (box.dataset.prefill) {
    try {
      var pre = JSON.parse(box.dataset.prefill);
      changes = (pre.items || []).map(function (it) { return { change: it.change, text: it.text }; });
      drawChanges();
      changes.forEach(function (c) {
        json("POST", "/scenarios/builder/impact", c.change).then(function (r) {
          if (r.ok && r.data.ok) { c.impact = r.data; drawChanges(); }
        });
      });
    } catch (e) { say("The pre-filled changes could not be read.", "error"); }
  }
  json("GET", "/scenarios/builder/options.json").then(function (r) {
    opts = r.data;
    labels = opts.labels || {};
    var regimes = opts.regimes;
    regimes.forEach(function (g) {
      $("rules-regime").appendChild(el("option", { value: g.id, text: g.name }));
      $("sector-regime").appendChild(el("option", { value: g.id, text: g.name }));
      if (opts.listed_regimes.indexOf(g.id) >= 0) $("party-regime").appendChild(el("option", { value: g.id, text: g.name }));
    });
    ["rules-q", "rules-regime", "rules-action"].forEach(function (id) { $(id).addEventListener("input", drawRules); });
    ["prog-q", "prog-action"].forEach(function (id) { $(id).addEventListener("input", drawProgrammes); });
    ["sector-q", "sector-regime"].forEach(function (id) { $(id).addEventListener("input", drawSectors); });
    ["party-q", "party-regime", "party-action"].forEach(function (id) { $(id).addEventListener("input", drawParties); });
    $("param-q").addEventListener("input", drawParams);
    drawRules(); drawProgrammes(); drawSectors(); drawParams(); drawParties();
    box.dataset.ready = "yes";
  });
})();
