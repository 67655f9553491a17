// A function with known sensitivity indices, for checking `groundswell
// sensitivity` end to end: its one metric, `value`, is f(x1..x8) at every
// step, whatever the graph. Not a model of anything.
//
// ishigami: f = sin x1 + a sin^2 x2 + b x3^4 sin x1 (Ishigami & Homma 1990),
//   x_i uniform on [-pi, pi]; with a = 7, b = 0.1 the first-order indices are
//   0.314, 0.442, 0 and the total-order 0.558, 0.442, 0.244 (Saltelli et al.
//   2008, Global Sensitivity Analysis: The Primer, sec. 4.8). x4..x8 are unused.
// g_function: f = prod_i (|4 x_i - 2| + a_i) / (1 + a_i) (Sobol' 1993, the
//   "G-function"), x_i uniform on [0, 1], with a = 0, 1, 4.5, 9, 99, 99, 99, 99
//   (the coefficients of Saltelli et al. 2010, Comput. Phys. Commun. 181: 259).
//   Partial variances V_i = 1 / (3 (1 + a_i)^2) give the indices analytically.
// Docs: docs/sensitivity.md.
#include <array>
#include <cmath>

#include "sim/engine/model.hpp"

namespace gs {
namespace {

// The G-function's coefficients a_i: the smaller, the more x_i matters.
constexpr std::array<double, 8> g_function_coefficients = {0, 1, 4.5, 9, 99, 99, 99, 99};

constexpr int inputs = 8;

std::string input_name(std::size_t i) {
  std::string name = "x";  // built with += : GCC 12 warns falsely (-Wrestrict) on "x" + string
  name += std::to_string(i + 1);
  return name;
}

class TestFunction final : public Model {
 public:
  TestFunction(const ParamValues& params, const World&)
      : ishigami_(params.text("function") == "ishigami"), a_(params.real("ishigami_a")), b_(params.real("ishigami_b")) {
    for (std::size_t i = 0; i < x_.size(); ++i) x_[i] = params.real(input_name(i));
  }

  void initialise(const StepContext&) override {}
  void step(const StepContext&) override {}

  void measure(std::span<double> out) const override { out[0] = ishigami_ ? ishigami() : g_function(); }

  // The inputs are its whole state: nothing changes between steps.
  std::vector<StateArray> state_arrays() override { return {state_value("inputs", x_)}; }

 private:
  double ishigami() const {
    const double s2 = std::sin(x_[1]);
    return std::sin(x_[0]) + a_ * s2 * s2 + b_ * std::pow(x_[2], 4) * std::sin(x_[0]);
  }

  double g_function() const {
    double product = 1.0;
    for (std::size_t i = 0; i < x_.size(); ++i) {
      const double a = g_function_coefficients[i];
      product *= (std::fabs(4.0 * x_[i] - 2.0) + a) / (1.0 + a);
    }
    return product;
  }

  bool ishigami_;
  double a_, b_;
  std::array<double, inputs> x_{};
};

std::vector<ParamSpec> test_function_params() {
  std::vector<ParamSpec> specs = {
      ParamSpec::choice("function", "ishigami", {"ishigami", "g_function"})
          .describe("ishigami: sin x1 + a sin^2 x2 + b x3^4 sin x1; g_function: Sobol' G with a = 0, 1, 4.5, 9, 99..."),
      ParamSpec::real("ishigami_a", 7.0).describe("Ishigami's a (7 in the standard test)"),
      ParamSpec::real("ishigami_b", 0.1).describe("Ishigami's b (0.1 in the standard test)"),
  };
  for (std::size_t i = 0; i < inputs; ++i)
    specs.push_back(ParamSpec::real(input_name(i), 0.0)
                        .range(-1e6, 1e6)
                        .describe("An input (ishigami: in [-pi, pi]; g_function: in [0, 1])"));
  return specs;
}

}  // namespace
}  // namespace gs

GROUNDSWELL_REGISTER_MODEL(test_function, "test_function",
                           "Ishigami or Sobol' G-function of x1..x8, for checking sensitivity analysis (no agents)",
                           gs::test_function_params(), {{"value", "f(x1..x8), the same at every step", ""}},
                           [](const gs::ParamValues& p, const gs::World& w) -> std::unique_ptr<gs::Model> {
                             return std::make_unique<gs::TestFunction>(p, w);
                           })
