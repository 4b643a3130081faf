/*
 * Progressive enhancement only: every page works without this file.
 *
 * - A failed form moves the keyboard focus to its error summary, so screen readers announce it.
 * - A link in the error summary moves the focus into the field and shows the field's label,
 *   instead of only scrolling the field to the top edge of the window.
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

  function init() {
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
