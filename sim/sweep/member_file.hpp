#pragma once
// Reading back what a sweep needs from a member's output file.
#include <string>

namespace gs {

// True when `path` is an HDF5 file whose root attribute complete = 1 (written
// last by write_output), so the run that made it finished.
bool member_file_complete(const std::string& path);

// The root attribute scenario_yaml, or "" when it cannot be read.
std::string member_file_scenario(const std::string& path);

}  // namespace gs
