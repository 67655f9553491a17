// Reading output files: bad files are InputErrors that name the file.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "sim/io/read.hpp"
#include "sim/scenario/scenario.hpp"

namespace gs {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test, removed afterwards.
class ReadOutput : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("gs_test_read_" + std::to_string(::getpid()) + "_" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  fs::path scratch(const std::string& name) const { return dir / name; }
};

void expect_input_error_naming(const std::string& path, const std::string& words) {
  try {
    read_output_info(path);
    FAIL() << "no error for " << path;
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find(words), std::string::npos) << what;
  }
}

TEST_F(ReadOutput, MissingFile) { expect_input_error_naming(scratch("absent.h5").string(), "no such file"); }

TEST_F(ReadOutput, TextFileIsNotHdf5) {
  const fs::path p = scratch("text.h5");
  std::ofstream(p) << "name: not an output\n";
  expect_input_error_naming(p.string(), "not an HDF5 file");
}

TEST_F(ReadOutput, ForeignHdf5FileIsNotAnOutput) {
  const fs::path p = scratch("foreign.h5");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  expect_input_error_naming(p.string(), "not a Groundswell output file");
}

TEST_F(ReadOutput, TruncatedRealOutput) {
  // A real run, cut in half as an interrupted copy would leave it.
  const fs::path full = scratch("full.h5"), cut = scratch("cut.h5");
  fs::remove(full);
  const std::string cmd = std::string(GROUNDSWELL_BINARY) + " run " + GROUNDSWELL_SOURCE_DIR +
                          "/scenarios/policy/town_baseline.yaml --set population_scale=0.02 --set steps=3 "
                          "--set replicates=2 -q -o " +
                          full.string() + " > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const OutputInfo info = read_output_info(full.string());
  EXPECT_EQ(info.steps, 3u);
  EXPECT_EQ(info.replicates, 2u);
  EXPECT_NE(std::find(info.metrics.begin(), info.metrics.end(), "participation"), info.metrics.end());
  const MetricData d = read_metric(full.string(), "participation");
  EXPECT_EQ(d.values.size(), 2u * 4u);
  EXPECT_EQ(d.units, "share");
  EXPECT_THROW(read_metric(full.string(), "no_such_metric"), InputError);

  std::ifstream in(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  expect_input_error_naming(cut.string(), "truncated");
}

}  // namespace
}  // namespace gs
