#pragma once
// Bad input, from any layer: a scenario key, a graph file, an output file read
// back, a command-line value. The message names the file (and line and key
// where there is one), what was wrong and what is allowed; the CLI turns it
// into exit code 2 before any output file exists.
#include <stdexcept>
#include <string>
#include <vector>

namespace gs {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parameter values, each allowed on its own, for which the model has no valid
// state (a baseline that influence alone exceeds, say): bad input to a run,
// but to a calibration a point outside the model's domain, whose particle is
// rejected (the prior is then the declared one restricted to the domain).
class InfeasibleParameters : public InputError {
 public:
  using InputError::InputError;
};

// Closest candidate within a small edit distance, or "" when none is close:
// the "did you mean" of an error message.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace gs
