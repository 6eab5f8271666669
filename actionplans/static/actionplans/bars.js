/* Progress and timeline bars: their sizes come from data attributes (the page's Content Security
   Policy allows no inline styles); "Print" buttons open the print dialog. */
(function () {
  "use strict";
  document.querySelectorAll("[data-bar-width]").forEach(function (el) {
    el.style.width = el.getAttribute("data-bar-width") + "%";
  });
  document.querySelectorAll("[data-bar-left]").forEach(function (el) {
    el.style.insetInlineStart = el.getAttribute("data-bar-left") + "%";
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
