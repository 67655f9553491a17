// Groundswell explorer: the parameters panel comes from GET /api/parameters
// (the model's and graph's declarations), runs go to POST /api/run and are
// polled for progress, and results are drawn with uPlot (vendored in
// vendor/). Tests read window.explorer and the data-value attributes.
"use strict";

(function () {
  const COLORS = { a: "#1f5fae", b: "#d2691e", band: "rgba(31,95,174,0.18)", bandB: "rgba(210,105,30,0.18)" };
  const QUINTILE_COLORS = ["#7b1f1f", "#c0392b", "#e67e22", "#7f8c8d", "#2c3e50"];
  const POLL_MS = 150;

  const state = {
    status: "loading", // loading | idle | running | done | error | cancelled
    parameters: null, // the /api/parameters answer
    byKey: {}, // key -> declaration
    values: { a: {}, b: {} }, // key -> value shown in the panel, per arm
    editing: "a",
    compare: false,
    runId: null,
    results: null,
    week: 0,
    selectedHood: null,
    finalParticipation: null,
    finalParticipationB: null,
    error: null,
  };
  const charts = {};
  const clientId = (() => {
    const stored = sessionStorage.getItem("groundswell-client");
    if (stored) return stored;
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    const id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("groundswell-client", id);
    return id;
  })();

  const $ = (id) => document.getElementById(id);

  function setStatus(status, text) {
    state.status = status;
    const el = $("status");
    el.dataset.state = status;
    el.textContent = text || status;
  }

  function showMessage(text) {
    $("message").textContent = text || "";
  }

  async function api(method, path, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const res = await fetch(path, options);
    const text = await res.text();
    let data = null;
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = { error: text };
    }
    if (!res.ok) throw new Error((data && data.error) || res.status + " " + res.statusText);
    return data;
  }

  // ---- Parameters panel -------------------------------------------------

  const sectionTitle = { "": "Run", graph: "Graph", model: "Model" };

  function isStructured(p) {
    return p.type === "real_list" || p.type === "records";
  }

  function same(x, y) {
    return JSON.stringify(x) === JSON.stringify(y);
  }

  function buildPanel() {
    const form = $("parameters");
    form.textContent = "";
    for (const section of state.parameters.sections) {
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = sectionTitle[section.section] + (section.type ? " (" + section.type + ")" : "");
      fieldset.appendChild(legend);
      const groups = new Map();
      for (const p of section.parameters) {
        if (!groups.has(p.group)) groups.set(p.group, []);
        groups.get(p.group).push(p);
      }
      for (const [group, params] of groups) {
        let parent = fieldset;
        if (group) {
          const details = document.createElement("details");
          const summary = document.createElement("summary");
          summary.textContent = group;
          details.appendChild(summary);
          fieldset.appendChild(details);
          parent = details;
        }
        for (const p of params) parent.appendChild(paramRow(p));
      }
      form.appendChild(fieldset);
    }
    refreshPanel();
  }

  function paramRow(p) {
    const row = document.createElement("div");
    row.className = "param";
    row.dataset.key = p.key;
    const id = "param-" + p.key.replace(/[^a-z0-9_]/gi, "-");
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = p.name + (p.unit ? " (" + p.unit + ")" : "");
    label.title = p.description;
    let input;
    if (p.type === "choice") {
      input = document.createElement("select");
      for (const c of p.choices) {
        const o = document.createElement("option");
        o.value = o.textContent = c;
        input.appendChild(o);
      }
    } else if (p.type === "boolean") {
      input = document.createElement("input");
      input.type = "checkbox";
    } else if (isStructured(p)) {
      input = document.createElement("textarea");
      input.rows = 2;
    } else if (p.type === "integer" || p.type === "real") {
      input = document.createElement("input");
      input.type = "number";
      if (p.min !== undefined) input.min = p.min;
      if (p.max !== undefined) input.max = p.max;
      input.step = p.type === "integer" ? "1" : "any";
    } else {
      input = document.createElement("input");
      input.type = "text";
    }
    input.id = id;
    input.name = p.key;
    input.disabled = !p.editable;
    input.addEventListener("change", () => readInput(p, input, row));
    row.appendChild(label);
    row.appendChild(input);
    const help = document.createElement("small");
    help.textContent = p.description + (p.allowed ? " — allowed: " + p.allowed : "") + "; default " + JSON.stringify(p.default);
    row.appendChild(help);
    return row;
  }

  function readInput(p, input, row) {
    let value;
    row.classList.remove("invalid");
    if (p.type === "boolean") value = input.checked;
    else if (p.type === "integer" || p.type === "real") {
      value = input.value === "" ? NaN : Number(input.value);
      if (!Number.isFinite(value)) value = input.value; // the server names what is wrong
    } else if (isStructured(p)) {
      try {
        value = JSON.parse(input.value);
      } catch (e) {
        row.classList.add("invalid");
        showMessage(p.key + ": not valid JSON (" + e.message + ")");
        return;
      }
    } else value = input.value;
    setParameter(p.key, value, state.editing);
  }

  // Top-level keys are shared by A and B: the comparison needs the same seeds, steps and replicates.
  function shared(key) {
    return !key.includes(".");
  }

  function setParameter(key, value, arm) {
    if (!(key in state.byKey)) throw new Error("no parameter " + key);
    arm = arm || state.editing;
    if (shared(key)) {
      state.values.a[key] = value;
      state.values.b[key] = value;
    } else state.values[arm][key] = value;
    refreshPanel();
  }

  function refreshPanel() {
    const values = state.values[state.editing];
    for (const row of document.querySelectorAll("#parameters .param")) {
      const p = state.byKey[row.dataset.key];
      const input = row.querySelector("input, select, textarea");
      const v = values[p.key];
      if (p.type === "boolean") input.checked = !!v;
      else if (isStructured(p)) input.value = JSON.stringify(v);
      else input.value = v === undefined || v === null ? "" : v;
      row.classList.toggle("changed", !same(v, p.value));
      input.disabled = !p.editable || (state.editing === "b" && shared(p.key));
    }
  }

  // The keys whose value differs from the scenario's.
  function overrides(arm) {
    const out = {};
    for (const [key, v] of Object.entries(state.values[arm])) if (!same(v, state.byKey[key].value)) out[key] = v;
    return out;
  }

  function resetValues() {
    for (const arm of ["a", "b"]) {
      state.values[arm] = {};
      for (const key of Object.keys(state.byKey)) state.values[arm][key] = structuredClone(state.byKey[key].value);
    }
    refreshPanel();
  }

  // ---- Runs ---------------------------------------------------------------

  async function run() {
    showMessage("");
    setStatus("running", "starting…");
    const body = { client: clientId, a: overrides("a") };
    if (state.compare) body.b = overrides("b");
    let started;
    try {
      started = await api("POST", "api/run", body);
    } catch (e) {
      state.error = e.message;
      setStatus("error", "not run");
      showMessage(e.message);
      return;
    }
    state.runId = started.id;
    state.error = null;
    $("cancel").disabled = false;
    setStatus("running", "running…");
    poll(started.id);
  }

  async function poll(id) {
    if (id !== state.runId) return; // a newer run replaced this one
    let s;
    try {
      s = await api("GET", "api/runs/" + id);
    } catch (e) {
      setStatus("error", "lost the run");
      showMessage(e.message);
      return;
    }
    $("progress").value = s.total ? s.done / s.total : 0;
    if (s.state === "queued" || s.state === "running") {
      setStatus("running", (s.state === "queued" ? "waiting… " : "running… ") + s.done + " / " + s.total + " steps");
      setTimeout(() => poll(id), POLL_MS);
      return;
    }
    $("cancel").disabled = true;
    if (s.state === "done") {
      const results = await api("GET", "api/runs/" + id + "/results");
      if (id !== state.runId) return;
      showResults(results);
      setStatus("done", "done: " + s.total + " steps");
    } else if (s.state === "cancelled") {
      setStatus("cancelled", "cancelled");
    } else {
      state.error = s.error;
      setStatus("error", "failed");
      showMessage(s.error);
    }
  }

  async function cancel() {
    if (!state.runId) return;
    try {
      await api("POST", "api/runs/" + state.runId + "/cancel");
    } catch (e) {
      showMessage(e.message);
    }
  }

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

  function weeks(results) {
    return Array.from({ length: results.steps + 1 }, (_, t) => t);
  }

  function bandSeries(label, color) {
    return [
      { label: label, stroke: color, width: 2 },
      { label: label + " high", stroke: "transparent", points: { show: false } },
      { label: label + " low", stroke: "transparent", points: { show: false } },
    ];
  }

  // The metric the page headlines: participation, or the model's first metric.
  function primaryMetric(results) {
    return results.metrics.some((m) => m.name === "participation") ? "participation" : results.metrics[0].name;
  }

  // The per-neighbourhood series the map shows, or null when the run has none.
  function hoodMetric(results) {
    const names = Object.keys(results.arms[0].neighbourhood_series);
    return names.includes("participation_by_neighbourhood") ? "participation_by_neighbourhood" : names[0] || null;
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

  // ---- Map ----------------------------------------------------------------

  const HEX = 11; // hexagon radius in px

  // Neighbourhoods grouped by region; each region a block of hexagons as near
  // square as it can be, blocks laid out in rows.
  function layoutMap(table) {
    const regions = new Map();
    table.region.forEach((r, h) => {
      if (!regions.has(r)) regions.set(r, []);
      regions.get(r).push(h);
    });
    const w = Math.sqrt(3) * HEX, rowH = 1.5 * HEX;
    const cells = new Array(table.region.length);
    const blocks = [];
    for (const [region, hoods] of regions) {
      const cols = Math.max(1, Math.ceil(Math.sqrt(hoods.length)));
      const rows = Math.ceil(hoods.length / cols);
      blocks.push({ region, hoods, cols, rows, width: (cols + 0.5) * w, height: (rows - 1) * rowH + 2 * HEX + 12 });
    }
    const maxWidth = 900;
    let x0 = 4, y0 = 4, lineHeight = 0, totalWidth = 0;
    const labels = [];
    for (const b of blocks) {
      if (x0 + b.width > maxWidth && x0 > 4) {
        x0 = 4;
        y0 += lineHeight + 8;
        lineHeight = 0;
      }
      labels.push({ text: "region " + b.region, x: x0, y: y0 + 9 });
      b.hoods.forEach((h, k) => {
        const row = Math.floor(k / b.cols), col = k % b.cols;
        cells[h] = { cx: x0 + w / 2 + col * w + (row % 2 ? w / 2 : 0), cy: y0 + 12 + HEX + row * rowH };
      });
      x0 += b.width + 10;
      totalWidth = Math.max(totalWidth, x0);
      lineHeight = Math.max(lineHeight, b.height);
    }
    return { cells, labels, width: totalWidth + 4, height: y0 + lineHeight + 8 };
  }

  function hexPoints(cx, cy) {
    const pts = [];
    for (let i = 0; i < 6; i++) {
      const a = Math.PI / 180 * (60 * i - 30);
      pts.push((cx + HEX * Math.cos(a)).toFixed(1) + "," + (cy + HEX * Math.sin(a)).toFixed(1));
    }
    return pts.join(" ");
  }

  const SVG = "http://www.w3.org/2000/svg";

  function buildMap(results) {
    const svg = $("map");
    svg.textContent = "";
    const layout = layoutMap(results.neighbourhoods);
    state.layout = layout;
    svg.setAttribute("width", layout.width);
    svg.setAttribute("height", layout.height);
    svg.setAttribute("viewBox", "0 0 " + layout.width + " " + layout.height);
    for (const l of layout.labels) {
      const t = document.createElementNS(SVG, "text");
      t.setAttribute("x", l.x);
      t.setAttribute("y", l.y);
      t.setAttribute("class", "region-label");
      t.textContent = l.text;
      svg.appendChild(t);
    }
    const table = results.neighbourhoods;
    layout.cells.forEach((c, h) => {
      const poly = document.createElementNS(SVG, "polygon");
      poly.setAttribute("points", hexPoints(c.cx, c.cy));
      poly.setAttribute("class", "cell");
      poly.dataset.hood = h;
      poly.dataset.region = table.region[h];
      poly.dataset.quintile = table.deprivation_quintile[h];
      const title = document.createElementNS(SVG, "title");
      poly.appendChild(title);
      poly.addEventListener("click", () => selectHood(h));
      svg.appendChild(poly);
    });
    const overlay = document.createElementNS(SVG, "g");
    overlay.id = "overlay";
    svg.appendChild(overlay);
    $("week").max = results.steps;
    state.week = Math.min(state.week || results.steps, results.steps);
    if (state.week === 0) state.week = results.steps;
    $("week").value = state.week;
    const organisers = organiserMetric(results);
    $("overlay-organisers").disabled = !organisers;
    $("overlay-organisers").parentElement.title = organisers
      ? "Neighbourhoods with organisers (" + organisers + ")"
      : "this model reports no organisers per neighbourhood";
  }

  // A per-neighbourhood series of organisers, when the model reports one.
  function organiserMetric(results) {
    return Object.keys(results.arms[0].neighbourhood_series).find((m) => m.startsWith("organisers")) || null;
  }

  function hoodValues(results, t) {
    const pick = $("map-arm").value;
    const series = (i) => results.arms[i].neighbourhood_series[hoodMetric(results)][t];
    if (pick === "diff" && results.arms.length > 1) return series(1).map((v, h) => v - series(0)[h]);
    return series(pick === "1" && results.arms.length > 1 ? 1 : 0);
  }

  // Light yellow to dark blue for shares; blue-white-red for differences.
  function colour(v, lo, hi, diverging) {
    if (diverging) {
      const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
      const s = Math.max(-1, Math.min(1, v / m));
      const c = (x) => Math.round(255 - Math.abs(s) * x);
      return s >= 0 ? `rgb(${c(20)},${c(150)},${c(200)})` : `rgb(${c(200)},${c(160)},${c(20)})`;
    }
    const s = hi > lo ? Math.max(0, Math.min(1, (v - lo) / (hi - lo))) : 0.5;
    const mix = (a, b) => Math.round(a + (b - a) * s);
    return `rgb(${mix(255, 8)},${mix(247, 48)},${mix(188, 107)})`;
  }

  function paintMap() {
    const results = state.results;
    if (!results || hoodMetric(results) === null) return;
    const t = state.week;
    $("week-value").textContent = t;
    const values = hoodValues(results, t);
    const diverging = $("map-arm").value === "diff" && results.arms.length > 1;
    // One colour scale for every week, so the animation shows change.
    let lo = Infinity, hi = -Infinity;
    for (const arm of diverging ? [] : results.arms)
      for (const row of arm.neighbourhood_series[hoodMetric(results)])
        for (const v of row) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
    if (diverging) {
      lo = Math.min(...values);
      hi = Math.max(...values);
    }
    const table = results.neighbourhoods;
    for (const poly of document.querySelectorAll("#map .cell")) {
      const h = Number(poly.dataset.hood);
      const v = values[h];
      poly.setAttribute("fill", colour(v, lo, hi, diverging));
      poly.dataset.value = v;
      poly.firstChild.textContent = "neighbourhood " + h + ", region " + table.region[h] + ", deprivation quintile " +
        table.deprivation_quintile[h] + ", " + table.population[h] + " residents: participation " + (100 * v).toFixed(1) + "%";
    }
    drawOverlay(results, t);
    drawNetwork();
    $("legend").innerHTML = "";
    for (const [label, v] of [["low " + fmtShare(lo), lo], ["high " + fmtShare(hi), hi]]) {
      const row = document.createElement("div");
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = colour(v, lo, hi, diverging);
      row.appendChild(sw);
      row.appendChild(document.createTextNode(label));
      $("legend").appendChild(row);
    }
  }

  function fmtShare(v) {
    return (100 * v).toFixed(1) + "%";
  }

  function drawOverlay(results, t) {
    const g = $("overlay");
    g.textContent = "";
    const cells = state.layout.cells;
    const table = results.neighbourhoods;
    if ($("overlay-deprivation").checked)
      cells.forEach((c, h) => {
        // Bigger dot, more deprived (quintile 1 = most deprived).
        const r = (6 - table.deprivation_quintile[h]) * 1.1;
        const dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", c.cx);
        dot.setAttribute("cy", c.cy);
        dot.setAttribute("r", r);
        dot.setAttribute("class", "deprivation");
        dot.setAttribute("fill-opacity", "0.45");
        g.appendChild(dot);
      });
    const metric = organiserMetric(results);
    if ($("overlay-organisers").checked && metric) {
      const row = results.arms[0].neighbourhood_series[metric][t];
      cells.forEach((c, h) => {
        if (!(row[h] > 0)) return;
        const ring = document.createElementNS(SVG, "circle");
        ring.setAttribute("cx", c.cx);
        ring.setAttribute("cy", c.cy);
        ring.setAttribute("r", HEX * 0.7);
        ring.setAttribute("class", "organiser");
        g.appendChild(ring);
      });
    }
  }

  function selectHood(h) {
    const results = state.results;
    if (state.selectedHood !== h) {
      state.network = null;
      $("network-wrap").hidden = true;
      $("network-status").textContent = "";
    }
    state.selectedHood = h;
    for (const poly of document.querySelectorAll("#map .cell"))
      poly.classList.toggle("selected", Number(poly.dataset.hood) === h);
    $("hood-figure").hidden = false;
    const table = results.neighbourhoods;
    $("hood-caption").textContent = "Neighbourhood " + h + " (region " + table.region[h] + ", deprivation quintile " +
      table.deprivation_quintile[h] + ", " + table.population[h] + " residents): participation";
    const x = weeks(results);
    makeChart("hood", results.arms.map((arm, i) => ({ label: arm.label, stroke: i ? COLORS.b : COLORS.a, width: 2 })),
      [x].concat(results.arms.map((arm) => arm.neighbourhood_series[hoodMetric(results)].map((row) => row[h]))),
      [], "share");
  }

  // ---- Network view of one neighbourhood -------------------------------------

  const STATE_COLORS = ["#c8ccd2", "#e67e22", "#8e1b1b"];

  async function showNetwork() {
    const h = state.selectedHood;
    if (h === null) return;
    const arm = $("map-arm").value === "1" && state.compare ? "b" : "a";
    $("network-status").textContent = "computing…";
    try {
      const net = await api("POST", "api/network", { a: overrides(arm), neighbourhood: h });
      state.network = net;
      state.network.layout = layoutNetwork(net);
      $("network-wrap").hidden = false;
      $("network-status").textContent = "neighbourhood " + h + " (" + arm.toUpperCase() + "): " + net.people +
        " people, " + net.edges.length + " ties among them";
      drawNetwork();
    } catch (e) {
      $("network-status").textContent = e.message;
    }
  }

  // Households on a grid, their members on a small ring.
  function layoutNetwork(net) {
    const size = $("network").width;
    const households = Math.max(...net.household) + 1;
    const cols = Math.ceil(Math.sqrt(households));
    const cell = size / cols;
    const members = new Array(households).fill(0);
    for (const hh of net.household) members[hh] += 1;
    const seen = new Array(households).fill(0);
    return net.household.map((hh) => {
      const k = seen[hh]++;
      const angle = (2 * Math.PI * k) / members[hh];
      const r = members[hh] > 1 ? cell * 0.28 : 0;
      return [cell * ((hh % cols) + 0.5) + r * Math.cos(angle), cell * (Math.floor(hh / cols) + 0.5) + r * Math.sin(angle)];
    });
  }

  function drawNetwork() {
    const net = state.network;
    if (!net) return;
    const canvas = $("network");
    const ctx = canvas.getContext("2d");
    const t = Math.min(state.week, net.states.length - 1);
    const pos = net.layout;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.lineWidth = 0.5;
    for (const [layer, colour] of [[1, "rgba(91,143,214,0.12)"], [0, "rgba(109,123,141,0.9)"]]) {
      ctx.strokeStyle = colour;
      ctx.beginPath();
      for (const [i, j, l] of net.edges) {
        if (l !== layer) continue;
        ctx.moveTo(pos[i][0], pos[i][1]);
        ctx.lineTo(pos[j][0], pos[j][1]);
      }
      ctx.stroke();
    }
    const states = net.states[t];
    let active = 0;
    states.forEach((s, i) => {
      if (s !== 0) active += 1;
      ctx.fillStyle = STATE_COLORS[Math.min(s, 2)];
      ctx.beginPath();
      ctx.arc(pos[i][0], pos[i][1], 2.2, 0, 2 * Math.PI);
      ctx.fill();
    });
    canvas.dataset.people = String(net.people);
    canvas.dataset.ties = String(net.edges.length);
    canvas.dataset.week = String(t);
    canvas.dataset.active = String(active);
  }

  let playing = null;
  function togglePlay() {
    if (playing) {
      clearInterval(playing);
      playing = null;
      $("play").textContent = "Play";
      return;
    }
    if (!state.results) return;
    if (state.week >= state.results.steps) state.week = 0;
    $("play").textContent = "Pause";
    playing = setInterval(() => {
      state.week += 1;
      $("week").value = state.week;
      paintMap();
      if (state.week >= state.results.steps) togglePlay();
    }, 80);
  }

  // ---- Results --------------------------------------------------------------

  function showResults(results) {
    state.results = results;
    state.network = null; // drawn for the previous run's parameters
    $("network-wrap").hidden = true;
    $("network-status").textContent = "";
    const primary = primaryMetric(results);
    $("final-label").textContent = "Final " + primary + ":";
    const finalA = results.arms[0].final[primary];
    state.finalParticipation = finalA;
    const out = $("final-participation");
    out.dataset.value = String(finalA);
    out.textContent = "A " + fmtShare(finalA);
    const outB = $("final-participation-b");
    outB.hidden = results.arms.length < 2;
    if (results.arms.length > 1) {
      const finalB = results.arms[1].final[primary];
      state.finalParticipationB = finalB;
      outB.dataset.value = String(finalB);
      outB.textContent = "B " + fmtShare(finalB);
    } else {
      state.finalParticipationB = null;
      outB.dataset.value = "";
    }
    const links = $("downloads");
    links.textContent = "";
    results.arms.forEach((arm, i) => {
      const letter = i ? "b" : "a";
      for (const [name, text] of [["scenario.yaml", "scenario"], ["data.h5", "data"]]) {
        const a = document.createElement("a");
        a.href = "api/runs/" + results.id + "/" + letter + "/" + name;
        a.download = "explorer-" + letter + (name.endsWith(".h5") ? ".h5" : ".yaml");
        a.textContent = "Download " + arm.label + " " + text;
        a.className = "download";
        links.appendChild(a);
      }
    });
    $("map-arm-label").hidden = results.arms.length < 2;
    if (results.arms.length < 2) $("map-arm").value = "0";
    drawCharts(results);
    const hasMap = hoodMetric(results) !== null && results.neighbourhoods.region.length > 0;
    $("map-area").hidden = !hasMap;
    if (hasMap) {
      buildMap(results);
      paintMap();
    }
    if (hasMap && state.selectedHood !== null && state.selectedHood < results.neighbourhoods.region.length)
      selectHood(state.selectedHood);
    // The plotted final value, as a test reads it from the chart's data.
    const plotted = charts.participation.data[1];
    out.dataset.plotted = String(plotted[plotted.length - 1]);
  }

  // ---- Start ----------------------------------------------------------------

  async function start() {
    try {
      state.parameters = await api("GET", "api/parameters");
    } catch (e) {
      setStatus("error", "cannot load parameters");
      showMessage(e.message);
      return;
    }
    for (const s of state.parameters.sections) for (const p of s.parameters) state.byKey[p.key] = p;
    $("scenario-name").textContent = state.parameters.scenario.name + ": " + state.parameters.scenario.description;
    resetValues();
    buildPanel();
    setStatus("idle", "ready");
    $("run").addEventListener("click", run);
    $("cancel").addEventListener("click", cancel);
    $("reset").addEventListener("click", resetValues);
    $("compare").addEventListener("change", (e) => {
      state.compare = e.target.checked;
      $("arm-tabs").hidden = !state.compare;
      if (!state.compare) switchArm("a");
    });
    for (const tab of document.querySelectorAll(".arm-tab")) tab.addEventListener("click", () => switchArm(tab.dataset.arm));
    $("week").addEventListener("input", (e) => {
      state.week = Number(e.target.value);
      paintMap();
    });
    $("play").addEventListener("click", togglePlay);
    $("show-network").addEventListener("click", showNetwork);
    for (const id of ["overlay-deprivation", "overlay-organisers", "map-arm"]) $(id).addEventListener("change", paintMap);
  }

  function switchArm(arm) {
    state.editing = arm;
    for (const tab of document.querySelectorAll(".arm-tab")) tab.classList.toggle("active", tab.dataset.arm === arm);
    refreshPanel();
  }

  window.explorer = {
    state,
    charts,
    setParameter,
    overrides,
    run,
    cancel,
    setCompare(on) {
      $("compare").checked = on;
      $("compare").dispatchEvent(new Event("change"));
    },
    selectHood,
    showNetwork,
    setWeek(t) {
      state.week = t;
      $("week").value = t;
      paintMap();
    },
  };
  start();
})();
