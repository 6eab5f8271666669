/* Committee composition: a small bar chart of members by sector (the table beside it has the figures). */
(function () {
  "use strict";
  var data = document.getElementById("composition-data");
  var canvas = document.getElementById("composition-chart");
  if (!data || !canvas || typeof Chart === "undefined") { return; }
  var d = JSON.parse(data.textContent);
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
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
