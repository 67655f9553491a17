// The network view of one neighbourhood: its people coloured by state and
// their ties by layer (POST /api/network), drawn for the week on the slider.
"use strict";

(function (GS) {
  const { state, $, api, overrides } = GS;

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

  Object.assign(GS, { showNetwork, drawNetwork });
})(window.GS);
