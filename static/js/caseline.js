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

  // A form shown again with errors: focus goes to its error summary (includes/form_errors.html), which a
  // screen reader reads out and whose links lead to each field; without a summary, to the first field
  // with an error. Either way a keyboard user lands where to fix it.
  function focusFirstError() {
    var summary = document.querySelector("main .cl-error-summary");
    if (summary) { summary.focus(); return; }
    var invalid = document.querySelector("main .is-invalid, main fieldset.is-invalid input");
    if (invalid && typeof invalid.focus === "function") invalid.focus();
  }

  // A link of the error summary focuses its field and shows the field's label above it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-error-field]");
    if (!link) return;
    var field = document.getElementById(link.dataset.errorField);
    if (!field) return;
    event.preventDefault();
    var label = document.querySelector("label[for='" + CSS.escape(field.id) + "']") || field.closest("fieldset") || field;
    label.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });

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
    focusFirstError();
  });
  // A form sent to an anchor (the inbox's …/hearing/#proceedings) comes back to it: the browser's jump to the
  // anchor, once the page has loaded, puts the focus back on the page itself, so the summary takes it again.
  window.addEventListener("load", function () {
    if (window.location.hash) window.setTimeout(focusFirstError, 0);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    wireRows(event.target);
    // A filter inside the part it replaced (the case's timeline) is gone with it: the focus goes to the new
    // current filter instead of falling back to the top of the page (WCAG 2.4.3).
    if (!document.activeElement || document.activeElement === document.body) {
      var current = event.target.querySelector("[aria-current]");
      if (current) current.focus();
    }
  });
})();
