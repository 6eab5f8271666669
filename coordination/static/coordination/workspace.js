// The meeting workspace: "Mark all present" without a round trip, and a guard that warns before
// leaving the page with typed minutes that were not saved.
(function () {
  "use strict";
  var form = document.querySelector("form[data-unsaved-guard]");
  if (!form) {
    return;
  }
  var dirty = false;
  var note = form.querySelector("[data-unsaved-note]");
  function markDirty() {
    dirty = true;
    if (note) {
      note.hidden = false;
    }
  }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = form.dataset.unsavedMessage || "";
      return event.returnValue;
    }
    return undefined;
  });
  var all = form.querySelector("[data-mark-all-present]");
  if (all) {
    all.addEventListener("click", function (event) {
      event.preventDefault();
      form.querySelectorAll("select[name^='status_']:not([disabled])").forEach(function (select) {
        select.value = "present";
      });
      markDirty();
    });
  }
})();
