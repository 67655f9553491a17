#pragma once
// DIR/sensitivity.h5 (layout: docs/sensitivity.md) and the printed table.
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/sensitivity.hpp"

namespace gs {

struct SensitivityResult {
  std::vector<std::vector<double>> outputs;  // [output][point]
  std::vector<SobolIndices> sobol;  // per output (method sobol)
  std::vector<MorrisEffects> morris;  // per output (method morris)
};

SensitivityResult analyse_sensitivity(const SensitivityFile& sa, const SensitivityDesign& design,
                                      std::vector<std::vector<double>> outputs);

// Written atomically; the bytes depend only on the file and the member data,
// so a serial and an MPI run give identical files.
void write_sensitivity_h5(const std::string& path, const SensitivityFile& sa, const SensitivityDesign& design,
                          const SensitivityResult& result);

// Per output, the parameters ranked by total effect (ST, or mu* for Morris).
void print_sensitivity_table(std::FILE* out, const SensitivityFile& sa, const SensitivityResult& result);

}  // namespace gs
