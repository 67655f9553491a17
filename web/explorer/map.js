// The town: neighbourhoods as hexagons grouped by region, coloured by
// participation in the week on the slider, with overlays; a click shows one.
"use strict";

(function (GS) {
  const { COLORS, state, $, weeks, fmtShare, hoodMetric, makeChart, drawNetwork } = GS;

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
    const organisers = organiserMetric(results);
    const based = organisers ? results.arms[organiserArm(results)].neighbourhood_series[organisers][t] : null;
    for (const poly of document.querySelectorAll("#map .cell")) {
      const h = Number(poly.dataset.hood);
      const v = values[h];
      poly.setAttribute("fill", colour(v, lo, hi, diverging));
      poly.dataset.value = v;
      poly.firstChild.textContent = "neighbourhood " + h + ", region " + table.region[h] + ", deprivation quintile " +
        table.deprivation_quintile[h] + ", " + table.population[h] + " residents: participation " + (100 * v).toFixed(1) + "%" +
        (based ? ", organisers at work " + organiserLabel(based[h]) : "");
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
    if ($("overlay-organisers").checked && organiserMetric(results)) {
      const row = document.createElement("div");
      const sw = document.createElement("span");
      sw.className = "swatch organiser-swatch";
      row.appendChild(sw);
      let total = 0;
      for (const n of results.arms[organiserArm(results)].neighbourhood_series[organiserMetric(results)][t]) total += n;
      row.id = "organiser-legend";
      row.dataset.total = total;
      row.appendChild(document.createTextNode("organisers at work, by base (" + organiserLabel(total) + " in all)"));
      $("legend").appendChild(row);
    }
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
      // One marker per neighbourhood with organisers at work in week t (mean
      // over replicates), larger the more, labelled with their number.
      const arm = organiserArm(results);
      const row = results.arms[arm].neighbourhood_series[metric][t];
      cells.forEach((c, h) => {
        const n = row[h];
        if (!(n > 0)) return;
        const marker = document.createElementNS(SVG, "g");
        marker.setAttribute("class", "organiser");
        marker.dataset.hood = h;
        marker.dataset.count = n;
        const dot = document.createElementNS(SVG, "circle");
        dot.setAttribute("cx", c.cx);
        dot.setAttribute("cy", c.cy);
        dot.setAttribute("r", Math.min(HEX * 0.8, 3.5 + 1.5 * Math.sqrt(n)).toFixed(2));
        marker.appendChild(dot);
        const label = document.createElementNS(SVG, "text");
        label.setAttribute("x", c.cx);
        label.setAttribute("y", c.cy);
        label.textContent = organiserLabel(n);
        marker.appendChild(label);
        const title = document.createElementNS(SVG, "title");
        title.textContent = "neighbourhood " + h + ": " + organiserLabel(n) + " organiser" + (n === 1 ? "" : "s") +
          " at work in week " + t + (results.replicates > 1 ? " (mean over replicates)" : "") +
          (results.arms.length > 1 ? ", arm " + results.arms[arm].label : "");
        marker.appendChild(title);
        g.appendChild(marker);
      });
    }
  }

  // The arm whose organisers the overlay shows: the map's, and B for B − A.
  function organiserArm(results) {
    return results.arms.length > 1 && $("map-arm").value !== "0" ? 1 : 0;
  }

  function organiserLabel(n) {
    return Number.isInteger(n) ? String(n) : n.toFixed(1);
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

  Object.assign(GS, { buildMap, paintMap, selectHood, togglePlay });
})(window.GS);
