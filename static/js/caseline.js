/* Caseline's small behaviours. No inline scripts: everything is wired here by data attributes. */
(function () {
  "use strict";

  // Whole caseload rows are clickable: the row follows the person's link (the link stays the
  // keyboard and screen-reader target).
  function wireRows(root) {
    root.querySelectorAll(".cl-table tbody tr").forEach(function (row) {
      var link = row.querySelector("a.stretched-link-row");
      if (!link || row.dataset.href) return;
      row.dataset.href = link.getAttribute("href");
      row.addEventListener("click", function (event) {
        if (event.target.closest("a, button, input, select, label")) return;
        window.location.assign(row.dataset.href);
      });
    });
  }

  // <form data-confirm="…">: ask before a step that cannot be undone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // Filters on the caseload apply as soon as a select changes.
  function wireAutoSubmit(root) {
    root.querySelectorAll(".cl-filters select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
  }

  // Move focus to the first field with an error, so a keyboard user lands where to fix it.
  function focusFirstError() {
    var invalid = document.querySelector("main .is-invalid, main fieldset.is-invalid input");
    if (invalid && typeof invalid.focus === "function") invalid.focus();
  }

  // Drug test: a substance marked positive stands out.
  function markPositive(select) {
    select.classList.toggle("is-positive", select.value === "positive");
  }
  function wireSubstances(root) {
    root.querySelectorAll(".cl-substances select").forEach(function (select) {
      markPositive(select);
      select.addEventListener("change", function () { markPositive(select); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    wireSubstances(document);
    wireRows(document);
    wireAutoSubmit(document);
    focusFirstError();
  });
  document.addEventListener("htmx:afterSwap", function (event) { wireRows(event.target); });
})();
