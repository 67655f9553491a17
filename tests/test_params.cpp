#include "sim/core/params.hpp"

#include <gtest/gtest.h>

using namespace gs;

TEST(Params, FormatRealRoundTrips) {
  EXPECT_EQ(format_real(0.1), "0.1");
  EXPECT_EQ(format_real(3.0), "3.0");
  EXPECT_EQ(std::stod(format_real(0.0062)), 0.0062);
}

TEST(Params, AllowedTextNamesTheRange) {
  auto spec = ParamSpec::integer("count", 5).range(0, 10);
  EXPECT_EQ(spec.allowed(), "an integer from 0 to 10");
  auto choice = ParamSpec::choice("placement", "uniform", {"uniform", "proportional"});
  EXPECT_EQ(choice.allowed(), "one of uniform, proportional");
}

TEST(Params, IntegersReadAsReals) {
  ParamValues v;
  v.set("n", std::int64_t{7});
  EXPECT_DOUBLE_EQ(v.real("n"), 7.0);
  EXPECT_THROW(v.integer("missing"), std::logic_error);
}
