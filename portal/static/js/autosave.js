/*
 * Autosave of a concept's edit forms. Progressive enhancement: without this file the forms save
 * with their buttons, and nothing is lost.
 *
 * A form with data-autosave-url is posted there (as form data, CSRF token also in the
 * X-CSRFToken header) every 30 seconds when something changed, and when a changed field loses
 * the focus. The answer carries the new lock_version (written into every lock_version field of
 * the page, so the other buttons stay current) and the new digest of the saved text. The status
 * line ([data-autosave-status], a polite live region) says what happened. After a conflict, or
 * when the version cannot be changed any more, autosaving stops: saving by hand shows the full
 * explanation and keeps the text.
 */
(function () {
  "use strict";

  var INTERVAL = 30 * 1000;

  function setup(form) {
    var url = form.dataset.autosaveUrl;
    var status = form.querySelector("[data-autosave-status]");
    var dirty = false;
    var busy = false;
    var stopped = false;
    var timer = null;
    // A manual save that waits for an autosave still on its way (see "submit" below).
    var waiting = null;
    var resubmitting = false;

    function say(key, time) {
      if (!status) {
        return;
      }
      var text = status.dataset[key] || "";
      status.textContent = time ? text.replace("{time}", time) : text;
    }

    function now() {
      var lang = document.documentElement.lang || undefined;
      return new Date().toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    }

    function stop(key) {
      stopped = true;
      clearInterval(timer);
      say(key);
    }

    function updateLock(answer) {
      // The save reached the server, which keeps the session alive: restart its countdown.
      document.dispatchEvent(new CustomEvent("portal:activity"));
      document.querySelectorAll("input[name$='lock_version']").forEach(function (input) {
        input.value = answer.lock_version;
      });
      var digest = form.querySelector("input[name='base_digest']");
      if (digest && answer.base_digest) {
        digest.value = answer.base_digest;
      }
    }

    function save() {
      if (!dirty || busy || stopped) {
        return;
      }
      busy = true;
      dirty = false;
      var data = new FormData(form);
      var token = data.get("csrf_token");
      var headers = { Accept: "application/json", "X-Requested-With": "fetch" };
      if (token) {
        headers["X-CSRFToken"] = token;
      }
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: headers,
        redirect: "manual",
      })
        .then(function (response) {
          // A redirect means the login page: the session has ended.
          if (response.type === "opaqueredirect" || response.status === 401) {
            stop("loggedOut");
            return null;
          }
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") === -1) {
            throw new Error("unexpected answer " + response.status);
          }
          return response.json().then(function (answer) {
            if (response.ok && answer.status === "saved") {
              updateLock(answer);
              say("saved", now());
            } else if (answer.status === "conflict") {
              stop("conflict");
            } else if (answer.status === "refused") {
              stop("refused");
            } else if (answer.status === "invalid") {
              say("invalid");
            } else {
              throw new Error("not saved " + response.status);
            }
          });
        })
        .catch(function () {
          dirty = true;
          say("failed");
        })
        .then(function () {
          busy = false;
          if (waiting) {
            var submitter = waiting.submitter;
            waiting = null;
            resubmitting = true;
            if (form.requestSubmit) {
              form.requestSubmit(submitter);
            } else {
              form.submit();
            }
          }
        });
    }

    form.addEventListener("input", function () {
      dirty = true;
    });
    // "change" fires when a changed text field loses the focus, and at once for selects,
    // checkboxes and date pickers.
    form.addEventListener("change", function () {
      dirty = true;
      save();
    });
    // Saving by hand: no autosave may race the real submission. Leaving a field to click
    // "Save" starts an autosave first; the manual save waits for its answer, so it carries the
    // lock_version that answer brings instead of reporting a conflict with oneself.
    form.addEventListener("submit", function (event) {
      if (resubmitting) {
        return;
      }
      stopped = true;
      clearInterval(timer);
      if (busy) {
        event.preventDefault();
        waiting = { submitter: event.submitter || null };
      }
    });
    timer = setInterval(save, INTERVAL);
  }

  function init() {
    document.querySelectorAll("form[data-autosave-url]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
