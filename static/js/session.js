/* The session's time limit, announced with a way to extend it (WCAG 2.2.1), and nothing typed lost to it.

   1. Warning. A signed-in page carries #session-timeout with how long the session lives on without a
      request. SESSION_IDLE_WARNING seconds before the end, a dialog (role="alertdialog", focus moved to
      "Stay signed in", Tab kept inside, Escape = stay) counts down; "Stay signed in" POSTs to the
      keep-alive endpoint and gives focus back where it was. Tabs of one browser share the deadline through
      localStorage (a time only, nothing else), so activity in one tab calms the others.
   2. Unsent text. Whatever a POST form sends is kept in this tab's sessionStorage under
      "caseline:unsent" (the page's address, the form, its fields; never passwords, codes, files or hidden
      fields) and dropped on the next page, which proves it arrived. If the session had ended, that next page
      is the sign-in page: it marks the entry, says so, and sends the user back to the page after signing in,
      where the fields are filled in again and the entry is dropped. When the deadline passes with nothing
      sent, the dialog keeps the page's changed form the same way. An entry older than 12 hours, or signing
      out, drops it. No inline script: wired here, from static/. */
(function () {
  "use strict";

  var UNSENT = "caseline:unsent";
  var DEADLINE = "caseline:session-deadline";
  var MAX_AGE_MS = 12 * 3600 * 1000;
  var SKIPPED_TYPES = ["password", "file", "hidden", "submit", "button", "reset", "image"];

  // --- Storage that may be refused (private modes, quotas): the page works without it ---------------
  function read(store, key) {
    try { return JSON.parse(store.getItem(key)); } catch (error) { return null; }
  }
  function write(store, key, value) {
    try { store.setItem(key, JSON.stringify(value)); } catch (error) { /* nothing kept */ }
  }
  function remove(store, key) {
    try { store.removeItem(key); } catch (error) { /* nothing to drop */ }
  }
  function session() { try { return window.sessionStorage; } catch (error) { return null; } }
  function local() { try { return window.localStorage; } catch (error) { return null; } }

  // --- Unsent form fields ---------------------------------------------------------------------------
  function here() { return window.location.pathname + window.location.search; }

  function actionPath(form) {
    return new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
  }

  function keptFields(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      var type = (field.type || "").toLowerCase();
      if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return;
      if (SKIPPED_TYPES.indexOf(type) !== -1 || field.autocomplete === "one-time-code") return;
      if (type === "checkbox" || type === "radio") {
        if (field.checked) fields.push([field.name, field.value]);
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(field.selectedOptions, function (option) {
          fields.push([field.name, option.value]);
        });
      } else if (field.tagName === "TEXTAREA" || field.tagName === "SELECT" || field.tagName === "INPUT") {
        fields.push([field.name, field.value]);
      }
    });
    return fields;
  }

  function changed(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      var type = (field.type || "").toLowerCase();
      if (!field.name || SKIPPED_TYPES.indexOf(type) !== -1) return false;
      if (type === "checkbox" || type === "radio") return field.checked !== field.defaultChecked;
      if (field.tagName === "SELECT") {
        return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return field.value !== field.defaultValue;
    });
  }

  function keepable(form) {
    return form && (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-session-login") &&
      form.closest("main") !== null;
  }

  function keep(form, expired) {
    var store = session();
    if (!store || !keepable(form)) return;
    var fields = keptFields(form);
    var typed = fields.some(function (pair) { return pair[1] !== ""; });
    if (!typed) return;  // a form with nothing typed (a button, a code): keep what is there already
    var forms = Array.prototype.slice.call(document.querySelectorAll("main form"));
    write(store, UNSENT, {
      page: here(), action: actionPath(form), index: forms.indexOf(form), fields: fields,
      savedAt: Date.now(), expired: !!expired
    });
  }

  function restore(entry) {
    var forms = Array.prototype.slice.call(document.querySelectorAll("main form"));
    var form = forms.filter(function (f) { return keepable(f) && actionPath(f) === entry.action; })[0] ||
      forms[entry.index];
    if (!form) return false;
    var byName = {};
    entry.fields.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    var first = null;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !(field.name in byName)) return;
      var values = byName[field.name];
      var type = (field.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else if (type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else {
        field.value = values[0];
        if (!first && (field.tagName === "TEXTAREA" || type === "text")) first = field;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    });
    announce("What you typed before your session ended is back in the form. Check it, then save it.");
    if (first) first.focus();
    return true;
  }

  function announce(text) {
    var box = document.getElementById("messages");
    if (!box) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-info";
    alert.setAttribute("role", "status");
    alert.id = "unsent-restored";
    alert.textContent = text;
    box.appendChild(alert);
  }

  function onLoad() {
    var store = session();
    if (!store) return;
    var entry = read(store, UNSENT);
    if (!entry || !entry.page || !Array.isArray(entry.fields)) return;
    if (Date.now() - entry.savedAt > MAX_AGE_MS) { remove(store, UNSENT); return; }
    var login = document.querySelector("form[data-session-login]");
    if (login) {
      // The session had ended: come back to the page after signing in, and say what will happen.
      entry.expired = true;
      write(store, UNSENT, entry);
      var next = login.querySelector("input[name=next]");
      if (next && entry.page.charAt(0) === "/" && entry.page.charAt(1) !== "/") next.value = entry.page;
      var notice = document.getElementById("unsent-notice");
      if (notice) notice.hidden = false;
      return;
    }
    if (!document.getElementById("session-timeout")) return;  // not signed in yet (two-factor, errors)
    if (!entry.expired) { remove(store, UNSENT); return; }  // it was sent, and it arrived
    if (entry.page === here() && restore(entry)) remove(store, UNSENT);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var root = document.getElementById("session-timeout");
    if (root && actionPath(form) === new URL(root.dataset.logoutUrl, window.location.href).pathname) {
      remove(session(), UNSENT);  // signing out on purpose: keep nothing
      return;
    }
    if (!event.defaultPrevented) keep(form, false);
  });

  // --- The warning ----------------------------------------------------------------------------------
  function Timer(root) {
    this.root = root;
    this.dialog = root.querySelector("[role=alertdialog]");
    this.warningMs = Number(root.dataset.warningSeconds) * 1000;
    this.extendable = root.dataset.extendable === "true";
    this.deadline = Date.now() + Number(root.dataset.secondsLeft) * 1000;
    this.ended = false;
    this.dismissed = false;
    this.returnFocus = null;
    this.tick = null;
    this.wait = null;
    this.share();
  }

  Timer.prototype.share = function () {
    write(local(), DEADLINE, { at: this.deadline, extendable: this.extendable });
  };

  Timer.prototype.adopt = function () {
    var shared = read(local(), DEADLINE);
    if (shared && typeof shared.at === "number" && shared.at > this.deadline) {
      this.deadline = shared.at;
      this.extendable = shared.extendable !== false;
    }
  };

  Timer.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.wait);
    var delay = Math.max(0, Math.min(this.deadline - this.warningMs - Date.now(), 2147483647));
    this.wait = window.setTimeout(function () { self.check(); }, delay);
  };

  Timer.prototype.check = function () {
    if (this.ended) return;
    this.adopt();
    var left = this.deadline - Date.now();
    if (left <= 0) {
      this.end();
    } else if (left <= this.warningMs && this.dismissed) {
      var self = this;  // "Close" on a warning that cannot be extended: nothing more until the end
      window.clearTimeout(this.wait);
      this.wait = window.setTimeout(function () { self.check(); }, left);
    } else if (left <= this.warningMs) {
      this.warn();
    } else {
      this.dismissed = false;
      this.hide();
      this.schedule();
    }
  };

  Timer.prototype.countdown = function () {
    var left = Math.max(0, Math.ceil((this.deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    var text = minutes ? minutes + (minutes === 1 ? " minute " : " minutes ") + seconds + " seconds" : seconds + " seconds";
    this.root.querySelector("[data-session-countdown]").textContent = text;
  };

  Timer.prototype.show = function (state) {
    var self = this;
    this.root.querySelectorAll("[data-session-state]").forEach(function (part) {
      part.hidden = part.dataset.sessionState !== state;
    });
    this.root.querySelectorAll("[data-session-when]").forEach(function (part) {
      part.hidden = (part.dataset.sessionWhen === "final") === self.extendable;
    });
    var ended = state === "ended";
    this.dialog.setAttribute("aria-labelledby", ended ? "session-timeout-ended-title" : "session-timeout-title");
    this.dialog.setAttribute("aria-describedby", ended ? "session-timeout-ended-text" : "session-timeout-text");
    if (this.root.hidden) {
      this.returnFocus = document.activeElement;
      this.root.hidden = false;
      this.setInert(true);
    }
    var button = this.root.querySelector("[data-session-state=" + state + "] button:not([hidden])");
    if (button) button.focus();
  };

  Timer.prototype.setInert = function (inert) {
    Array.prototype.forEach.call(document.body.children, function (element) {
      if (element.id === "session-timeout" || element.tagName === "SCRIPT") return;
      if (inert) element.setAttribute("inert", ""); else element.removeAttribute("inert");
    });
  };

  Timer.prototype.warn = function () {
    var self = this;
    this.countdown();
    if (this.root.hidden) this.show("warning");
    window.clearInterval(this.tick);
    this.tick = window.setInterval(function () {
      self.adopt();
      if (self.deadline - Date.now() > self.warningMs) { self.check(); return; }
      if (self.deadline <= Date.now()) { self.end(); return; }
      self.countdown();
    }, 1000);
  };

  Timer.prototype.hide = function () {
    window.clearInterval(this.tick);
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.setInert(false);
    if (this.returnFocus && document.contains(this.returnFocus)) this.returnFocus.focus();
    this.returnFocus = null;
  };

  Timer.prototype.end = function () {
    window.clearInterval(this.tick);
    window.clearTimeout(this.wait);
    this.ended = true;
    var form = Array.prototype.filter.call(document.querySelectorAll("main form"), function (f) {
      return keepable(f) && changed(f);
    })[0];
    if (form) keep(form, true);
    this.show("ended");
  };

  Timer.prototype.extend = function () {
    var self = this;
    var token = "";
    try { token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { token = ""; }
    fetch(this.root.dataset.keepaliveUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("session ended");
      return response.json();
    }).then(function (answer) {
      self.deadline = Date.now() + answer.seconds_left * 1000;
      self.extendable = answer.extendable;
      self.share();
      self.hide();
      self.schedule();
    }).catch(function () { self.end(); });
  };

  Timer.prototype.wire = function () {
    var self = this;
    this.root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-session-action]");
      if (!button) return;
      var action = button.dataset.sessionAction;
      if (action === "extend") self.extend();
      if (action === "dismiss") { self.hide(); self.dismissed = true; }
      if (action === "sign-in") window.location.assign(window.location.href);
    });
    this.root.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !self.ended) {
        event.preventDefault();
        if (self.extendable) self.extend(); else self.hide();
      }
      if (event.key !== "Tab") return;
      var buttons = Array.prototype.filter.call(self.root.querySelectorAll("button"), function (b) {
        return b.offsetParent !== null;
      });
      if (!buttons.length) return;
      var first = buttons[0];
      var last = buttons[buttons.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    window.addEventListener("storage", function (event) {
      if (event.key === DEADLINE) self.check();
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) self.check();
    });
    document.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var left = xhr && xhr.getResponseHeader("X-Session-Seconds-Left");
      if (left !== null && left !== undefined && left !== "") {
        self.deadline = Date.now() + Number(left) * 1000;
        self.share();
        self.check();
      }
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    onLoad();
    var root = document.getElementById("session-timeout");
    if (!root) return;
    var timer = new Timer(root);
    timer.wire();
    timer.check();
  });
})();
