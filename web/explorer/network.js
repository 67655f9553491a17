// The network view of one neighbourhood: its people coloured by state and
// their ties by layer (POST /api/network), drawn for the week on the slider.
"use strict";

(function (GS) {
  const { state, $, api, overrides } = GS;

  // ---- Network view of one neighbourhood -------------------------------------

  const STATE_COLORS = ["#c8ccd2", "#e67e22", "#8e1b1b"];
  // Tie colours by layer name (the answer's "layers"): household and close
  // circle strong, friends lighter, acquaintances and other neighbourhood ties faint.
  const LAYER_STYLES = {
    household: { colour: "rgba(109,123,141,0.9)", swatch: "#6d7b8d", label: "household tie" },
    close: { colour: "rgba(142,68,173,0.55)", swatch: "#8e44ad", label: "close-circle tie" },
    friends: { colour: "rgba(39,174,96,0.35)", swatch: "#27ae60", label: "friend tie (same focus)" },
    acquaintance: { colour: "rgba(91,143,214,0.14)", swatch: "#5b8fd6", label: "acquaintance tie" },
    neighbourhood: { colour: "rgba(91,143,214,0.12)", swatch: "#5b8fd6", label: "neighbourhood tie" },
  };
  const OTHER_LAYER = { colour: "rgba(120,120,120,0.2)", swatch: "#999", label: "tie" };
  const layerStyle = (name) => LAYER_STYLES[name] || Object.assign({}, OTHER_LAYER, { label: name + " tie" });

  // One legend row per layer, with its count of ties drawn.
  function tieLegend(net) {
    const box = $("network-ties");
    box.textContent = "";
    net.layers.forEach((name, l) => {
      const style = layerStyle(name);
      const row = document.createElement("div");
      row.className = "tie-layer";
      row.dataset.layer = name;
      row.dataset.ties = String(net.tiesByLayer[l]);
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.style.background = style.swatch;
      row.appendChild(sw);
      row.appendChild(document.createTextNode(style.label + " (" + net.tiesByLayer[l] + ")"));
      box.appendChild(row);
    });
  }

  async function showNetwork() {
    const h = state.selectedHood;
    if (h === null) return;
    const arm = $("map-arm").value === "1" && state.compare ? "b" : "a";
    $("network-status").textContent = "computing…";
    try {
      const net = await api("POST", "api/network", { a: overrides(arm), neighbourhood: h });
      state.network = net;
      state.network.layout = layoutNetwork(net);
      net.tiesByLayer = net.layers.map((_, l) => net.edges.filter((e) => e[2] === l).length);
      tieLegend(net);
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
    // The weakest layer first, so closer ties are drawn over it.
    for (let layer = net.layers.length - 1; layer >= 0; layer--) {
      ctx.strokeStyle = layerStyle(net.layers[layer]).colour;
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
    canvas.dataset.layers = JSON.stringify(net.layers);
    canvas.dataset.tiesByLayer = JSON.stringify(net.tiesByLayer);
    canvas.dataset.week = String(t);
    canvas.dataset.active = String(active);
  }

  Object.assign(GS, { showNetwork, drawNetwork });
})(window.GS);
