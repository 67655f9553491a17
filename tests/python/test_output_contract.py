"""The HDF5 output contract (docs/output-format.md), read back with h5py and xarray."""
import os
import sys
import unittest

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from gs_test import groundswell, scenario, temp_dir  # noqa: E402

SMALL = ["--set", "population_scale=0.05", "--set", "steps=12", "--set", "replicates=3", "--quiet"]
ORGANISING_METRICS = ["participation", "leaders", "mean_efficacy", "one_to_ones", "organisers_active"]


class OutputContract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = temp_dir()
        cls.path = os.path.join(cls.tmp.name, "out.h5")
        groundswell("run", scenario("policy", "town_10000_organisers.yaml"), "-o", cls.path, *SMALL)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_root_attributes(self):
        with h5py.File(self.path, "r") as f:
            self.assertTrue(f.attrs["software"].startswith("groundswell "))
            yaml_text = f.attrs["scenario_yaml"]
            self.assertIsInstance(yaml_text, str)  # variable-length UTF-8
            self.assertIn("population_scale: 0.05", yaml_text)
            self.assertIn("type: organising", yaml_text)
            self.assertEqual(f.attrs["seed"].dtype, np.int64)
            self.assertEqual(int(f.attrs["steps"]), 12)
            self.assertEqual(int(f.attrs["replicates"]), 3)
            self.assertEqual(int(f.attrs["graph_nodes"]), round(136500 * 0.05))

    def test_axes_are_dimension_scales(self):
        with h5py.File(self.path, "r") as f:
            ts = f["timeseries"]
            np.testing.assert_array_equal(ts["step"][:], np.arange(13))
            np.testing.assert_array_equal(ts["replicate"][:], np.arange(3))
            for name in ("step", "replicate"):
                self.assertEqual(ts[name].dtype, np.int64)
                self.assertTrue(h5py.h5ds.is_scale(ts[name].id))

    def test_metrics(self):
        with h5py.File(self.path, "r") as f:
            ts = f["timeseries"]
            for m in ORGANISING_METRICS:
                d = ts[m]
                self.assertEqual(d.dtype, np.float64, m)
                self.assertEqual(d.shape, (3, 13), m)
                self.assertTrue(d.attrs["description"], m)
                self.assertEqual(d.dims[0][0].name, "/timeseries/replicate")
                self.assertEqual(d.dims[1][0].name, "/timeseries/step")
                # 3 x 13 values: small series live in the dataset's header, uncompressed
                self.assertEqual(d.id.get_create_plist().get_layout(), h5py.h5d.COMPACT, m)
                self.assertIsNone(d.compression, m)
            p = ts["participation"][:]
            self.assertTrue(np.all((p > 0) & (p < 1)))
            # One-to-ones are held from step 1 on: 1 organiser at 5% scale x 6 a week, times the
            # neighbourhood's capacity share (167 / 173), drawn week by week, plus leaders'.
            self.assertEqual(ts["one_to_ones"][0, 0], 0.0)
            self.assertTrue(np.all(ts["one_to_ones"][:, 1:] >= 3))
            np.testing.assert_array_equal(ts["organisers_active"][:], np.ones((3, 13)))

    def test_large_series_are_chunked_and_compressed(self):
        # 1,101 steps of one replicate: 8,808 bytes a series, over the 8 KiB compact limit
        with temp_dir() as d:
            path = os.path.join(d, "long.h5")
            groundswell("run", scenario("policy", "town_10000_organisers.yaml"), "-o", path, "--set",
                        "population_scale=0.05", "--set", "steps=1100", "--set", "replicates=1", "--quiet")
            with h5py.File(path, "r") as f:
                d = f["timeseries/participation"]
                self.assertEqual(d.shape, (1, 1101))
                self.assertEqual(d.id.get_create_plist().get_layout(), h5py.h5d.CHUNKED)
                self.assertEqual(d.chunks, (1, 1101))
                self.assertEqual(d.compression, "gzip")
                self.assertTrue(d.shuffle)
                self.assertEqual(d.dims[1][0].name, "/timeseries/step")
                self.assertEqual(f["timeseries/step"].id.get_create_plist().get_layout(), h5py.h5d.CONTIGUOUS)

    def test_xarray_sees_replicate_and_step(self):
        import xarray as xr

        ds = xr.open_dataset(self.path, group="timeseries", engine="h5netcdf")
        for m in ORGANISING_METRICS:
            self.assertEqual(ds[m].dims, ("replicate", "step"))
        self.assertEqual(float(ds["participation"].sel(replicate=1, step=12)),
                         float(h5py.File(self.path, "r")["timeseries/participation"][1, 12]))

    def test_no_temporary_files_left(self):
        self.assertEqual(os.listdir(self.tmp.name), ["out.h5"])


if __name__ == "__main__":
    unittest.main()
