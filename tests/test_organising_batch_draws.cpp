// The batched first draws must be exactly the draws a gs::Stream gives, for
// any agent offset, batch length and purpose mix, so that the model's results
// do not depend on which code path drew them.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "models/organising/batch_draws.hpp"
#include "sim/core/random.hpp"

TEST(Organising, BatchDrawsMatchStreams) {
  using gs::organising::draw_batch;
  const std::uint64_t seeds[] = {0, 2011, 0xFFFFFFFFFFFFFFFFull, 0x123456789ABCDEF0ull};
  const std::uint32_t agents[] = {0, 4095, 0xFFFFFF00u};
  for (std::uint64_t seed : seeds)
    for (std::uint32_t agent0 : agents)
      for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{8}, std::size_t{13}, draw_batch}) {
        std::vector<std::uint32_t> purpose(n);
        for (std::size_t i = 0; i < n; ++i) purpose[i] = 1 + static_cast<std::uint32_t>(i * 7 % 5);
        // The path this CPU takes (vector where it can) and the portable one.
        std::vector<double> u(n, -1.0), portable(n, -1.0);
        gs::organising::first_uniforms(seed, 3, 17, agent0, purpose.data(), n, u.data());
        gs::organising::first_uniforms_portable(seed, 3, 17, agent0, purpose.data(), n, portable.data());
        for (std::size_t i = 0; i < n; ++i) {
          gs::Stream rng(seed, 3, 17, agent0 + static_cast<std::uint32_t>(i), purpose[i]);
          const double expected = rng.uniform();
          ASSERT_EQ(u[i], expected) << "seed " << seed << " agent " << agent0 + i;
          ASSERT_EQ(portable[i], expected) << "portable, seed " << seed << " agent " << agent0 + i;
        }
      }
}
