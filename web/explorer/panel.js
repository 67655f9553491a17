// The parameters panel, generated from GET /api/parameters (the declarations
// of the scenario's top level, graph and model), with A and B values.
"use strict";

(function (GS) {
  const { state, $, showMessage } = GS;

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

  function switchArm(arm) {
    state.editing = arm;
    for (const tab of document.querySelectorAll(".arm-tab")) tab.classList.toggle("active", tab.dataset.arm === arm);
    refreshPanel();
  }

  Object.assign(GS, { buildPanel, refreshPanel, setParameter, overrides, resetValues, switchArm });
})(window.GS);
