/* Committee composition: a small bar chart of members by sector (the table beside it has the figures). */
(function () {
  "use strict";
  var data = document.getElementById("composition-data");
  var canvas = document.getElementById("composition-chart");
  if (!data || !canvas || typeof Chart === "undefined") { return; }
  var d = JSON.parse(data.textContent);
  // Right-to-left pages (Arabic, Urdu): bars grow from the right, sector names sit on the right.
  var rtl = document.documentElement.dir === "rtl";
  // One row per sector, tall enough for its label (CSSOM, not an inline style attribute).
  var box = canvas.parentElement;
  if (box && box.dataset.rows) { box.style.height = Math.max(120, 32 * Number(box.dataset.rows) + 40) + "px"; }
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: d.labels,
      datasets: [{
        label: canvas.getAttribute("aria-label"),
        data: d.counts,
        backgroundColor: d.security.map(function (s) { return s ? "#b35c00" : "#14365d"; })
      }]
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      layout: { padding: { left: 4, right: 4 } },
      locale: document.documentElement.lang || undefined,
      plugins: { legend: { display: false, rtl: rtl }, tooltip: { rtl: rtl } },
      scales: {
        x: { beginAtZero: true, reverse: rtl, ticks: { precision: 0 } },
        // Every sector named in full: no skipped or clipped labels.
        y: { position: rtl ? "right" : "left", ticks: { autoSkip: false, crossAlign: "far" }, afterFit: function (axis) { axis.width = Math.max(axis.width, 180); } }
      }
    }
  });
})();
