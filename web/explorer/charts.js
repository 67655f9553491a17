// The charts (uPlot, vendored in vendor/): participation with its replicate
// band, B - A, quintiles, organisers, leaders, campaigns.
"use strict";

(function (GS) {
  const { COLORS, QUINTILE_COLORS, charts, $, weeks, primaryMetric } = GS;

  // ---- Charts -------------------------------------------------------------

  function chartWidth(el) {
    return Math.max(320, el.clientWidth || 440);
  }

  function makeChart(name, series, data, bands, yLabel) {
    const el = $("chart-" + name);
    if (charts[name]) charts[name].destroy();
    el.textContent = "";
    const opts = {
      width: chartWidth(el),
      height: 220,
      scales: { x: { time: false } },
      // Three significant figures: shares of a few per ten thousand would otherwise read "0".
      axes: [{ label: "week" }, { label: yLabel || "", size: 64,
        values: (u, splits) => splits.map((v) => (v === null ? "" : String(Number(v.toPrecision(3))))) }],
      series: [{ label: "week" }].concat(series),
      bands: bands || [],
      legend: { live: true },
    };
    charts[name] = new uPlot(opts, data, el);
    el.dataset.series = String(series.length);
    return charts[name];
  }

  function bandSeries(label, color) {
    return [
      { label: label, stroke: color, width: 2 },
      { label: label + " high", stroke: "transparent", points: { show: false } },
      { label: label + " low", stroke: "transparent", points: { show: false } },
    ];
  }

  function showFigure(name, shown) {
    $("chart-" + name).parentElement.hidden = !shown;
  }

  function drawCharts(results) {
    const x = weeks(results);
    const arms = results.arms;
    const names = arms.map((a) => a.label);
    const primary = primaryMetric(results);
    // Participation with each arm's replicate interval as a band.
    let series = [], data = [x], bands = [];
    arms.forEach((arm, i) => {
      const s = arm.series[primary];
      const base = 1 + 3 * i;
      series = series.concat(bandSeries(names[i], i ? COLORS.b : COLORS.a));
      data.push(s.mean, s.high, s.low);
      bands.push({ series: [base + 1, base + 2], fill: i ? COLORS.bandB : COLORS.band });
    });
    makeChart("participation", series, data, bands, primary);
    if (results.difference) {
      const d = results.difference[primary];
      makeChart("difference", bandSeries("B − A", "#5b2c83"), [x, d.mean, d.high, d.low],
        [{ series: [2, 3], fill: "rgba(91,44,131,0.18)" }], "share");
    }
    $("difference-figure").hidden = !results.difference;
    const a = arms[0].series;
    const quintiles = [1, 2, 3, 4, 5].filter((q) => a["participation_q" + q]);
    showFigure("quintiles", quintiles.length > 0);
    makeChart("quintiles", quintiles.map((q, i) => ({ label: "Q" + q, stroke: QUINTILE_COLORS[i], width: 2 })),
      [x].concat(quintiles.map((q) => a["participation_q" + q].mean)), [], "share");
    const perArm = (metric) => arms.filter((arm) => arm.series[metric]).map((arm, i) => ({ arm, i }));
    const simple = (name, metric, unit) => {
      const list = perArm(metric);
      showFigure(name, list.length > 0);
      makeChart(name, list.map(({ arm, i }) => ({ label: arm.label, stroke: i ? COLORS.b : COLORS.a, width: 2 })),
        [x].concat(list.map(({ arm }) => arm.series[metric].mean)), [], unit);
    };
    simple("organisers", "organisers_active", "organisers");
    simple("leaders", "leaders", "share");
    const campaigns = [];
    const campaignData = [x];
    arms.forEach((arm, i) => {
      for (const [metric, dash] of [["campaigns_won", []], ["campaigns_lost", [5, 4]]]) {
        if (!arm.series[metric]) continue;
        campaigns.push({ label: arm.label + " " + metric.replace("campaigns_", ""), stroke: i ? COLORS.b : COLORS.a, dash, width: 2 });
        // The model counts campaigns per week; the running total (of the means) reads better.
        let total = 0;
        campaignData.push(arm.series[metric].mean.map((v) => (total += v || 0)));
      }
    });
    showFigure("campaigns", campaigns.length > 0);
    makeChart("campaigns", campaigns, campaignData, [], "campaigns");
  }

  Object.assign(GS, { makeChart, drawCharts });
})(window.GS);
