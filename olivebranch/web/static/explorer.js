// Ownership explorer: cytoscape graph grown one level at a time from /api/ownership/{id}?depth=1.
// Each expansion remembers the nodes it brought in, so collapsing removes exactly those (unless
// another expanded node or the root still needs them). Colours come from the CSS verdict scale;
// shapes and labels carry the status too, for readers who do not see colour.
(function () {
  "use strict";
  var box = document.getElementById("explorer");
  if (!box || typeof cytoscape === "undefined") return;
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var root = box.dataset.root;
  var regimeSel = document.getElementById("regime");
  var highlight = document.getElementById("highlight");
  var css = getComputedStyle(document.documentElement);
  function v(name) { return css.getPropertyValue(name).trim() || "#ccc"; }
  var VERDICT = {}; // status -> verdict class (STATUS in web/explorer.py)
  Object.keys(data.statuses).forEach(function (k) { VERDICT[k] = data.statuses[k][1]; });
  var COLOUR = {
    prohibited: [v("--v-prohibited"), v("--v-prohibited-ink")], licence_required: [v("--v-licence"), v("--v-licence-ink")],
    risk: [v("--v-risk"), v("--v-risk-ink")], restricted: [v("--v-restricted"), v("--v-restricted-ink")], clear: [v("--v-clear"), v("--v-clear-ink")]
  };
  var SHAPE = { designated: "octagon", owned: "diamond", controlled: "diamond", possibly_owned: "round-triangle", sectoral_designated: "hexagon", sectoral_owned: "hexagon", none: "round-rectangle" };
  var info = {};        // id -> {name, status}
  var addedBy = {};     // expanded id -> ids it brought in
  var refs = {};        // id -> how many expansions hold it
  var edgesBy = {};     // expanded id -> edge ids it brought in

  var cy = cytoscape({
    container: document.getElementById("graph"),
    wheelSensitivity: 0.3, minZoom: 0.15, maxZoom: 3,
    style: [
      { selector: "node", style: {
        "shape": "data(shape)", "background-color": "data(bg)", "border-color": "data(ink)", "border-width": 2,
        "label": "data(label)", "color": "#1d2330", "font-size": 11, "text-wrap": "wrap", "text-max-width": 150,
        "text-valign": "bottom", "text-margin-y": 4, "width": 34, "height": 34,
        "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 2 } },
      { selector: "node[?root]", style: { "width": 48, "height": 48, "border-width": 4, "font-weight": "bold" } },
      { selector: "node[?expanded]", style: { "border-style": "double", "border-width": 5 } },
      { selector: "node:selected", style: { "overlay-color": "#1f4e79", "overlay-opacity": 0.15, "overlay-padding": 6 } },
      { selector: "edge", style: {
        "width": 1.5, "line-color": "#9aa3b2", "target-arrow-color": "#9aa3b2", "target-arrow-shape": "triangle",
        "curve-style": "bezier", "label": "data(label)", "font-size": 9, "color": "#5b6475",
        "text-background-color": "#fff", "text-background-opacity": 0.9, "text-background-padding": 1 } },
      { selector: "edge[?uncertain]", style: { "line-style": "dashed" } },
      { selector: "edge.carries", style: { "width": 4, "line-color": "#8b1111", "target-arrow-color": "#8b1111", "color": "#8b1111" } },
      { selector: "node.faded, edge.faded", style: { "opacity": 0.6 } }
    ]
  });

  function statusOf(id) {
    var st = (info[id] && info[id].status) || {};
    var s = st[regimeSel.value] || "none";
    if (!data.statuses[s]) { data.statuses[s] = [s.replace(/_/g, " "), "restricted"]; VERDICT[s] = "restricted"; }
    return s;
  }
  function labelOf(id) {
    var s = statusOf(id);
    var name = info[id].name;
    if (name.length > 48) name = name.slice(0, 46) + "…";
    return s === "none" ? name : name + "\n[" + data.statuses[s][0] + "]";
  }
  function paint() {
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var s = statusOf(n.id());
        var c = COLOUR[VERDICT[s]] || COLOUR.clear;
        n.data({ bg: c[0], ink: c[1], shape: SHAPE[s] || "ellipse", label: labelOf(n.id()), status: s, expanded: !!addedBy[n.id()] });
      });
      cy.elements().removeClass("carries faded");
      if (highlight.checked) {
        // an edge carries a status when its owner has one and passes it on to the holding
        var carrying = cy.edges().filter(function (e) {
          var o = statusOf(e.source().id()), a = statusOf(e.target().id());
          return o !== "none" && (a === "owned" || a === "controlled" || a === "possibly_owned" || a === "sectoral_owned");
        });
        carrying.addClass("carries");
        if (carrying.length) {
          var keep = carrying.connectedNodes().union(cy.getElementById(root));
          cy.elements().not(keep).not(carrying).addClass("faded");
        }
      }
    });
    table();
  }

  function fetchLevel(id) {
    return fetch("/api/ownership/" + encodeURIComponent(id) + "?depth=1", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
  }

  function expand(id) {
    if (addedBy[id]) return Promise.resolve();
    box.setAttribute("aria-busy", "true");
    return fetchLevel(id).then(function (rep) {
      var added = [], edges = [];
      var origin = cy.getElementById(id);
      var pos = origin.length ? origin.position() : { x: 0, y: 0 };
      rep.nodes.forEach(function (n, i) {
        if (!info[n.entity_id] || n.entity_id === id) info[n.entity_id] = { name: n.name, status: n.status };
        if (n.entity_id === id) return;
        refs[n.entity_id] = (refs[n.entity_id] || 0) + 1;
        added.push(n.entity_id);
        if (!cy.getElementById(n.entity_id).length) {
          cy.add({ group: "nodes", data: { id: n.entity_id }, position: { x: pos.x + 60 * Math.cos(i), y: pos.y + 60 * Math.sin(i) } });
        }
      });
      rep.edges.forEach(function (e) {
        var eid = e.edge_id || (e.owner + ">" + e.asset);
        if (!cy.getElementById(e.owner).length || !cy.getElementById(e.asset).length) return;
        if (!cy.getElementById(eid).length) {
          cy.add({ group: "edges", data: { id: eid, source: e.owner, target: e.asset, uncertain: !!e.uncertain,
            label: e.percent === null || e.percent === undefined ? (e.kind || "") : e.percent + "%", percent: e.percent, kind: e.kind } });
          edges.push(eid);
        }
      });
      addedBy[id] = added;
      edgesBy[id] = edges;
      paint();
      layout();
      box.removeAttribute("aria-busy");
      box.dataset.nodes = String(cy.nodes().length);
    }).catch(function (err) {
      box.removeAttribute("aria-busy");
      if (window.console) console.error(err);
      document.getElementById("selected").textContent = "Could not load " + id + ": " + err.message;
    });
  }

  function collapse(id) {
    var added = addedBy[id];
    if (!added) return;
    delete addedBy[id];
    added.forEach(function (n) {
      refs[n] = (refs[n] || 1) - 1;
      if (refs[n] <= 0 && n !== root) {
        delete refs[n];
        if (addedBy[n]) collapse(n);
        cy.getElementById(n).remove();
      }
    });
    (edgesBy[id] || []).forEach(function (e) {
      var edge = cy.getElementById(e);
      // an edge between two nodes still shown by another expansion stays
      if (edge.length && !(edge.source().length && edge.target().length && stillLinked(edge))) edge.remove();
    });
    delete edgesBy[id];
    paint();
    layout();
    box.dataset.nodes = String(cy.nodes().length);
  }
  function stillLinked(edge) {
    var s = edge.source().id(), t = edge.target().id();
    return Object.keys(addedBy).some(function (k) {
      var ids = addedBy[k].concat([k]);
      return ids.indexOf(s) >= 0 && ids.indexOf(t) >= 0;
    });
  }

  // Layered layout: owners above the root, holdings below, each level wrapped into rows of at
  // most COLS companies, so a group with dozens of subsidiaries reads as a block, not a strip.
  var COLS = 6, DX = 175, DY = 105;
  function layout() {
    var level = {};
    level[root] = 0;
    var queue = [root];
    while (queue.length) {
      var id = queue.shift(), node = cy.getElementById(id);
      node.outgoers("node").forEach(function (n) { if (level[n.id()] === undefined) { level[n.id()] = level[id] + 1; queue.push(n.id()); } });
      node.incomers("node").forEach(function (n) { if (level[n.id()] === undefined) { level[n.id()] = level[id] - 1; queue.push(n.id()); } });
    }
    var rows = {};
    cy.nodes().forEach(function (n) { var l = level[n.id()] === undefined ? 99 : level[n.id()]; (rows[l] = rows[l] || []).push(n); });
    var levels = Object.keys(rows).map(Number).sort(function (a, b) { return a - b; });
    var y = 0, pos = {};
    levels.forEach(function (l) {
      var nodes = rows[l].sort(function (a, b) { return statusRank(b) - statusRank(a) || info[a.id()].name.localeCompare(info[b.id()].name); });
      for (var i = 0; i < nodes.length; i += COLS) {
        var chunk = nodes.slice(i, i + COLS);
        chunk.forEach(function (n, j) { pos[n.id()] = { x: (j - (chunk.length - 1) / 2) * DX + (i / COLS % 2 ? DX / 4 : 0), y: y }; });
        y += DY;
      }
      y += DY * 0.35;
    });
    cy.layout({ name: "preset", positions: function (n) { return pos[n.id()]; }, animate: false, fit: true, padding: 30 }).run();
  }
  function statusRank(n) { var s = statusOf(n.id()); return s === "none" ? 0 : s === "designated" ? 3 : 2; }

  function select(id) {
    var panel = document.getElementById("selected");
    panel.textContent = "";
    var node = cy.getElementById(id);
    if (!node.length) return;
    cy.nodes().unselect(); node.select();
    var s = statusOf(id);
    panel.appendChild(el("h2", { cls: "h3", text: info[id].name }));
    panel.appendChild(el("p", {}, [el("span", { cls: "badge v-" + VERDICT[s], text: data.statuses[s][0], title: s }), " under " + regimeSel.options[regimeSel.selectedIndex].text]));
    var ins = node.incomers("edge").map(function (e) { return info[e.source().id()].name + " " + (e.data("label") || ""); });
    var outs = node.outgoers("edge").map(function (e) { return (e.data("label") || "") + " of " + info[e.target().id()].name; });
    if (ins.length) panel.appendChild(el("p", { cls: "small", text: "Owned by: " + ins.join("; ") }));
    if (outs.length) panel.appendChild(el("p", { cls: "small", text: "Holds: " + outs.join("; ") }));
    panel.appendChild(actions(id));
    panel.appendChild(el("p", { cls: "small" }, [el("a", { href: "/entity/" + encodeURIComponent(id), text: "Entity page" }), " · ", el("a", { href: "/ownership/" + encodeURIComponent(id), text: "Centre on this company" })]));
  }
  function actions(id) {
    var wrap = el("span", { cls: "row-actions" });
    if (addedBy[id]) {
      var c = el("button", { type: "button", cls: "small secondary collapse", text: "Collapse", "data-id": id, "aria-label": "Collapse " + info[id].name });
      c.addEventListener("click", function () { collapse(id); select(id); });
      wrap.appendChild(c);
    } else {
      var x = el("button", { type: "button", cls: "small expand", text: "Expand", "data-id": id, "aria-label": "Expand " + info[id].name + " one level" });
      x.addEventListener("click", function () { expand(id).then(function () { select(id); }); });
      wrap.appendChild(x);
    }
    return wrap;
  }
  function table() {
    var tb = document.querySelector("#graph-table tbody");
    tb.textContent = "";
    var nodes = cy.nodes().sort(function (a, b) { return (a.id() === root ? -1 : 0) - (b.id() === root ? -1 : 0) || info[a.id()].name.localeCompare(info[b.id()].name); });
    nodes.forEach(function (n) {
      var id = n.id(), s = statusOf(id);
      var name = el("a", { href: "#", text: info[id].name });
      name.addEventListener("click", function (ev) { ev.preventDefault(); select(id); cy.animate({ center: { eles: n } }, { duration: 200 }); });
      tb.appendChild(el("tr", { "data-id": id, cls: id === root ? "root" : "" }, [
        el("td", {}, [name]), el("td", {}, [el("span", { cls: "badge v-" + VERDICT[s], text: data.statuses[s][0], title: s })]), el("td", {}, [actions(id)])]));
    });
  }
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { var val = attrs[k]; if (val === null || val === undefined) return; if (k === "text") n.textContent = val; else if (k === "cls") n.className = val; else n.setAttribute(k, val); });
    (kids || []).forEach(function (c) { if (c) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }

  cy.on("tap", "node", function (ev) { select(ev.target.id()); });
  cy.on("dbltap", "node", function (ev) { var id = ev.target.id(); (addedBy[id] ? Promise.resolve(collapse(id)) : expand(id)).then(function () { select(id); }); });
  regimeSel.addEventListener("change", paint);
  highlight.addEventListener("change", paint);
  document.getElementById("zoom-in").addEventListener("click", function () { cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); });
  document.getElementById("zoom-out").addEventListener("click", function () { cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }); });
  document.getElementById("fit").addEventListener("click", function () { cy.fit(undefined, 30); });
  document.getElementById("relayout").addEventListener("click", layout);
  document.getElementById("explorer-form").addEventListener("submit", function (ev) { ev.preventDefault(); });

  cy.add({ group: "nodes", data: { id: root, root: true } });
  info[root] = { name: root, status: {} };
  refs[root] = 1;
  expand(root).then(function () { select(root); box.dataset.ready = "yes"; });
  window.olivebranchGraph = cy; // for tests and the curious
})();
