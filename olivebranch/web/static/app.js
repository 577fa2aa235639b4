// A little progressive enhancement; every page works without it.
(function () {
  // Selects marked data-autosubmit submit their form on change (scenario switchers).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // Heat-map cells: keyboard focus follows the link inside.
  document.querySelectorAll("td.cell[data-href]").forEach(function (td) {
    td.style.cursor = "pointer";
    td.addEventListener("click", function () { window.location = td.dataset.href; });
  });
  // Screening: focus the name box on load.
  var q = document.querySelector("input[name=q][autofocus]");
  if (q) { q.focus(); q.select(); }
})();
