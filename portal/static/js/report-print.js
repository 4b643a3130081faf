/*
 * The print view's "Print or save as PDF" button. Without JavaScript the button stays hidden and
 * the browser's own print command does the same; the print stylesheet leaves only the report.
 */
(function () {
  "use strict";

  function init() {
    document.querySelectorAll("[data-print-hint]").forEach(function (hint) {
      hint.hidden = false;
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
