/* Plan overview: progress per objective as horizontal bars (the tables beside it have the figures).
   An objective without accepted data has no bar ("no data"), never a bar at 0. */
(function () {
  "use strict";
  var data = document.getElementById("plan-chart-data");
  var canvas = document.getElementById("plan-chart");
  if (!data || !canvas || typeof Chart === "undefined") { return; }
  var d = JSON.parse(data.textContent);
  var rtl = document.documentElement.dir === "rtl";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: d.objectives.concat(d.pillars),
      datasets: [{
        label: canvas.getAttribute("aria-label"),
        data: d.objective_progress.concat(d.pillar_progress),
        backgroundColor: d.objectives.map(function () { return "#14365d"; }).concat(d.pillars.map(function () { return "#2f7d5b"; }))
      }]
    },
    options: {
      indexAxis: "y",
      animation: false,
      locale: document.documentElement.lang || undefined,
      plugins: { legend: { display: false, rtl: rtl }, tooltip: { rtl: rtl } },
      scales: { x: { min: 0, max: 100, reverse: rtl }, y: { position: rtl ? "right" : "left" } }
    }
  });
})();
