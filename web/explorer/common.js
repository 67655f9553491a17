// Groundswell explorer, shared by the page's scripts: the page state, the
// API client and small helpers. The scripts load in order (index.html) and
// share window.GS; tests read window.explorer (app.js) and data- attributes.
"use strict";

window.GS = {};

(function (GS) {
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

  function fmtShare(v) {
    return (100 * v).toFixed(1) + "%";
  }

  function weeks(results) {
    return Array.from({ length: results.steps + 1 }, (_, t) => t);
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

  Object.assign(GS, {
    COLORS, QUINTILE_COLORS, POLL_MS, state, charts, clientId, $, setStatus, showMessage, api, fmtShare, weeks,
    primaryMetric, hoodMetric,
  });
})(window.GS);
