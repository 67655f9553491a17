// Groundswell explorer: the parameters panel comes from GET /api/parameters
// (the model's and graph's declarations), runs go to POST /api/run and are
// polled for progress, and results are drawn with uPlot (vendored in
// vendor/). Tests read window.explorer and the data-value attributes.
"use strict";

(function (GS) {
  const { POLL_MS, state, charts, clientId, $, setStatus, showMessage, api, fmtShare, primaryMetric, hoodMetric } = GS;
  const { buildPanel, refreshPanel, setParameter, overrides, resetValues, switchArm } = GS;
  const { drawCharts, showNetwork, buildMap, paintMap, selectHood, togglePlay } = GS;

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
})(window.GS);
