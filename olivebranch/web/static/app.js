// A little progressive enhancement; every page works without it.
(function () {
  document.documentElement.classList.add("js");
  // Scenario switchers: a pick with the mouse applies at once; arrow keys only move the choice
  // (no reload per key press): Enter or the Apply button applies it.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    var keyboard = false;
    el.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); el.form.submit(); return; }
      keyboard = true;
    });
    el.addEventListener("pointerdown", function () { keyboard = false; });
    el.addEventListener("change", function () {
      if (keyboard) { el.form.classList.add("pending"); return; }
      el.form.submit();
    });
  });
  // Heat-map cells: a click anywhere in the cell follows its link.
  document.querySelectorAll("td.cell[data-href]").forEach(function (td) {
    td.classList.add("clickable");
    td.addEventListener("click", function () { window.location = td.dataset.href; });
  });
  // Screening: focus the name box on load.
  var q = document.querySelector("input[name=q][autofocus]");
  if (q) { q.focus(); q.select(); }
  // Phones: the navigation folds behind the menu button.
  var toggle = document.getElementById("menu-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var header = toggle.closest("header");
      var open = header.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
})();
