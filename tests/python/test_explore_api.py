"""`groundswell explore`'s JSON API (docs/explorer.md) on a real server over
HTTP: its parameters come from the declarations, its runs give exactly what
`groundswell run` writes for the downloaded scenario, A vs B differences match
an independent paired t interval, and bad or foreign requests are refused
while the server keeps serving."""
import json
import os
import sys
import unittest

import h5py
import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(__file__))
from explore_server import ExploreServer  # noqa: E402
from gs_test import groundswell, scenario, temp_dir  # noqa: E402

TOWN = scenario("policy", "town_10000_organisers.yaml")
STEPS, REPLICATES = 12, 3
# 13,650 people in neighbourhoods of 400: 34 neighbourhoods.
SMALL = {"population_scale": 0.1, "graph.neighbourhood_size": 400, "steps": STEPS, "replicates": REPLICATES}


class ExploreApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir()
        # The server's private directory for run files goes under TMPDIR: it must be gone after a stop.
        cls.server_tmp = os.path.join(cls.tmp.name, "server-tmp")
        os.mkdir(cls.server_tmp)
        cls.server = ExploreServer(TOWN, env={**os.environ, "TMPDIR": cls.server_tmp})
        b = dict(SMALL, **{"model.organisers.count": 200})
        cls.status = cls.server.run({"client": "test", "a": SMALL, "b": b})
        cls.run_id = cls.status["id"]
        cls.results = cls.server.json("GET", f"/api/runs/{cls.run_id}/results")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        left = os.listdir(cls.server_tmp)
        cls.tmp.cleanup()
        assert code == 0, f"explore exited {code} on SIGTERM"
        assert left == [], f"explore left {left} in its temporary directory"

    def download(self, arm, name):
        status, headers, data = self.server.request("GET", f"/api/runs/{self.run_id}/{arm}/{name}")
        self.assertEqual(status, 200, data[:300])
        self.assertIn("attachment", headers["Content-Disposition"])
        path = os.path.join(self.tmp.name, f"{arm}-{name}")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def rerun(self, arm):
        """`groundswell run` of the downloaded scenario: the independent reference."""
        out = os.path.join(self.tmp.name, f"rerun-{arm}.h5")
        if not os.path.exists(out):
            groundswell("run", self.download(arm, "scenario.yaml"), "-o", out, "--quiet")
        return out

    def test_parameters_come_from_the_declarations(self):
        p = self.server.json("GET", "/api/parameters")
        sections = {s["section"]: s for s in p["sections"]}
        self.assertEqual(sections["graph"]["type"], "community")
        self.assertEqual(sections["model"]["type"], "organising")
        params = {q["key"]: q for s in p["sections"] for q in s["parameters"]}
        gap = params["model.deprivation_gap"]
        self.assertEqual((gap["min"], gap["max"], gap["default"]), (0, 0.99, 0.3))
        self.assertIn("Community Life Survey", params["model.baseline_participation"]["description"])
        self.assertEqual(params["model.organisers.count"]["group"], "organisers")
        self.assertEqual(params["model.organisers.count"]["value"], 20)  # the scenario's, not the default 0
        self.assertEqual(params["graph.population"]["value"], 136500)
        self.assertEqual(params["steps"]["value"], 104)
        self.assertEqual(params["model.organisers.placement"]["choices"][0], "proportional")
        # Every declared model parameter, and nothing else.
        out = groundswell("models", "organising").stdout
        for key in params:
            if key.startswith("model."):
                self.assertIn(key[len("model."):], out)
        self.assertEqual(p["limits"], {"population": 300000, "steps": 520, "replicates": 20})

    def test_run_files_live_in_a_private_directory_only_while_running(self):
        dirs = os.listdir(self.server_tmp)
        self.assertEqual(len(dirs), 1)
        self.assertTrue(dirs[0].startswith("groundswell-explore-"))
        self.assertEqual(os.listdir(os.path.join(self.server_tmp, dirs[0])), [])  # the finished runs' files are in memory

    def test_run_equals_groundswell_run_of_the_downloaded_scenario(self):
        self.assertEqual(self.status["state"], "done")
        self.assertEqual(self.status["done"], self.status["total"])
        self.assertEqual(self.status["total"], 2 * STEPS * REPLICATES)
        for index, arm in enumerate("ab"):
            got = self.results["arms"][index]
            with h5py.File(self.rerun(arm), "r") as f:
                part = f["timeseries/participation"][()]
                self.assertEqual(part.shape, (REPLICATES, STEPS + 1))
                self.assertEqual(np.array(got["replicate_series"]["values"]).tobytes(), part.tobytes())
                for name, series in got["series"].items():
                    np.testing.assert_allclose(series["mean"], f["timeseries/" + name][()].mean(axis=0),
                                               rtol=1e-12, atol=1e-15, err_msg=name)
                hood = f["timeseries/participation_by_neighbourhood"][()]
                np.testing.assert_allclose(got["neighbourhood_series"]["participation_by_neighbourhood"],
                                           hood.mean(axis=0), rtol=1e-12, atol=1e-15)
                based = f["timeseries/organisers_by_neighbourhood"][()]
                np.testing.assert_allclose(got["neighbourhood_series"]["organisers_by_neighbourhood"],
                                           based.mean(axis=0), rtol=1e-12, atol=1e-15)
                self.assertEqual(self.results["neighbourhoods"]["region"], list(f["neighbourhoods/region"][()]))
        self.assertEqual(len(self.results["neighbourhoods"]["region"]), 34)
        # Organisers make a difference to the final participation, so the arms really differ.
        self.assertGreater(self.results["arms"][1]["final"]["participation"],
                           self.results["arms"][0]["final"]["participation"])

    def test_organisers_per_neighbourhood_add_up_to_organisers_active(self):
        for index, arm in enumerate(self.results["arms"]):
            based = np.array(arm["neighbourhood_series"]["organisers_by_neighbourhood"])
            self.assertEqual(based.shape, (STEPS + 1, 34))
            self.assertTrue(np.all(based >= 0))
            np.testing.assert_allclose(based.sum(axis=1), arm["series"]["organisers_active"]["mean"],
                                       rtol=1e-12, atol=1e-12, err_msg=f"arm {index}")
        # B has 200 organisers (20 after population_scale 0.1), in post from week 1, no turnover.
        b = np.array(self.results["arms"][1]["neighbourhood_series"]["organisers_by_neighbourhood"])
        self.assertAlmostEqual(b[-1].sum(), 20.0, places=9)
        self.assertGreater(np.count_nonzero(b[-1]), 5)
        # Replicate by replicate, whole organisers that add up to the run's organisers_active.
        with h5py.File(self.rerun("b"), "r") as f:
            per_hood = f["timeseries/organisers_by_neighbourhood"][()]
            np.testing.assert_array_equal(per_hood, np.round(per_hood))
            np.testing.assert_array_equal(per_hood.sum(axis=2), f["timeseries/organisers_active"][()])

    def test_downloaded_data_is_the_run_output(self):
        for arm in "ab":
            with h5py.File(self.download(arm, "data.h5"), "r") as mine, h5py.File(self.rerun(arm), "r") as ref:
                self.assertEqual(set(mine["timeseries"]), set(ref["timeseries"]))
                for name in ref["timeseries"]:
                    self.assertEqual(mine["timeseries"][name][()].tobytes(), ref["timeseries"][name][()].tobytes(), name)

    def test_difference_is_paired_with_its_t_interval(self):
        with h5py.File(self.rerun("a"), "r") as fa, h5py.File(self.rerun("b"), "r") as fb:
            d = fb["timeseries/participation"][()] - fa["timeseries/participation"][()]
        mean = d.mean(axis=0)
        half = stats.t.ppf(0.975, REPLICATES - 1) * d.std(axis=0, ddof=1) / np.sqrt(REPLICATES)
        got = self.results["difference"]["participation"]
        np.testing.assert_allclose(got["mean"], mean, rtol=1e-9, atol=1e-12)
        # Step 0 is before any organiser acts: the same seeds give the same start, difference 0.
        self.assertEqual(got["mean"][0], 0.0)
        np.testing.assert_allclose(got["low"][1:], (mean - half)[1:], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(got["high"][1:], (mean + half)[1:], rtol=1e-6, atol=1e-9)

    def test_network_view_is_replicate_0_of_the_run(self):
        hood = 5
        net = self.server.json("POST", "/api/network", {"a": SMALL, "neighbourhood": hood})
        people = net["people"]
        with h5py.File(self.rerun("a"), "r") as f:
            self.assertEqual(people, f["neighbourhoods/population"][hood])
            share = f["timeseries/participation_by_neighbourhood"][0, :, hood]
        self.assertEqual(len(net["states"]), STEPS + 1)
        # The share of the neighbourhood's people not inactive, at every step, is the run's series for replicate 0.
        for t, states in enumerate(net["states"]):
            self.assertEqual(len(states), people)
            self.assertAlmostEqual(sum(1 for x in states if x != 0) / people, share[t], places=12)
        self.assertTrue(net["edges"])
        # The default (clustered) fabric: household ties are layer 0, every other tie one of the
        # three wider layers (test_clustered_network_layers_match_the_graph checks them one by one).
        for i, j, layer in net["edges"]:
            self.assertTrue(0 <= i < j < people)
            if net["household"][i] == net["household"][j]:
                self.assertEqual(layer, 0)
            else:
                self.assertIn(layer, (1, 2, 3))
        self.assertEqual({layer for _, _, layer in net["edges"]}, {0, 1, 2, 3})
        self.assertEqual(net["layers"], ["household", "close", "friends", "acquaintance"])
        for body in [{"a": SMALL, "neighbourhood": 34}, {"a": SMALL}, {"a": SMALL, "neighbourhood": -1},
                     {"a": dict(SMALL, **{"model.deprivation_gap": 3}), "neighbourhood": 0}]:
            status, _, data = self.server.request("POST", "/api/network", body)
            self.assertEqual(status, 400, body)
            self.assertTrue(json.loads(data)["error"])

    def test_network_view_ties_by_layer_are_the_graphs(self):
        """On the clustered fabric each tie carries the graph's own layer: counted per layer within the
        neighbourhood, the ties are those of `groundswell graph --export` read with h5py."""
        hood = 5
        clustered = dict(SMALL, **{"graph.fabric": "clustered", "steps": 2, "replicates": 1})
        net = self.server.json("POST", "/api/network", {"a": clustered, "neighbourhood": hood})
        self.assertEqual(net["layers"], ["household", "close", "friends", "acquaintance"])
        exported = os.path.join(self.tmp.name, "clustered.h5")
        sets = [a for k, v in clustered.items() for a in ("--set", f"{k}={v}")]
        groundswell("graph", TOWN, *sets, "--export", exported)
        with h5py.File(exported, "r") as f:
            offsets, targets = f["graph/offsets"][()], f["graph/targets"][()]
            layer = f["graph/layer"][()]
            names = f["graph"].attrs["layer_names"]
            self.assertEqual((names.decode() if isinstance(names, bytes) else names).split(","), net["layers"])
            first, end = f["neighbourhoods/start"][hood], f["neighbourhoods/start"][hood + 1]
        self.assertEqual(net["first_node"], first)
        self.assertEqual(net["people"], end - first)
        expected = {}
        outside = []
        for v in range(first, end):
            row = slice(offsets[v], offsets[v + 1])
            inside = (targets[row] >= first) & (targets[row] < end)
            outside.append(int((~inside).sum()))
            for u, l in zip(targets[row][inside], layer[row][inside]):
                if u > v:
                    expected[(v - first, u - first)] = int(l)
        got = {(i, j): l for i, j, l in net["edges"]}
        self.assertEqual(got, expected)
        self.assertEqual(net["outside_ties"], outside)
        counts = np.bincount([l for _, _, l in net["edges"]], minlength=4)
        self.assertTrue(np.all(counts > 0), counts)  # every layer has ties within the neighbourhood
        # Household ties are exactly the pairs sharing a household.
        for (i, j), l in got.items():
            self.assertEqual(l == 0, net["household"][i] == net["household"][j])

    def test_bad_values_get_the_set_message(self):
        for key, value in [("model.deprivation_gap", 1.5), ("model.organisers.cuont", 3), ("steps", "many")]:
            status, _, data = self.server.request("POST", "/api/run", {"a": {key: value}})
            self.assertEqual(status, 400, data)
            cli = groundswell("validate", TOWN, "--set", f"{key}={json.dumps(value) if not isinstance(value, str) else value}",
                              check=False)
            self.assertEqual(cli.returncode, 2)
            self.assertEqual(json.loads(data)["error"], cli.stderr.strip().removeprefix("error: "))

    def test_bad_requests_get_400_and_the_server_keeps_serving(self):
        cases = [b"{not json", b"[1, 2]", b"", json.dumps({"a": [1]}).encode(), json.dumps({"client": 7}).encode(),
                 json.dumps({"a": {"steps": 100000}}).encode(), json.dumps({"a": {"output.compression": 1}}).encode(),
                 json.dumps({"a": {"graph.type": "erdos_renyi"}}).encode(),
                 json.dumps({"a": {"graph": {"type": "edgelist", "path": "/etc/passwd"}}}).encode(),
                 json.dumps({"a": SMALL, "b": dict(SMALL, seed=5)}).encode(),
                 # A key that --set would read as "origin: key" must not slip past the locked output section.
                 json.dumps({"a": {"x: output.checkpoint_every": 1}}).encode(),
                 json.dumps({"a": {"steps=3": 1}}).encode()]
        for body in cases:
            status, _, data = self.server.request("POST", "/api/run", body)
            self.assertEqual(status, 400, body)
            self.assertTrue(json.loads(data)["error"], body)
        status, _, data = self.server.request("POST", "/api/run", json.dumps({"a": {"steps": 100000}}).encode())
        self.assertIn("--max-steps", json.loads(data)["error"])
        self.assertEqual(self.server.request("POST", "/api/run", b"x" * (2 << 20))[0], 413)
        # Deep nesting (the JSON writer and the YAML parser recurse per level) is refused, not a crash.
        for body in [b"[" * 400000 + b"]" * 400000, b'{"a": {"model.organisers.cohorts": ' + b"[" * 300000 + b"]" * 300000 + b"}}",
                     b'{"a": {"steps": "' + b"[" * 200000 + b'"}}']:
            status, _, data = self.server.request("POST", "/api/run", body)
            self.assertEqual(status, 400, data[:200])
            self.assertIn("nested more than 32 levels", json.loads(data)["error"])
        for path in ["/api/runs/r999", "/api/runs/r999/results", "/api/runs/r1/c/data.h5", "/../../etc/passwd",
                     "/index.html/../../../etc/passwd"]:
            self.assertEqual(self.server.request("GET", path)[0], 404, path)
        self.assertTrue(self.server.alive())
        self.assertEqual(self.server.request("GET", "/api/parameters")[0], 200)

    def test_foreign_host_or_origin_is_refused(self):
        own = f"127.0.0.1:{self.server.port}"
        for headers in [{"Host": "attacker.example"}, {"Host": f"attacker.example:{self.server.port}"},
                        {"Host": own, "Origin": "http://attacker.example"},
                        {"Host": own, "Origin": f"http://localhost:{self.server.port + 1}"}]:
            status, _, data = self.server.request("GET", "/api/parameters", headers=headers)
            self.assertEqual(status, 403, headers)
            self.assertIn("not this server", json.loads(data)["error"])
        self.assertEqual(self.server.request("GET", "/api/parameters", headers={"Host": own, "Origin": f"http://{own}"})[0], 200)
        self.assertEqual(self.server.request("GET", "/", headers={"Host": f"localhost:{self.server.port}"})[0], 200)

    def test_cancel_and_one_run_per_client(self):
        big = dict(SMALL, steps=520, replicates=20)
        first = self.server.json("POST", "/api/run", {"client": "c", "a": big}, expect=202)["id"]
        second = self.server.json("POST", "/api/run", {"client": "c", "a": big}, expect=202)["id"]
        self.server.json("POST", f"/api/runs/{second}/cancel")
        for run_id in (first, second):
            for _ in range(600):
                state = self.server.json("GET", f"/api/runs/{run_id}")["state"]
                if state not in ("queued", "running"):
                    break
                __import__("time").sleep(0.05)
            self.assertEqual(state, "cancelled", run_id)
            self.assertEqual(self.server.request("GET", f"/api/runs/{run_id}/results")[0], 404)


class ExploreHostOption(unittest.TestCase):
    def test_another_address_warns_and_is_its_own_host(self):
        import http.client
        import re
        import subprocess
        from gs_test import EXE
        proc = subprocess.Popen([EXE, "explore", "--port", "0", "--host", "127.0.0.2"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            port = int(re.search(r"http://127\.0\.0\.2:(\d+)/", line).group(1))
            for host, expected in [(f"127.0.0.2:{port}", 200), (f"localhost:{port}", 200), ("127.0.0.2", 403)]:
                conn = http.client.HTTPConnection("127.0.0.2", port, timeout=30)
                conn.request("GET", "/api/parameters", headers={"Host": host})
                self.assertEqual(conn.getresponse().status, expected, host)
                conn.close()
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("warning: listening on 127.0.0.2", err)


class ExploreWithoutNeighbourhoods(unittest.TestCase):
    def test_a_graph_without_neighbourhoods_runs_with_no_map_data(self):
        server = ExploreServer(scenario("graphs", "small_world.yaml"), "--max-population", "20000")
        try:
            status, _, data = server.request("POST", "/api/run", {"a": {"graph.nodes": 30000}})
            self.assertEqual(status, 400)
            self.assertIn("--max-population", json.loads(data)["error"])
            done = server.run({"a": {"graph.nodes": 2000, "steps": 4, "replicates": 2}})
            self.assertEqual(done["state"], "done", done)
            results = server.json("GET", f"/api/runs/{done['id']}/results")
            self.assertEqual(results["neighbourhoods"]["region"], [])
            self.assertEqual(results["arms"][0]["neighbourhood_series"], {})
            self.assertEqual(len(results["arms"][0]["series"]["participation"]["mean"]), 5)
            self.assertNotIn("neighbourhoods: true", server.request("GET", f"/api/runs/{done['id']}/a/scenario.yaml")[2].decode())
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
