// Deal editor: draws the form from the deal format's field list (web/editor.py), screens party
// names as you type (/search), checks the deal with the validator (/api/deals/validate), and
// saves it through the catalogue API (a new revision each time). No inline script or style.
(function () {
  "use strict";
  // the page's CSRF token (double submit with the ob_csrf cookie), sent on every write
  function csrfToken() { var m = document.querySelector("meta[name=csrf-token]"); return (m && m.content) || ""; }
  var form = document.getElementById("deal-form");
  if (!form) return;
  var payload = JSON.parse(document.getElementById("editor-data").textContent);
  var spec = payload.spec;
  var root = document.getElementById("editor-root");
  var problemsBox = document.getElementById("problems");
  var statusBox = document.getElementById("status");
  var uid = 0;

  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "cls") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function show(box, on) { box.classList.toggle("hidden", !on); }

  // ------------------------------------------------------------------ one field
  function fieldEl(owner, f, value) {
    var id = "f" + (++uid);
    var helpId = id + "-help";
    var wrap = el("div", { cls: "field kind-" + f.kind, "data-owner": owner, "data-name": f.name, "data-kind": f.kind });
    var label = el("label", { "for": id, text: f.label + (f.required ? " *" : "") });
    var input;
    var common = { id: id, "aria-describedby": helpId, name: owner + "." + f.name };
    if (f.kind === "textarea" || f.kind === "lines") {
      input = el("textarea", Object.assign({ rows: f.kind === "lines" ? 2 : 3 }, common));
      input.value = f.kind === "lines" ? (value || []).join("\n") : (value || "");
    } else if (f.kind === "choice" || f.kind === "choice-optional" || f.kind === "tristate") {
      input = el("select", common);
      var opts = f.kind === "tristate" ? [["", "unknown"], ["true", "yes"], ["false", "no"]]
        : f.options.map(function (o) { return [o, o.replace(/_/g, " ")]; });
      if (f.kind === "choice-optional") opts.unshift(["", "—"]);
      opts.forEach(function (o) { input.appendChild(el("option", { value: o[0], text: o[1] })); });
      var v = value === undefined || value === null ? (f.default === null || f.default === undefined ? "" : f.default) : value;
      input.value = String(v);
    } else if (f.kind === "bool") {
      input = el("input", Object.assign({ type: "checkbox" }, common));
      input.checked = value === undefined || value === null ? !!f.default : !!value;
      wrap.classList.add("check");
    } else if (f.kind === "multi") {
      input = el("fieldset", { id: id, cls: "checks", "aria-describedby": helpId });
      input.appendChild(el("legend", { text: f.label + (f.required ? " *" : "") }));
      var chosen = value || [];
      f.options.forEach(function (o) {
        var cid = id + "-" + o;
        var box = el("input", { type: "checkbox", id: cid, value: o });
        box.checked = chosen.indexOf(o) >= 0;
        input.appendChild(el("span", { cls: "check" }, [box, el("label", { "for": cid, text: o.replace(/_/g, " "), title: o })]));
      });
      label = null;
    } else {
      var type = f.kind === "number" ? "number" : f.kind === "date" ? "date" : "text";
      input = el("input", Object.assign({ type: type, step: f.kind === "number" ? "any" : null }, common));
      input.value = value === undefined || value === null ? "" : String(value);
    }
    if (f.kind === "bool") { wrap.appendChild(input); wrap.appendChild(label); }
    else { if (label) wrap.appendChild(label); wrap.appendChild(input); }
    wrap.appendChild(el("small", { id: helpId, cls: "help", text: f.help || "" }));
    wrap.appendChild(el("span", { cls: "field-error", role: "alert" }));
    return wrap;
  }

  function readField(wrap) {
    var kind = wrap.dataset.kind;
    if (kind === "multi") {
      return Array.prototype.map.call(wrap.querySelectorAll("input:checked"), function (b) { return b.value; });
    }
    var input = wrap.querySelector("input, select, textarea");
    if (kind === "bool") return input.checked;
    var raw = input.value;
    if (kind === "lines") return raw.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    if (raw.trim() === "") return undefined;
    if (kind === "tristate") return raw === "true";
    if (kind === "number") { var n = Number(raw); return isNaN(n) ? raw : n; }
    return kind === "textarea" ? raw : raw.trim();
  }

  function fieldsOf(owner) { return root.querySelectorAll('.field[data-owner="' + owner + '"]'); }

  function readObject(owner, part) {
    var out = {};
    var defaults = {};
    spec.parts[part].forEach(function (f) { defaults[f.name] = f; });
    fieldsOf(owner).forEach(function (w) {
      var v = readField(w);
      var f = defaults[w.dataset.name];
      if (v === undefined) return;
      if (Array.isArray(v) && v.length === 0 && !f.required) return;
      if (f.kind === "bool" && v === !!f.default) return;
      if ((f.kind === "choice") && !f.required && v === f.default) return;
      out[w.dataset.name] = v;
    });
    return out;
  }

  // ------------------------------------------------------------------ sections
  function section(title, intro) {
    var s = el("section", { cls: "card editor-section" }, [el("h2", { text: title })]);
    if (intro) s.appendChild(el("p", { cls: "muted", text: intro }));
    root.appendChild(s);
    return s;
  }
  function grid(parent) { var g = el("div", { cls: "field-grid" }); parent.appendChild(g); return g; }

  function addFields(container, owner, part, obj, skip) {
    spec.parts[part].forEach(function (f) {
      if (skip && skip.indexOf(f.name) >= 0) return;
      container.appendChild(fieldEl(owner, f, obj[f.name]));
    });
  }

  var partiesBox, stakesBox, uncertainBox, totalsBox;

  function build(deal) {
    root.textContent = "";
    uid = 0;
    var s = section("Deal", "What is proposed. Fields marked * are required.");
    addFields(grid(s), "deal", "deal", deal);
    s = section("Asset", "The project or asset the deal is about, with the flags the rules look at.");
    addFields(grid(s), "asset", "asset", deal.asset || {});
    s = section("Activity", "What the deal does.");
    addFields(grid(s), "activity", "activity", deal.activity || {});
    s = section("Parties", "Everyone on either side. Names are screened against the lists as you type: pin the list entry that is this party, or mark one as not this party.");
    partiesBox = el("div", { id: "parties-box" });
    s.appendChild(partiesBox);
    (deal.parties || []).forEach(function (p) { addParty(p); });
    s.appendChild(el("button", { type: "button", cls: "secondary", id: "add-party", text: "Add party" }));
    s = section("Stakes", "Who holds what share of whom, before and after the deal (percent). Totals per company must stay at or under 100%.");
    stakesBox = el("div", { id: "stakes-box" });
    s.appendChild(stakesBox);
    totalsBox = el("table", { id: "stake-totals", cls: "data compact" });
    (deal.stakes || []).forEach(function (st) { addStake(st); });
    s.appendChild(el("button", { type: "button", cls: "secondary", id: "add-stake", text: "Add stake" }));
    s.appendChild(el("h3", { text: "Running total per company" }));
    s.appendChild(totalsBox);
    s = section("Uncertain facts", "Fields whose value is not settled, with why.");
    uncertainBox = el("div", { id: "uncertain-box" });
    s.appendChild(uncertainBox);
    (deal.uncertain || []).forEach(function (u) { addUncertain(u); });
    s.appendChild(el("button", { type: "button", cls: "secondary", id: "add-uncertain", text: "Add uncertain fact" }));
    document.getElementById("add-party").addEventListener("click", function () { addParty({ role: "partner" }); refreshPartyChoices(); });
    document.getElementById("add-stake").addEventListener("click", function () { addStake({}); totals(); });
    document.getElementById("add-uncertain").addEventListener("click", function () { addUncertain({}); });
    refreshPartyChoices();
    totals();
  }

  function removeButton(card, what) {
    var b = el("button", { type: "button", cls: "link remove", text: "Remove " + what });
    b.addEventListener("click", function () { card.remove(); refreshPartyChoices(); totals(); });
    return b;
  }

  // ------------------------------------------------------------------ parties and screening
  function addParty(p) {
    var owner = "party" + (++uid);
    var card = el("div", { cls: "party-card", "data-owner-id": owner });
    card.appendChild(el("h3", { cls: "party-title", text: p.name || "New party" }));
    var g = grid(card);
    addFields(g, owner, "party", p);
    var matches = el("div", { cls: "matches", "aria-live": "polite" });
    var nameWrap = g.querySelector('.field[data-name="name"]');
    nameWrap.appendChild(matches);
    var roleWrap = g.querySelector('.field[data-name="role"]');
    var roleSel = roleWrap.querySelector("select");
    var roleHelp = roleWrap.querySelector(".help");
    function roleText() { roleHelp.textContent = spec.roles[roleSel.value] || ""; }
    roleSel.addEventListener("change", roleText);
    roleText();
    card.appendChild(removeButton(card, "party"));
    partiesBox.appendChild(card);
    var nameInput = nameWrap.querySelector("input");
    var timer = null;
    nameInput.addEventListener("input", function () {
      card.querySelector(".party-title").textContent = nameInput.value || "New party";
      clearTimeout(timer);
      timer = setTimeout(function () { screenParty(owner, nameInput.value, matches); }, 300);
    });
    g.querySelector('.field[data-name="id"] input').addEventListener("change", refreshPartyChoices);
    if (p.name) screenParty(owner, p.name, matches);
    return card;
  }

  var SCHEMA = { person: "Person", vessel: "Vessel", company: "Company", fund: "Organization", state_body: "Organization" };

  function screenParty(owner, name, box) {
    name = (name || "").trim();
    var kind = root.querySelector('.field[data-owner="' + owner + '"][data-name="kind"] select');
    if (name.length < 3) { box.textContent = ""; return; }
    var url = "/search/default?limit=5&threshold=0.6&schema=" + (SCHEMA[kind && kind.value] || "LegalEntity") + "&q=" + encodeURIComponent(name);
    box.setAttribute("aria-busy", "true");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { box.removeAttribute("aria-busy"); showMatches(owner, data.results || [], box); })
      .catch(function () { box.textContent = "screening unavailable"; });
  }

  function linesField(owner, name) {
    return root.querySelector('.field[data-owner="' + owner + '"][data-name="' + name + '"] textarea');
  }
  function linesOf(area) { return area.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean); }
  function setLines(area, items) { area.value = items.join("\n"); }

  function showMatches(owner, results, box) {
    box.textContent = "";
    var pin = linesField(owner, "pin"), cleared = linesField(owner, "cleared");
    if (!results.length) { box.appendChild(el("p", { cls: "muted small", text: "No list entry scores above 0.6." })); return; }
    var list = el("ul", { cls: "match-list" });
    results.forEach(function (party) {
      // one result per party since party-based screening: pin and link the party's OFAC record
      // when it has one (the reference list), else its best-matching record; either is a listed
      // record id the deal format accepts
      var recs = party.referents || party.records || [], rid = party.id;
      for (var i = 0; i < recs.length; i++) { if (String(recs[i]).indexOf("ofac-") === 0) { rid = recs[i]; break; } }
      if (recs.length && rid === party.id && recs.indexOf(party.id) < 0) rid = recs[0];
      var r = Object.assign({}, party, { id: rid });
      var pinned = linesOf(pin).indexOf(r.id) >= 0, isCleared = linesOf(cleared).indexOf(r.id) >= 0;
      var li = el("li", { cls: "match-item" + (r.match ? " is-match" : "") + (pinned ? " pinned" : "") + (isCleared ? " cleared" : ""), "data-entity": r.id });
      var link = el("a", { href: "/entity/" + encodeURIComponent(r.id), target: "_blank", rel: "noopener", text: r.caption });
      var meta = el("span", { cls: "muted small", text: " " + r.schema + " · " + (r.datasets || []).join(", ") + " · score " + r.score.toFixed(2) + (r.match ? " · match" : "") });
      var pinB = el("button", { type: "button", cls: "small pin", text: pinned ? "Unpin" : "Pin", "aria-pressed": pinned ? "true" : "false" });
      var clearB = el("button", { type: "button", cls: "small secondary clear", text: isCleared ? "Undo not-this" : "Not this party", "aria-pressed": isCleared ? "true" : "false" });
      pinB.addEventListener("click", function () {
        var items = linesOf(pin).filter(function (x) { return x !== r.id; });
        if (!pinned) items.push(r.id);
        setLines(pin, items);
        setLines(cleared, linesOf(cleared).filter(function (x) { return x !== r.id; }));
        showMatches(owner, results, box);
      });
      clearB.addEventListener("click", function () {
        var items = linesOf(cleared).filter(function (x) { return x !== r.id; });
        if (!isCleared) items.push(r.id);
        setLines(cleared, items);
        setLines(pin, linesOf(pin).filter(function (x) { return x !== r.id; }));
        showMatches(owner, results, box);
      });
      li.appendChild(link); li.appendChild(meta);
      li.appendChild(el("span", { cls: "match-actions" }, [pinB, clearB]));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function partyIds() {
    return Array.prototype.map.call(partiesBox.querySelectorAll('.field[data-name="id"] input'), function (i) { return i.value.trim(); }).filter(Boolean);
  }

  // ------------------------------------------------------------------ stakes with totals
  function stakeSelect(owner, name, value, labelText) {
    var id = "f" + (++uid);
    var wrap = el("div", { cls: "field kind-party", "data-owner": owner, "data-name": name, "data-kind": "choice" });
    wrap.appendChild(el("label", { "for": id, text: labelText + " *" }));
    var sel = el("select", { id: id, "data-value": value || "", name: owner + "." + name });
    wrap.appendChild(sel);
    var f = spec.parts.stake.filter(function (x) { return x.name === name; })[0];
    wrap.appendChild(el("small", { cls: "help", text: f ? f.help : "" }));
    wrap.appendChild(el("span", { cls: "field-error", role: "alert" }));
    sel.addEventListener("change", function () { sel.dataset.value = sel.value; totals(); });
    return wrap;
  }

  function addStake(st) {
    var owner = "stake" + (++uid);
    var row = el("div", { cls: "stake-row field-grid", "data-owner-id": owner });
    row.appendChild(stakeSelect(owner, "holder", st.holder, "Holder"));
    row.appendChild(stakeSelect(owner, "in", st["in"], "In (company)"));
    spec.parts.stake.forEach(function (f) {
      if (f.name === "holder" || f.name === "in") return;
      var w = fieldEl(owner, f, st[f.name]);
      w.addEventListener("input", totals);
      row.appendChild(w);
    });
    row.appendChild(removeButton(row, "stake"));
    stakesBox.appendChild(row);
    refreshPartyChoices();
  }

  function refreshPartyChoices() {
    if (!stakesBox) return;
    var ids = partyIds();
    stakesBox.querySelectorAll("select[data-value]").forEach(function (sel) {
      var keep = sel.dataset.value;
      sel.textContent = "";
      sel.appendChild(el("option", { value: "", text: "— choose a party —" }));
      ids.concat(keep && ids.indexOf(keep) < 0 ? [keep] : []).forEach(function (id) {
        sel.appendChild(el("option", { value: id, text: id }));
      });
      sel.value = keep;
    });
  }

  function totals() {
    if (!totalsBox) return;
    var sums = {};
    collectStakes().forEach(function (s) {
      if (!s["in"]) return;
      var t = sums[s["in"]] = sums[s["in"]] || { before: 0, after: 0 };
      t.before += Number(s.before) || 0; t.after += Number(s.after) || 0;
    });
    totalsBox.textContent = "";
    var head = el("tr", {}, [el("th", { text: "Company", scope: "col" }), el("th", { text: "Before", scope: "col" }), el("th", { text: "After", scope: "col" })]);
    totalsBox.appendChild(el("thead", {}, [head]));
    var body = el("tbody");
    var names = Object.keys(sums);
    if (!names.length) body.appendChild(el("tr", {}, [el("td", { colspan: "3", cls: "muted", text: "No stakes yet." })]));
    names.forEach(function (k) {
      var t = sums[k];
      var over = t.before > 100.01 || t.after > 100.01;
      body.appendChild(el("tr", { "data-company": k, cls: over ? "over" : "" }, [
        el("td", { text: k }),
        el("td", { text: fmt(t.before) + "%" + (t.before > 100.01 ? " (over 100%)" : "") }),
        el("td", { text: fmt(t.after) + "%" + (t.after > 100.01 ? " (over 100%)" : "") })]));
    });
    totalsBox.appendChild(body);
  }
  function fmt(n) { return String(Math.round(n * 100) / 100); }

  function addUncertain(u) {
    var owner = "unc" + (++uid);
    var row = el("div", { cls: "uncertain-row field-grid", "data-owner-id": owner });
    addFields(row, owner, "uncertain", u);
    row.appendChild(removeButton(row, "fact"));
    uncertainBox.appendChild(row);
  }

  // ------------------------------------------------------------------ read the whole form
  function collectStakes() {
    return Array.prototype.map.call(stakesBox.querySelectorAll(".stake-row"), function (row) {
      var owner = row.dataset.ownerId;
      var out = readObject(owner, "stake");
      if (out.before === undefined) out.before = 0;
      if (out.after === undefined) out.after = 0;
      return out;
    });
  }
  function collect() {
    var deal = readObject("deal", "deal");
    deal.asset = readObject("asset", "asset");
    deal.activity = readObject("activity", "activity");
    deal.parties = Array.prototype.map.call(partiesBox.querySelectorAll(".party-card"), function (c) {
      return readObject(c.dataset.ownerId, "party");
    });
    var stakes = collectStakes();
    if (stakes.length) deal.stakes = stakes;
    var unc = Array.prototype.map.call(uncertainBox.querySelectorAll(".uncertain-row"), function (r) {
      return readObject(r.dataset.ownerId, "uncertain");
    });
    if (unc.length) deal.uncertain = unc;
    return deal;
  }

  // the form path of every field, as the validator spells paths: parties[0].name
  function pathIndex() {
    var map = {};
    fieldsOf("deal").forEach(function (w) { map[w.dataset.name] = w; });
    fieldsOf("asset").forEach(function (w) { map["asset." + w.dataset.name] = w; });
    fieldsOf("activity").forEach(function (w) { map["activity." + w.dataset.name] = w; });
    [["parties", partiesBox, ".party-card"], ["stakes", stakesBox, ".stake-row"], ["uncertain", uncertainBox, ".uncertain-row"]].forEach(function (t) {
      t[1].querySelectorAll(t[2]).forEach(function (card, i) {
        map[t[0] + "[" + i + "]"] = card;
        fieldsOf(card.dataset.ownerId).forEach(function (w) { map[t[0] + "[" + i + "]." + w.dataset.name] = w; });
      });
    });
    map.asset = root.querySelectorAll(".editor-section")[1];
    map.activity = root.querySelectorAll(".editor-section")[2];
    return map;
  }
  function normPath(p) {
    return String(p || "").replace(/^\$\.?/, "").replace(/^deal\./, "").replace(/\.(\d+)(?=\.|$)/g, "[$1]").replace(/\/(\d+)/g, "[$1]").replace(/\//g, ".");
  }

  // ------------------------------------------------------------------ validation
  function problemsFrom(body) {
    // the validator's answer: {valid, problems: [{path, message, suggestion}]}; older servers
    // answer {valid, error, field}
    if (!body) return [];
    var list = body.problems || body.errors;
    if (Array.isArray(list) && list.length) {
      return list.map(function (p) {
        return { path: normPath(p.path || p.field || (p.loc || []).join(".")), message: p.message || p.msg || p.reason || String(p), hint: p.suggestion || p.did_you_mean || p.hint || "", warning: p.severity === "warning" };
      });
    }
    if (body.valid) return [];
    return [{ path: normPath(body.field), message: body.error || body.detail || "invalid", hint: "" }];
  }

  function clearProblems() {
    root.querySelectorAll(".field-error").forEach(function (s) { s.textContent = ""; });
    root.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
    root.querySelectorAll(".has-error").forEach(function (n) { n.classList.remove("has-error"); });
    problemsBox.textContent = "";
    show(problemsBox, false);
  }

  function showProblems(list) {
    clearProblems();
    if (!list.length) return;
    var map = pathIndex();
    var errors = list.filter(function (p) { return !p.warning; }).length;
    problemsBox.appendChild(el("strong", { id: "problem-count", "data-count": String(errors), text: errors === 1 ? "1 problem to fix:" : errors + " problems to fix" + (list.length > errors ? " and " + (list.length - errors) + " warnings:" : ":") }));
    var ul = el("ul", { id: "problem-list" });
    list.forEach(function (p) {
      var target = map[p.path];
      if (!target && p.path) {
        // the nearest enclosing part we draw (e.g. asset.sectors[2] -> asset.sectors)
        var q = p.path;
        while (!target && q) { q = q.replace(/(\[\d+\]|\.[^.[]+)$/, ""); target = map[q]; if (q.indexOf(".") < 0 && q.indexOf("[") < 0) break; }
      }
      var text = (p.warning ? "warning: " : "") + p.message + (p.hint ? " (did you mean " + p.hint + "?)" : "");
      var li = el("li", { "data-path": p.path || "" });
      if (target) {
        var a = el("a", { href: "#", text: p.path || "deal" });
        a.addEventListener("click", function (ev) { ev.preventDefault(); var i = target.querySelector("input, select, textarea"); (i || target).focus(); target.scrollIntoView({ block: "center" }); });
        li.appendChild(a);
        li.appendChild(document.createTextNode(": " + text));
        target.classList.add("has-error");
        var slot = target.querySelector(".field-error");
        if (slot) slot.textContent = (slot.textContent ? slot.textContent + "; " : "") + text;
        var inp = target.querySelector("input, select, textarea");
        if (inp) inp.setAttribute("aria-invalid", "true");
      } else {
        li.appendChild(document.createTextNode((p.path ? p.path + ": " : "") + text));
      }
      ul.appendChild(li);
    });
    problemsBox.appendChild(ul);
    show(problemsBox, true);
    problemsBox.focus();
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Requested-With": "olivebranch-ui", "X-CSRF-Token": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.text().then(function (t) {
        var data; try { data = t ? JSON.parse(t) : {}; } catch (e) { data = { detail: t }; }
        return { ok: r.ok, status: r.status, data: data };
      });
    });
  }

  function check() {
    var deal = collect();
    return api("POST", "/api/deals/validate", deal).then(function (res) {
      var list = res.ok ? problemsFrom(res.data) : [{ path: "", message: res.data.detail || ("HTTP " + res.status), hint: "" }];
      showProblems(list);
      var errors = list.filter(function (p) { return !p.warning; });
      status(errors.length ? "" : "The deal is valid.");
      return { deal: deal, problems: errors };
    });
  }
  function status(text) { statusBox.textContent = text; show(statusBox, !!text); }

  document.getElementById("validate").addEventListener("click", check);
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    check().then(function (res) {
      if (res.problems.length) return;
      var id = form.dataset.dealId;
      var saveUrl = id ? "/api/deals/" + encodeURIComponent(id) : "/api/deals";
      return api(id ? "PUT" : "POST", saveUrl, res.deal).then(function (r) {
        if (!r.ok) {
          showProblems([{ path: "", message: (r.data && r.data.detail) || ("could not save (HTTP " + r.status + ")"), hint: "" }]);
          return;
        }
        form.dataset.dealId = r.data.id;
        form.dataset.origin = r.data.origin;
        document.getElementById("save").textContent = "Save new revision";
        status("Saved " + r.data.id + " as revision " + r.data.revision + ".");
        var link = document.getElementById("assess-link");
        link.href = "/deals/" + encodeURIComponent(r.data.id);
        show(link, true);
        if (window.history && history.replaceState) history.replaceState(null, "", "/deals/" + encodeURIComponent(r.data.id) + "/edit");
      });
    });
  });

  // ------------------------------------------------------------------ import and export
  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a", { href: url, download: name });
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  document.getElementById("export-json").addEventListener("click", function () {
    var d = collect();
    download((d.id || "deal") + ".json", "application/json", JSON.stringify(d, null, 2) + "\n");
  });
  document.getElementById("export-yaml").addEventListener("click", function () {
    var d = collect();
    fetch("/deals/editor/export.yaml", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json", "X-Requested-With": "olivebranch-ui", "X-CSRF-Token": csrfToken() }, body: JSON.stringify(d) })
      .then(function (r) { return r.text(); })
      .then(function (t) { download((d.id || "deal") + ".yaml", "application/yaml", t); });
  });
  document.getElementById("import-file").addEventListener("change", function (ev) {
    var file = ev.target.files[0];
    if (!file) return;
    file.text().then(function (text) {
      return fetch("/deals/editor/parse", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "text/plain", "X-Requested-With": "olivebranch-ui", "X-CSRF-Token": csrfToken() }, body: text });
    }).then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (res) {
        if (!res.ok) { showProblems([{ path: "", message: file.name + (res.data.line ? ", line " + res.data.line : "") + ": " + res.data.error, hint: "" }]); return; }
        build(res.data.deal);
        status("Imported " + file.name + "; check it, then save.");
        check();
      });
    ev.target.value = "";
  });

  build(payload.deal);
  form.dataset.ready = "yes";
})();
