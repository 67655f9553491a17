// Inputs that once crashed or hung the scenario loader (found by scripts/fuzz,
// kept in tests/data/fuzz/) and the bad-input catalogue, loaded in-process so
// the sanitizer build checks them too: each must load or throw InputError,
// nothing else.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/scenario.hpp"

namespace fs = std::filesystem;

namespace {
std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST(FuzzRegressions, EveryStoredInputLoadsOrIsRejectedCleanly) {
  const fs::path data = fs::path(GROUNDSWELL_SOURCE_DIR) / "tests" / "data";
  int files = 0;
  for (const char* dir : {"fuzz", "bad"}) {
    for (const auto& entry : fs::directory_iterator(data / dir)) {
      if (entry.path().extension() != ".yaml") continue;
      SCOPED_TRACE(entry.path().string());
      ++files;
      try {
        gs::load_scenario_text(read(entry.path()), entry.path().filename().string());
      } catch (const gs::InputError&) {
      } catch (const std::exception& e) {
        ADD_FAILURE() << "not an InputError: " << e.what();
      }
    }
  }
  EXPECT_GT(files, 40);
}
