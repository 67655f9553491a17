// libFuzzer target: any bytes as a scenario file. Bad input must end in
// gs::InputError; any other exception, crash, hang or sanitizer report is a
// bug. Run with scripts/fuzz.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    gs::load_scenario_text(text, "fuzz.yaml");
  } catch (const gs::InputError&) {
  }
  return 0;
}
