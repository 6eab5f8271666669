/* "Print" buttons: open the browser's print dialog (the print stylesheets do the rest). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
