// A "Copy" button next to a read-only field: copies its value and says so.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copyTarget);
      if (!field) {
        return;
      }
      var done = function () {
        var label = button.textContent;
        button.textContent = button.dataset.copied || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done);
      } else {
        field.select();
        document.execCommand("copy");
        done();
      }
    });
  });
})();
