// The batched first draws must be exactly the draws a gs::Stream gives, for
// any agent offset, batch length and purpose mix, and for every vector
// variant (forced one at a time), so that the model's results do not depend
// on which code path drew them.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "models/organising/batch_draws.hpp"
#include "sim/core/cpu_features.hpp"
#include "sim/core/random.hpp"

namespace {

using gs::VectorLevel;

void expect_batches_match_streams() {
  using gs::organising::draw_batch;
  const std::uint64_t seeds[] = {0, 2011, 0xFFFFFFFFFFFFFFFFull, 0x123456789ABCDEF0ull};
  const std::uint32_t agents[] = {0, 4095, 0xFFFFFF00u};
  for (std::uint64_t seed : seeds)
    for (std::uint32_t agent0 : agents)
      for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{13}, std::size_t{16},
                            std::size_t{33}, std::size_t{100}, draw_batch}) {
        std::vector<std::uint32_t> purpose(n);
        for (std::size_t i = 0; i < n; ++i) purpose[i] = 1 + static_cast<std::uint32_t>(i * 7 % 5);
        // The dispatched path (the forced variant) and the portable one.
        std::vector<double> u(n, -1.0), portable(n, -1.0);
        gs::organising::first_uniforms(seed, 3, 17, agent0, purpose.data(), n, u.data());
        gs::organising::first_uniforms_portable(seed, 3, 17, agent0, purpose.data(), n, portable.data());
        for (std::size_t i = 0; i < n; ++i) {
          gs::Stream rng(seed, 3, 17, agent0 + static_cast<std::uint32_t>(i), purpose[i]);
          const double expected = rng.uniform();
          ASSERT_EQ(u[i], expected) << gs::vector_level_name(gs::vector_level()) << ", seed " << seed << " agent "
                                    << agent0 + i << " of " << n;
          ASSERT_EQ(portable[i], expected) << "portable, seed " << seed << " agent " << agent0 + i;
        }
      }
}

class BatchDraws : public ::testing::TestWithParam<VectorLevel> {
 protected:
  void TearDown() override { gs::force_vector_level(std::nullopt); }
};

TEST_P(BatchDraws, MatchStreams) {
  if (!gs::host_supports(GetParam()))
    GTEST_SKIP() << "this CPU lacks " << gs::vector_level_name(GetParam()) << " (it runs "
                 << gs::vector_level_name(gs::host_vector_level()) << ")";
  gs::force_vector_level(GetParam());
  expect_batches_match_streams();
}

INSTANTIATE_TEST_SUITE_P(Organising, BatchDraws,
                         ::testing::Values(VectorLevel::baseline, VectorLevel::avx2, VectorLevel::avx512),
                         [](const auto& info) { return std::string(gs::vector_level_name(info.param)); });

}  // namespace
