// How write_output lays out its datasets: series of 8 KiB or less in compact
// layout without filters, larger ones chunked with shuffle + deflate; the
// values read back bit for bit; and every series carries its dimension
// scales both ways (the dataset's DIMENSION_LIST and the scale's
// REFERENCE_LIST), as H5DSattach_scale would have left them.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/io/hdf5_handle.hpp"
#include "sim/io/output.hpp"

using namespace gs;
using gs::hdf5::Handle;

namespace {

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("gs-output-layout-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// Values no compressor shortens to nothing and no rounding hides: a NaN, a
// negative zero and numbers with every mantissa bit in use.
std::vector<double> series(std::size_t n, double salt) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::sin(static_cast<double>(i) * 0.37 + salt) / 3.0;
  if (n > 2) {
    v[1] = std::nan("");
    v[2] = -0.0;
  }
  return v;
}

RunResult result_of(std::uint32_t replicates, std::uint32_t steps, std::size_t hoods) {
  RunResult r;
  const std::size_t points = std::size_t{replicates} * (steps + 1);
  for (int m = 0; m < 3; ++m) {
    r.metrics.push_back({"metric_" + std::to_string(m), "metric number " + std::to_string(m), m == 0 ? "share" : ""});
    r.values.push_back(series(points, m));
  }
  if (hoods > 0) {
    r.neighbourhood_metrics.push_back({"metric_by_neighbourhood", "by neighbourhood", "share"});
    r.neighbourhood_values.push_back(series(points * hoods, 9));
    for (std::size_t h = 0; h < hoods; ++h) {
      r.neighbourhoods.region.push_back(static_cast<std::int64_t>(h % 2));
      r.neighbourhoods.deprivation.push_back(static_cast<double>(h) / static_cast<double>(hoods));
      r.neighbourhoods.deprivation_quintile.push_back(static_cast<std::int64_t>(1 + h % 5));
      r.neighbourhoods.population.push_back(static_cast<std::int64_t>(100 + h));
    }
  }
  return r;
}

std::string write(const TempDir& dir, const std::string& name, const RunResult& r, std::uint32_t replicates,
                  std::uint32_t steps) {
  OutputHeader header;
  header.scenario_yaml = "name: layout\n";
  header.steps = steps;
  header.replicates = replicates;
  std::string path = (dir.path / name).string();
  write_output(path, header, r);
  return path;
}

struct Layout {
  H5D_layout_t layout;
  std::vector<H5Z_filter_t> filters;
};

Layout layout_of(hid_t ds) {
  const Handle plist(H5Dget_create_plist(ds), H5Pclose);
  Layout l{H5Pget_layout(plist), {}};
  for (int i = 0; i < H5Pget_nfilters(plist); ++i) {
    unsigned flags = 0;
    std::size_t n = 0;
    unsigned config = 0;
    l.filters.push_back(H5Pget_filter2(plist, static_cast<unsigned>(i), &flags, &n, nullptr, 0, nullptr, &config));
  }
  return l;
}

std::vector<double> read_all(hid_t ds) {
  const Handle space(H5Dget_space(ds), H5Sclose);
  std::vector<double> v(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0);
  return v;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

Handle open(hid_t file, const std::string& path) { return {H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose}; }

// Both halves of the attachment (H5DSis_attached reads the dataset's list and
// the scale's), and exactly one scale on the dimension.
void expect_attached(hid_t ds, hid_t scale, unsigned dim, const std::string& what) {
  EXPECT_EQ(H5DSis_attached(ds, scale, dim), 1) << what << " dimension " << dim;
  EXPECT_EQ(H5DSget_num_scales(ds, dim), 1) << what << " dimension " << dim;
}

}  // namespace

TEST(OutputLayout, SmallSeriesAreCompactAndUnfilteredLargeOnesChunkedAndDeflated) {
  const TempDir dir;
  const RunResult small = result_of(2, 20, 0);  // 2 x 21 values: 336 bytes a series
  const RunResult large = result_of(1, 1100, 0);  // 1,101 values: 8,808 bytes, over 8 KiB
  const Handle fs(H5Fopen(write(dir, "small.h5", small, 2, 20).c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  const Handle fl(H5Fopen(write(dir, "large.h5", large, 1, 1100).c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  ASSERT_TRUE(fs.valid() && fl.valid());
  for (std::size_t m = 0; m < small.metrics.size(); ++m) {
    const std::string path = "/timeseries/" + small.metrics[m].name;
    const Handle s = open(fs, path);
    const Layout ls = layout_of(s);
    EXPECT_EQ(ls.layout, H5D_COMPACT) << path;
    EXPECT_TRUE(ls.filters.empty()) << path;
    EXPECT_TRUE(same_bits(read_all(s), small.values[m])) << path;

    const Handle l = open(fl, path);
    const Layout ll = layout_of(l);
    EXPECT_EQ(ll.layout, H5D_CHUNKED) << path;
    EXPECT_EQ(ll.filters, (std::vector<H5Z_filter_t>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE})) << path;
    EXPECT_TRUE(same_bits(read_all(l), large.values[m])) << path;
  }
  // The axes: the small file's in compact layout, the 1,101-step one contiguous as before.
  EXPECT_EQ(layout_of(open(fs, "/timeseries/step")).layout, H5D_COMPACT);
  EXPECT_EQ(layout_of(open(fl, "/timeseries/step")).layout, H5D_CONTIGUOUS);
}

TEST(OutputLayout, EverySeriesCarriesItsDimensionScalesBothWays) {
  const TempDir dir;
  const RunResult r = result_of(2, 12, 7);
  const Handle file(H5Fopen(write(dir, "scales.h5", r, 2, 12).c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  ASSERT_TRUE(file.valid());
  const Handle replicate = open(file, "/timeseries/replicate");
  const Handle step = open(file, "/timeseries/step");
  const Handle hood = open(file, "/neighbourhood");
  for (const hid_t scale : {hid_t{replicate}, hid_t{step}, hid_t{hood}}) EXPECT_EQ(H5DSis_scale(scale), 1);
  for (const auto& spec : r.metrics) {
    const Handle ds = open(file, "/timeseries/" + spec.name);
    expect_attached(ds, replicate, 0, spec.name);
    expect_attached(ds, step, 1, spec.name);
  }
  const Handle by_hood = open(file, "/timeseries/metric_by_neighbourhood");
  expect_attached(by_hood, replicate, 0, "by neighbourhood");
  expect_attached(by_hood, step, 1, "by neighbourhood");
  expect_attached(by_hood, hood, 2, "by neighbourhood");
  EXPECT_EQ(layout_of(by_hood).layout, H5D_COMPACT);  // 2 x 13 x 7 values
  EXPECT_TRUE(same_bits(read_all(by_hood), r.neighbourhood_values[0]));
  for (const char* column : {"id", "region", "deprivation", "deprivation_quintile", "population"}) {
    const Handle ds = open(file, std::string("/neighbourhoods/") + column);
    expect_attached(ds, hood, 0, column);
  }
  // A scale lists every series attached to it (REFERENCE_LIST), and only those.
  int step_users = 0;
  const auto count = [](hid_t, unsigned, hid_t, void* n) -> herr_t {
    ++*static_cast<int*>(n);
    return 0;
  };
  EXPECT_GE(H5DSiterate_scales(by_hood, 1, nullptr, count, &step_users), 0);
  EXPECT_EQ(step_users, 1);  // one scale on that dimension
  const Handle attr(H5Aopen(step, "REFERENCE_LIST", H5P_DEFAULT), H5Aclose);
  ASSERT_TRUE(attr.valid());
  const Handle space(H5Aget_space(attr), H5Sclose);
  EXPECT_EQ(H5Sget_simple_extent_npoints(space), static_cast<hssize_t>(r.metrics.size() + 1));
}
