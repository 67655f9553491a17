// libFuzzer target: any bytes as one --set argument on a valid scenario.
// Overrides are checked like file values: only gs::InputError may come out.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sim/scenario/scenario.hpp"

namespace {
const char* const base = R"(name: fuzz
steps: 3
graph:
  type: community
  population: 2000
model:
  type: organising
  organisers:
    count: 5
)";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    gs::load_scenario_text(base, "fuzz.yaml", {text});
  } catch (const gs::InputError&) {
  }
  return 0;
}
