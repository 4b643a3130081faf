/*
 * Progressive enhancement only: every page works without this file.
 *
 * - A failed form moves the keyboard focus to its error summary, so screen readers announce it.
 * - A link in the error summary moves the focus into the field and shows the field's label,
 *   instead of only scrolling the field to the top edge of the window.
 * - Logged-in pages warn five minutes before the session ends; "Stay logged in" renews it.
 */
(function () {
  "use strict";

  function labelFor(target) {
    var fieldset = target.closest("fieldset");
    if (fieldset && (target.type === "radio" || target.type === "checkbox")) {
      var legend = fieldset.querySelector("legend");
      if (legend) {
        return legend;
      }
    }
    return document.querySelector('label[for="' + CSS.escape(target.id) + '"]');
  }

  function focusField(event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    var label = labelFor(target);
    (label || target).scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
  }

  function sessionWarning() {
    var box = document.getElementById("session-warning");
    if (!box) {
      return;
    }
    var lifetime = parseInt(box.dataset.lifetime, 10) * 1000;
    var warnBefore = parseInt(box.dataset.warnBefore, 10) * 1000;
    var warnTimer = null;
    var endTimer = null;

    function show(state) {
      box.querySelectorAll("[data-state]").forEach(function (element) {
        element.hidden = element.dataset.state !== state;
      });
      box.hidden = false;
    }

    function schedule() {
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      warnTimer = setTimeout(function () {
        show("warning");
      }, Math.max(lifetime - warnBefore, 0));
      endTimer = setTimeout(function () {
        show("ended");
      }, lifetime);
    }

    box.querySelector("[data-action='keepalive']").addEventListener("click", function () {
      fetch(box.dataset.keepaliveUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        redirect: "manual",
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("session ended");
          }
          box.hidden = true;
          schedule();
        })
        .catch(function () {
          show("ended");
        });
    });
    // A request the page made in the background (autosave) kept the session alive too.
    document.addEventListener("portal:activity", function () {
      box.hidden = true;
      schedule();
    });
    schedule();
  }

  function init() {
    sessionWarning();
    var summary = document.getElementById("error-summary");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", focusField);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
