"""The explorer's page in a real browser (headless Debian Chromium over the
DevTools protocol): change parameters in the panel, press Run, wait, and check
that the plotted final participation is the API's number for the same run,
that the map has one cell per neighbourhood, that a click shows a
neighbourhood's series, and that A vs B draws the difference.

Keeps screenshots (the page, explorer.png; the map with its overlays,
explorer-map.png; A vs B, explorer-a-vs-b.png; the network view of the
clustered fabric with ties by layer, explorer-network.png) in build/artifacts
(beside the executable; GROUNDSWELL_ARTIFACTS overrides the directory) for CI
to keep."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from cdp import Browser  # noqa: E402
from explore_server import ExploreServer  # noqa: E402
from gs_test import EXE, scenario  # noqa: E402

ARTIFACTS = os.environ.get("GROUNDSWELL_ARTIFACTS", os.path.join(os.path.dirname(os.path.abspath(EXE)), "artifacts"))
# 13,650 people in neighbourhoods of 400 (34 neighbourhoods), 4 regions of 10.
SMALL = {"population_scale": 0.1, "graph.neighbourhood_size": 400, "graph.neighbourhoods_per_region": 10,
         "steps": 26, "replicates": 3}


def set_in_panel(key, value):
    """JavaScript that types a value into the panel's input for key, as a user would."""
    return (f"(() => {{ const input = document.querySelector('#parameters .param[data-key=\"{key}\"] input');"
            f" input.value = {json.dumps(str(value))}; input.dispatchEvent(new Event('change')); return true; }})()")


class ExplorerPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ExploreServer(scenario("policy", "town_10000_organisers.yaml"))
        cls.browser = Browser()

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.server.stop()

    def run_from_page(self):
        b = self.browser
        b.evaluate("document.getElementById('run').click(), true")
        b.wait_for("window.explorer.state.status === 'done' || window.explorer.state.status === 'error'", timeout=300)
        self.assertEqual(b.evaluate("window.explorer.state.status"), "done", b.evaluate("window.explorer.state.error"))
        run_id = b.evaluate("window.explorer.state.runId")
        return run_id, self.server.json("GET", f"/api/runs/{run_id}/results")

    def test_page(self):
        b = self.browser
        b.navigate(self.server.url)
        b.wait_for("window.explorer && window.explorer.state.status === 'idle'", timeout=60)
        # Every declared model parameter has an input.
        keys = b.evaluate("[...document.querySelectorAll('#parameters .param')].map(e => e.dataset.key)")
        declared = [p["key"] for s in self.server.json("GET", "/api/parameters")["sections"] for p in s["parameters"]]
        self.assertEqual(sorted(keys), sorted(declared))
        for key, value in dict(SMALL, **{"model.organisers.count": 40}).items():
            b.evaluate(set_in_panel(key, value))
        self.assertEqual(b.evaluate("window.explorer.overrides('a')['model.organisers.count']"), 40)
        self.assertTrue(b.evaluate("document.querySelector('.param[data-key=\"model.organisers.count\"]')"
                                   ".classList.contains('changed')"))

        run_id, results = self.run_from_page()
        api_final = results["arms"][0]["final"]["participation"]
        self.assertEqual(results["arms"][0]["overrides"]["model.organisers.count"], 40)
        plotted = float(b.evaluate("document.getElementById('final-participation').dataset.plotted"))
        shown = float(b.evaluate("document.getElementById('final-participation').dataset.value"))
        chart_last = b.evaluate("(d => d[d.length - 1])(window.explorer.charts.participation.data[1])")
        self.assertEqual(plotted, api_final)
        self.assertEqual(shown, api_final)
        self.assertEqual(chart_last, api_final)
        self.assertEqual(b.evaluate("window.explorer.charts.participation.data[0].length"), SMALL["steps"] + 1)

        hoods = len(results["neighbourhoods"]["region"])
        self.assertEqual(hoods, 34)  # round(13650 / 400)
        self.assertEqual(b.evaluate("document.querySelectorAll('#map .cell').length"), hoods)
        self.assertEqual(b.evaluate("new Set([...document.querySelectorAll('#map .cell')].map(c => c.dataset.hood)).size"),
                         hoods)
        # The map shows the last week: each cell's value is the API's neighbourhood mean.
        cells = b.evaluate("[...document.querySelectorAll('#map .cell')].map(c => [+c.dataset.hood, +c.dataset.value])")
        last = results["arms"][0]["neighbourhood_series"]["participation_by_neighbourhood"][-1]
        for h, v in cells:
            self.assertEqual(v, last[h])
        # The time slider repaints for another week.
        b.evaluate("window.explorer.setWeek(0), true")
        first = results["arms"][0]["neighbourhood_series"]["participation_by_neighbourhood"][0]
        self.assertEqual(b.evaluate("+document.querySelector('#map .cell[data-hood=\"5\"]').dataset.value"), first[5])
        b.evaluate(f"window.explorer.setWeek({SMALL['steps']}), true")
        # Clicking a neighbourhood draws its series.
        b.evaluate("document.querySelector('#map .cell[data-hood=\"7\"]').dispatchEvent(new MouseEvent('click')), true")
        series = b.evaluate("window.explorer.charts.hood.data[1]")
        self.assertEqual(series, [row[7] for row in results["arms"][0]["neighbourhood_series"]
                                  ["participation_by_neighbourhood"]])
        # The network view of that neighbourhood: every resident, their ties, states at the slider's week.
        self.assertEqual(b.evaluate("getComputedStyle(document.getElementById('network-wrap')).display"), "none")
        b.evaluate("document.getElementById('show-network').click(), true")
        b.wait_for("document.getElementById('network').dataset.people")
        net = self.server.json("POST", "/api/network", {"a": results["arms"][0]["overrides"], "neighbourhood": 7})
        canvas = b.evaluate("Object.assign({}, document.getElementById('network').dataset)")
        self.assertEqual(int(canvas["people"]), results["neighbourhoods"]["population"][7])
        self.assertNotEqual(b.evaluate("getComputedStyle(document.getElementById('network-wrap')).display"), "none")
        self.assertEqual(int(canvas["ties"]), len(net["edges"]))
        self.assertEqual(int(canvas["week"]), SMALL["steps"])
        self.assertEqual(int(canvas["active"]), sum(1 for x in net["states"][-1] if x))
        b.evaluate("window.explorer.setWeek(0), true")
        self.assertEqual(int(b.evaluate("document.getElementById('network').dataset.active")),
                         sum(1 for x in net["states"][0] if x))
        b.evaluate(f"window.explorer.setWeek({SMALL['steps']}), true")
        b.evaluate("document.getElementById('overlay-deprivation').click(), true")
        self.assertEqual(b.evaluate("document.querySelectorAll('#map .deprivation').length"), hoods)
        # The organisers overlay: a marker on each neighbourhood with organisers at work in the slider's
        # week, carrying the API's number (mean over replicates); together the run's organisers_active.
        based = results["arms"][0]["neighbourhood_series"]["organisers_by_neighbourhood"]
        active = results["arms"][0]["series"]["organisers_active"]["mean"]
        self.assertFalse(b.evaluate("document.getElementById('overlay-organisers').disabled"))
        self.assertEqual(b.evaluate("document.querySelectorAll('#map .organiser').length"), 0)
        b.evaluate("document.getElementById('overlay-organisers').click(), true")
        for week in (SMALL["steps"], 0, 1, SMALL["steps"]):
            b.evaluate(f"window.explorer.setWeek({week}), true")
            self.assertEqual(int(b.evaluate("document.getElementById('week').value")), week)
            markers = b.evaluate("[...document.querySelectorAll('#map .organiser')]"
                                 ".map(m => [+m.dataset.hood, +m.dataset.count])")
            expected = {h: n for h, n in enumerate(based[week]) if n > 0}
            self.assertTrue(expected, week)
            self.assertEqual(len(markers), len(expected), week)
            self.assertEqual(dict(markers), expected, week)
            self.assertAlmostEqual(sum(n for _, n in markers), active[week], places=9)
            self.assertAlmostEqual(float(b.evaluate("document.getElementById('organiser-legend').dataset.total")),
                                   active[week], places=9)
        # Download links point at this run.
        links = b.evaluate("[...document.querySelectorAll('#downloads a')].map(a => a.getAttribute('href'))")
        self.assertIn(f"api/runs/{run_id}/a/scenario.yaml", links)
        self.assertIn(f"api/runs/{run_id}/a/data.h5", links)
        os.makedirs(ARTIFACTS, exist_ok=True)
        b.screenshot(os.path.join(ARTIFACTS, "explorer.png"))

        # A vs B: B with more organisers; the page plots both and the paired difference.
        b.evaluate("window.explorer.setCompare(true), true")
        b.evaluate("document.querySelector('.arm-tab[data-arm=\"b\"]').click(), true")
        b.evaluate(set_in_panel("model.organisers.count", 400))
        run_b, results = self.run_from_page()
        self.assertNotEqual(run_b, run_id)
        self.assertEqual(len(results["arms"]), 2)
        self.assertEqual(results["arms"][1]["overrides"]["model.organisers.count"], 400)
        self.assertEqual(results["arms"][0]["overrides"]["model.organisers.count"], 40)
        self.assertEqual(float(b.evaluate("document.getElementById('final-participation-b').dataset.value")),
                         results["arms"][1]["final"]["participation"])
        self.assertFalse(b.evaluate("document.getElementById('difference-figure').hidden"))
        self.assertEqual(b.evaluate("window.explorer.charts.difference.data[1]"),
                         results["difference"]["participation"]["mean"])
        b.screenshot(os.path.join(ARTIFACTS, "explorer-a-vs-b.png"))

        # A bad value: the server's --set message on the page, nothing run.
        b.evaluate(set_in_panel("model.deprivation_gap", 2))
        b.evaluate("document.getElementById('run').click(), true")
        b.wait_for("window.explorer.state.status === 'error'")
        self.assertIn("--set model.deprivation_gap=2", b.evaluate("document.getElementById('message').textContent"))
        self.assertEqual(b.console, [])

    def test_tie_layers(self):
        """On the clustered fabric the network view colours ties by the graph's four layers, with a
        legend counting each layer's ties as the API reports them."""
        b = self.browser
        b.navigate(self.server.url)
        b.wait_for("window.explorer && window.explorer.state.status === 'idle'", timeout=60)
        # clustered is the default fabric (0.2.0): the panel shows it and no override is needed.
        self.assertEqual(b.evaluate("document.querySelector('#parameters .param[data-key=\"graph.fabric\"] select').value"),
                         "clustered")
        settings = dict(SMALL, **{"model.organisers.count": 200, "replicates": 1})
        for key, value in settings.items():
            b.evaluate(set_in_panel(key, value))
        self.assertNotIn("graph.fabric", b.evaluate("window.explorer.overrides('a')"))
        _, results = self.run_from_page()
        # One replicate: whole organisers per neighbourhood, adding up to organisers_active at the slider's week.
        b.evaluate("document.getElementById('overlay-organisers').click(), true")
        week = SMALL["steps"]
        self.assertEqual(int(b.evaluate("document.getElementById('week').value")), week)
        markers = b.evaluate("[...document.querySelectorAll('#map .organiser')]"
                             ".map(m => [+m.dataset.hood, +m.dataset.count, m.textContent])")
        based = results["arms"][0]["neighbourhood_series"]["organisers_by_neighbourhood"][week]
        self.assertEqual({h: n for h, n, _ in markers}, {h: n for h, n in enumerate(based) if n > 0})
        self.assertEqual(sum(n for _, n, _ in markers), results["arms"][0]["series"]["organisers_active"]["mean"][week])
        self.assertEqual(sum(n for _, n, _ in markers), 20)  # 200 organisers at population_scale 0.1
        for _, n, text in markers:
            self.assertTrue(text.startswith(str(int(n))), text)
        os.makedirs(ARTIFACTS, exist_ok=True)
        b.screenshot(os.path.join(ARTIFACTS, "explorer-map.png"), "#map-wrap", scale=2)
        b.evaluate("document.querySelector('#map .cell[data-hood=\"3\"]').dispatchEvent(new MouseEvent('click')), true")
        b.evaluate("document.getElementById('show-network').click(), true")
        b.wait_for("document.getElementById('network').dataset.tiesByLayer")
        net = self.server.json("POST", "/api/network", {"a": results["arms"][0]["overrides"], "neighbourhood": 3})
        self.assertEqual(net["layers"], ["household", "close", "friends", "acquaintance"])
        counts = [sum(1 for e in net["edges"] if e[2] == layer) for layer in range(4)]
        self.assertTrue(all(counts), counts)
        canvas = b.evaluate("Object.assign({}, document.getElementById('network').dataset)")
        self.assertEqual(json.loads(canvas["layers"]), net["layers"])
        self.assertEqual(json.loads(canvas["tiesByLayer"]), counts)
        self.assertEqual(int(canvas["ties"]), len(net["edges"]))
        legend = b.evaluate("[...document.querySelectorAll('#network-ties .tie-layer')]"
                            ".map(r => [r.dataset.layer, +r.dataset.ties, r.textContent])")
        self.assertEqual([(name, n) for name, n, _ in legend], list(zip(net["layers"], counts)))
        for (name, n, text) in legend:
            self.assertIn(f"({n})", text)
        os.makedirs(ARTIFACTS, exist_ok=True)
        b.screenshot(os.path.join(ARTIFACTS, "explorer-network.png"), "#network-wrap")
        self.assertEqual(b.console, [])


if __name__ == "__main__":
    unittest.main()
