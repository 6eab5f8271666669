/* The type-ahead picker (core/widgets.py): the WAI-ARIA combobox pattern with a list box.
   Typing asks the picker's search endpoint (at most 20 matches, only what the user may see);
   Down/Up move through the matches, Enter or a click picks one, Escape closes the list (and a
   second Escape clears the box). Typing again clears the chosen id until a match is picked, so
   text that names nobody is sent as empty and the form says so. Delegated from the document, so
   boxes that htmx swaps in work too. */
(function () {
  "use strict";
  var timers = new WeakMap();
  var counter = 0;

  function parts(el) {
    var box = el.closest("[data-typeahead]");
    if (!box) return null;
    return {
      box: box,
      input: box.querySelector("[data-typeahead-input]"),
      value: box.querySelector("[data-typeahead-value]"),
      list: box.querySelector("[role=listbox]"),
      status: box.querySelector("[data-typeahead-status]")
    };
  }

  function options(p) { return Array.prototype.slice.call(p.list.querySelectorAll("[role=option]")); }

  function close(p) {
    p.list.hidden = true;
    p.input.setAttribute("aria-expanded", "false");
    p.input.removeAttribute("aria-activedescendant");
  }

  function activate(p, index) {
    var opts = options(p);
    if (!opts.length) return;
    index = (index + opts.length) % opts.length;
    opts.forEach(function (o, i) {
      o.setAttribute("aria-selected", i === index ? "true" : "false");
      o.classList.toggle("active", i === index);
    });
    p.input.setAttribute("aria-activedescendant", opts[index].id);
    opts[index].scrollIntoView({ block: "nearest" });
  }

  function current(p) {
    var opts = options(p);
    for (var i = 0; i < opts.length; i++) if (opts[i].getAttribute("aria-selected") === "true") return i;
    return -1;
  }

  function pick(p, option) {
    p.value.value = option.getAttribute("data-value");
    p.input.value = option.getAttribute("data-label");
    close(p);
    p.status.textContent = option.getAttribute("data-label");
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function render(p, results) {
    p.list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      li.id = p.input.id + "_option_" + (++counter);
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-value", String(r.id));
      li.setAttribute("data-label", r.label);
      li.className = "list-group-item list-group-item-action";
      var name = document.createElement("bdi");
      name.textContent = r.label;
      li.appendChild(name);
      if (r.hint) {
        var hint = document.createElement("span");
        hint.className = "small text-body-secondary ms-2";
        hint.textContent = r.hint;
        li.appendChild(hint);
      }
      p.list.appendChild(li);
    });
    var open = results.length > 0;
    p.list.hidden = !open;
    p.input.setAttribute("aria-expanded", open ? "true" : "false");
    p.input.removeAttribute("aria-activedescendant");
    p.status.textContent = open
      ? results.length + " " + p.box.getAttribute("data-text-some")
      : p.box.getAttribute("data-text-none");
  }

  function search(p) {
    var q = p.input.value.trim();
    if (q.length < 2) {
      close(p);
      p.status.textContent = q.length ? p.box.getAttribute("data-text-short") : "";
      return;
    }
    var base = p.box.getAttribute("data-url");
    var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (p.input.value.trim() === q) render(p, data.results || []); })
      .catch(function () { close(p); });
  }

  document.addEventListener("input", function (e) {
    if (!e.target.matches || !e.target.matches("[data-typeahead-input]")) return;
    var p = parts(e.target);
    if (p.value.value) {
      p.value.value = "";
      p.value.dispatchEvent(new Event("change", { bubbles: true }));
    }
    // The matches shown are for the text before this keystroke: drop them until the new ones come.
    p.list.textContent = "";
    close(p);
    clearTimeout(timers.get(e.target));
    timers.set(e.target, setTimeout(function () { search(p); }, 200));
  });

  document.addEventListener("keydown", function (e) {
    if (!e.target.matches || !e.target.matches("[data-typeahead-input]")) return;
    var p = parts(e.target);
    var open = !p.list.hidden;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) {
        if (options(p).length) { p.list.hidden = false; p.input.setAttribute("aria-expanded", "true"); }
        else { search(p); return; }
      }
      var i = current(p);
      activate(p, e.key === "ArrowDown" ? i + 1 : (i < 0 ? -1 : i - 1));
    } else if (e.key === "Enter" && open) {
      var opts = options(p);
      var j = current(p);
      if (j >= 0) { e.preventDefault(); pick(p, opts[j]); }
    } else if (e.key === "Escape") {
      if (open) { e.preventDefault(); close(p); }
      else if (p.input.value) { e.preventDefault(); p.input.value = ""; p.value.value = ""; }
    } else if (e.key === "Tab") {
      close(p);
    }
  });

  document.addEventListener("mousedown", function (e) {
    var option = e.target.closest && e.target.closest("[data-typeahead] [role=option]");
    if (!option) return;
    e.preventDefault(); // keep the focus in the box
    pick(parts(option), option);
  });

  document.addEventListener("focusout", function (e) {
    if (!e.target.matches || !e.target.matches("[data-typeahead-input]")) return;
    close(parts(e.target));
  });
})();
