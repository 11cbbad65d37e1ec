/* Nothing typed is lost by leaving the page (issue 12, finding 14).

   1. A form marked data-unsaved-warning (or holding a field so marked: a widget's attrs in the Django form)
      is watched: when any of its fields differs from what the page was loaded with, leaving the page (a
      link, closing the tab, reloading) asks first, through the browser's own "Leave site?" prompt
      (beforeunload; browsers show their own words, not ours). Changing a field back clears it.
   2. Sending the form is not leaving it: its submit clears the prompt (unless the submit was cancelled,
      e.g. by a confirmation the user declined).
   3. A submit button with data-confirm (the report's "Submit to supervisor", which sends the same form
      to another address through formaction) asks before sending, as <form data-confirm> does for a form.
   No inline script: wired here, from static/. */
(function () {
  "use strict";

  var MARK = "data-unsaved-warning";
  var SKIPPED_TYPES = ["hidden", "submit", "button", "reset", "image", "file", "password"];

  function watched(form) {
    return form && form.tagName === "FORM" && (form.hasAttribute(MARK) || form.querySelector("[" + MARK + "]") !== null);
  }

  function fieldChanged(field) {
    var type = (field.type || "").toLowerCase();
    if (!field.name || field.disabled || SKIPPED_TYPES.indexOf(type) !== -1) return false;
    if (type === "checkbox" || type === "radio") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.selected !== option.defaultSelected;
      });
    }
    return field.value !== field.defaultValue;
  }

  function changed(form) {
    return Array.prototype.some.call(form.elements, fieldChanged);
  }

  var sending = null; // the watched form being sent: leaving for its answer is not leaving it

  function unsavedForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return form !== sending && watched(form) && changed(form);
    });
  }

  // 3. A submit button's own confirmation (registered before 2, so a declined one is seen there).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // 2. Sent, not left. The confirmations (caseline.js's for a form, the one above for a button) run before
  // this; a handler after it that cancels the submit is seen once the event is done, and the form is
  // watched again.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!watched(form) || event.defaultPrevented) return;
    sending = form;
    window.setTimeout(function () {
      if (event.defaultPrevented && sending === form) sending = null;
    }, 0);
  });

  // Signing in again after the session ended (session.js has kept the changed form, and puts it back after
  // signing in): nothing is lost by leaving, so no prompt.
  var kept = false;
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-session-action='sign-in']")) kept = true;
  }, true);

  // 1. Leaving with changes asks first.
  window.addEventListener("beforeunload", function (event) {
    if (kept || unsavedForms().length === 0) return undefined;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show the prompt
    return "";
  });

  // Back from the browser's page cache: the page is as it was left, the form not sent after all.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { sending = null; kept = false; }
  });
})();
