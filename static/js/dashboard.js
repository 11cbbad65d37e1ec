/* The supervisor dashboard's charts and bars. No inline script: each <canvas data-chart="ID"> reads its
   figures from <script type="application/json" id="ID"> (Django's json_script); the table beside each
   chart shows the same figures for people who would rather read. */
(function () {
  "use strict";

  var COLOURS = ["#1f5fae", "#c0392b", "#8e6c00", "#3d2f8f", "#0b6e6e"];

  function readData(id) {
    var element = document.getElementById(id);
    if (!element) return null;
    try { return JSON.parse(element.textContent); } catch (error) { return null; }
  }

  function drawChart(canvas) {
    var data = readData(canvas.dataset.chart);
    if (!data || typeof window.Chart === "undefined") return;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return { label: series.label, data: series.data, backgroundColor: COLOURS[index % COLOURS.length] };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        aspectRatio: 2.4,
        animation: false,
        plugins: { legend: { position: "bottom" }, title: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    canvas.dataset.drawn = "true";
  }

  // Caseload bars: the width comes from a data attribute (no inline styles in the templates).
  function sizeBars(root) {
    root.querySelectorAll(".cl-bar[data-width]").forEach(function (bar) {
      var width = Math.max(0, Math.min(100, parseFloat(bar.dataset.width) || 0));
      bar.style.width = width + "%";
    });
  }

  // Case list: "select all" for the reassignment checkboxes.
  function wireSelectAll(root) {
    var all = root.querySelector("[data-select-all]");
    if (!all) return;
    all.addEventListener("change", function () {
      root.querySelectorAll("input[name=cases][type=checkbox]").forEach(function (box) { box.checked = all.checked; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(drawChart);
    sizeBars(document);
    wireSelectAll(document);
  });
})();
