"""Per-neighbourhood output (output.neighbourhoods: true, docs/output-format.md):
the real binary on a small town, read back with h5py and xarray. Expected
values come from the file's own national series and the table, never from a run."""
import os
import sys
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from gs_test import groundswell, scenario, temp_dir  # noqa: E402

REPLICATES, STEPS = 2, 12
# 13,650 people in neighbourhoods of 400: 34 neighbourhoods, enough for five quintiles.
SMALL = ["--set", "population_scale=0.1", "--set", "graph.neighbourhood_size=400", "--set", f"steps={STEPS}",
         "--set", f"replicates={REPLICATES}", "--quiet"]
COLUMNS = ["id", "region", "deprivation", "deprivation_quintile", "population"]


class NeighbourhoodOutput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir()
        town = scenario("policy", "town_10000_organisers.yaml")
        cls.on = os.path.join(cls.tmp.name, "on.h5")
        cls.off = os.path.join(cls.tmp.name, "off.h5")
        groundswell("run", town, "-o", cls.on, *SMALL, "--set", "output.neighbourhoods=true")
        groundswell("run", town, "-o", cls.off, *SMALL)
        with h5py.File(cls.on, "r") as f:
            cls.hoods = f["neighbourhoods/id"].shape[0]
            cls.nodes = int(f.attrs["graph_nodes"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_series_shape_and_dimension_scales(self):
        self.assertEqual(self.hoods, 34)  # round(13650 / 400)
        with h5py.File(self.on, "r") as f:
            d = f["timeseries/participation_by_neighbourhood"]
            self.assertEqual(d.dtype, np.float64)
            self.assertEqual(d.shape, (REPLICATES, STEPS + 1, self.hoods))
            self.assertTrue(d.attrs["description"])
            self.assertEqual(d.attrs["units"], "share")
            # 2 x 13 x 34 values (7,072 bytes): stored compact, uncompressed, as every series of 8 KiB or less
            self.assertEqual(d.id.get_create_plist().get_layout(), h5py.h5d.COMPACT)
            self.assertIsNone(d.compression)
            self.assertEqual([d.dims[i][0].name for i in range(3)],
                             ["/timeseries/replicate", "/timeseries/step", "/neighbourhood"])
            axis = f["neighbourhood"]
            self.assertTrue(h5py.h5ds.is_scale(axis.id))
            self.assertEqual(axis.dtype, np.int64)
            np.testing.assert_array_equal(axis[:], np.arange(self.hoods))
            values = d[:]
            self.assertTrue(np.all((values >= 0) & (values <= 1)))
            self.assertGreater(np.ptp(values[:, -1, :]), 0)  # neighbourhoods differ

    def test_table_columns(self):
        with h5py.File(self.on, "r") as f:
            t = f["neighbourhoods"]
            self.assertEqual(sorted(t.keys()), sorted(COLUMNS))
            for c in COLUMNS:
                self.assertEqual(t[c].shape, (self.hoods,), c)
                self.assertTrue(t[c].attrs["description"], c)
                self.assertEqual(t[c].dims[0][0].name, "/neighbourhood", c)
            np.testing.assert_array_equal(t["id"][:], np.arange(self.hoods))
            self.assertEqual(int(t["population"][:].sum()), self.nodes)
            self.assertTrue(np.all(t["population"][:] > 0))
            dep = t["deprivation"][:]
            self.assertEqual(t["deprivation"].dtype, np.float64)
            self.assertTrue(np.all((dep >= 0) & (dep < 1)))
            # Deprivation is a national rank: every neighbourhood has its own.
            self.assertEqual(len(np.unique(dep)), self.hoods)
            q = t["deprivation_quintile"][:]
            self.assertTrue(set(np.unique(q)) <= {1, 2, 3, 4, 5})
            # 1 = most deprived fifth of ranks (highest deprivation), 5 = least.
            np.testing.assert_array_equal(q, 5 - np.minimum(4, np.floor(dep * 5)).astype(int))
            self.assertGreater(dep[q == 1].min(), dep[q == 2].max())
            region = t["region"][:]
            self.assertTrue(np.all(np.diff(region) >= 0))  # ids are ordered region > neighbourhood

    def test_population_weighted_mean_is_national_participation(self):
        with h5py.File(self.on, "r") as f:
            per_hood = f["timeseries/participation_by_neighbourhood"][:]
            people = f["neighbourhoods/population"][:].astype(float)
            national = f["timeseries/participation"][:]
        weighted = (per_hood * people).sum(axis=2) / people.sum()
        np.testing.assert_allclose(weighted, national, rtol=0, atol=1e-12)

    def test_organisers_by_neighbourhood_add_up_to_organisers_active(self):
        with h5py.File(self.on, "r") as f:
            d = f["timeseries/organisers_by_neighbourhood"]
            self.assertEqual(d.shape, (REPLICATES, STEPS + 1, self.hoods))
            self.assertEqual(d.attrs["units"], "organisers")
            based = d[:]
            active = f["timeseries/organisers_active"][:]
        np.testing.assert_array_equal(based, np.round(based))
        self.assertTrue(np.all(based >= 0))
        np.testing.assert_array_equal(based.sum(axis=2), active)
        self.assertGreater(active[:, -1].min(), 0)
        self.assertGreater(np.count_nonzero(based[:, -1, :]), 1)  # spread over several neighbourhoods

    def test_quintiles_match_participation_q1_to_q5(self):
        with h5py.File(self.on, "r") as f:
            per_hood = f["timeseries/participation_by_neighbourhood"][:]
            people = f["neighbourhoods/population"][:].astype(float)
            quintile = f["neighbourhoods/deprivation_quintile"][:]
            for q in range(1, 6):
                inside = quintile == q
                self.assertTrue(inside.any(), q)
                mean = (per_hood[:, :, inside] * people[inside]).sum(axis=2) / people[inside].sum()
                np.testing.assert_allclose(mean, f[f"timeseries/participation_q{q}"][:], rtol=0, atol=1e-12,
                                           err_msg=f"quintile {q}")

    def test_xarray_maps_participation_to_deprivation(self):
        import xarray as xr

        ts = xr.open_dataset(self.on, group="timeseries", engine="h5netcdf")
        table = xr.open_dataset(self.on, group="neighbourhoods", engine="h5netcdf")
        p = ts["participation_by_neighbourhood"]
        self.assertEqual(p.dims, ("replicate", "step", "neighbourhood"))
        self.assertEqual(table["deprivation"].dims, ("neighbourhood",))
        final = p.isel(step=-1).mean("replicate")
        by_quintile = final.groupby(table["deprivation_quintile"]).mean()
        self.assertEqual(sorted(by_quintile["deprivation_quintile"].values.tolist()), [1, 2, 3, 4, 5])

    def test_nothing_written_without_the_option(self):
        with h5py.File(self.off, "r") as off, h5py.File(self.on, "r") as on:
            self.assertNotIn("participation_by_neighbourhood", off["timeseries"])
            self.assertNotIn("organisers_by_neighbourhood", off["timeseries"])
            self.assertNotIn("neighbourhoods", off)
            self.assertNotIn("neighbourhood", off)
            self.assertIn("neighbourhoods: false", off.attrs["scenario_yaml"])
            self.assertIn("neighbourhoods: true", on.attrs["scenario_yaml"])
            # The option adds series; it changes none of the others.
            for name, d in off["timeseries"].items():
                self.assertEqual(d[()].tobytes(), on["timeseries"][name][()].tobytes(), name)

    def test_cli_tools_read_the_file(self):
        # export with no --metric takes every [replicate, step] series and skips the per-neighbourhood one.
        out = groundswell("export", self.on).stdout
        metrics = {line.split(",")[2] for line in out.splitlines()[1:]}
        self.assertIn("participation", metrics)
        self.assertNotIn("participation_by_neighbourhood", metrics)
        self.assertNotIn("organisers_by_neighbourhood", metrics)
        self.assertIn("participation", groundswell("compare", self.on, self.off).stdout)
        self.assertIn("participation_by_neighbourhood", groundswell("models", "organising").stdout)
        self.assertIn("organisers_by_neighbourhood", groundswell("models", "organising").stdout)


if __name__ == "__main__":
    unittest.main()
