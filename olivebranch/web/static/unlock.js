// "What would it take" on the deal page. The panel is server-rendered and works without this
// script (its goal form reloads the page); the script only swaps the panel in place when the
// goal changes (no page reload, no re-assessment of the rest of the page), and fetches it when
// the page was served without it (data-src).
(function () {
  "use strict";
  function panel() { return document.getElementById("unlock"); }

  function load(url, focus) {
    var box = panel();
    if (!box) return;
    box.setAttribute("aria-busy", "true");
    var status = box.querySelector(".unlock-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "muted small unlock-status";
      status.setAttribute("role", "status");
      box.appendChild(status);
    }
    status.textContent = "Working out what it would take…";
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, status: r.status, text: t }; }); })
      .then(function (r) {
        if (!r.ok) {
          status.textContent = "Could not work it out (HTTP " + r.status + ").";
          box.removeAttribute("aria-busy");
          return;
        }
        var holder = document.createElement("div");
        holder.innerHTML = r.text;
        var fresh = holder.querySelector("#unlock");
        if (!fresh) return;
        box.replaceWith(fresh);
        wire();
        if (focus) {
          var sel = document.getElementById("unlock-target");
          if (sel) sel.focus();
        }
      });
  }

  function fragmentUrl(form) {
    var params = new URLSearchParams(new FormData(form));
    params.delete("unlock");
    params.set("fragment", "1");
    var deal = form.getAttribute("action").split("#")[0];
    return deal + "/unlock?" + params.toString();
  }

  function wire() {
    var box = panel();
    if (!box) return;
    if (box.dataset.src) { load(box.dataset.src, false); return; }
    var form = document.getElementById("unlock-form");
    if (!form) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var params = new URLSearchParams(new FormData(form));
      params.set("unlock", "1");
      if (window.history && history.replaceState) {
        history.replaceState(null, "", form.getAttribute("action").split("#")[0] + "?" + params.toString() + "#unlock");
      }
      load(fragmentUrl(form), true);
    });
    // a pick with the mouse applies at once; arrow keys only move the choice (Enter or Show)
    var sel = document.getElementById("unlock-target");
    var keyboard = false;
    sel.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); form.requestSubmit(); return; }
      keyboard = true;
    });
    sel.addEventListener("pointerdown", function () { keyboard = false; });
    sel.addEventListener("change", function () { if (!keyboard) form.requestSubmit(); });
  }
  wire();
})();
