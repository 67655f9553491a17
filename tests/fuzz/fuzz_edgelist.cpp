// libFuzzer target: any bytes as an edge-list file for the edgelist graph
// generator. Bad input must end in gs::InputError; any other exception,
// crash, hang or sanitizer report is a bug. Run with scripts/fuzz.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "sim/graph/generator.hpp"
#include "sim/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The generator reads a path, so the input goes through a file.
  static const std::string path = "/tmp/groundswell-fuzz-edges-" + std::to_string(::getpid()) + ".txt";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);
  std::fclose(f);
  const gs::GraphGeneratorInfo* edgelist = gs::GraphRegistry::instance().find("edgelist");
  if (!edgelist) return 0;
  gs::ParamValues params;
  params.set("path", path);
  params.set("directed", size % 2 == 1);
  try {
    edgelist->generate(params, 1);
  } catch (const gs::InputError&) {
  }
  return 0;
}
