#include "stats/coarse_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace s3storm::stats {
namespace {

TEST(CoarseHistogram, EveryValueLiesInItsBucketWithinAnEighth) {
  std::uint64_t previous_highest = 0;
  for (std::size_t index = 0; index + 1 < CoarseHistogram::kBucketCount; ++index) {
    const std::uint64_t highest = CoarseHistogram::bucket_highest(index);
    EXPECT_EQ(CoarseHistogram::bucket_index(highest), index);
    if (index > 0) {
      const std::uint64_t lowest = previous_highest + 1;  // buckets are contiguous
      EXPECT_EQ(CoarseHistogram::bucket_index(lowest), index);
      EXPECT_LE(highest - lowest, lowest / 8) << index;
    }
    previous_highest = highest;
  }
  EXPECT_EQ(previous_highest, (std::uint64_t{1} << 32) - 1);
  EXPECT_EQ(CoarseHistogram::bucket_index(std::uint64_t{1} << 32),
            CoarseHistogram::kBucketCount - 1);
  EXPECT_EQ(CoarseHistogram::bucket_index(std::numeric_limits<std::uint64_t>::max()),
            CoarseHistogram::kBucketCount - 1);
}

TEST(CoarseHistogram, PercentilesAreWithinAnEighthOfTheExactOnes) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency(8.0, 1.0);  // around 3 ms, a long tail
  CoarseHistogram h;
  std::vector<std::uint64_t> values;
  for (int i = 0; i < 20'000; ++i) {
    values.push_back(static_cast<std::uint64_t>(latency(random)));
    h.record(values.back());
  }
  std::sort(values.begin(), values.end());
  EXPECT_EQ(h.count(), values.size());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9}) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100 * values.size())) - 1;
    const double exact = static_cast<double>(values[rank]);
    const double coarse = static_cast<double>(h.value_at_percentile(p, values.back()));
    EXPECT_GE(coarse, exact) << p;
    EXPECT_LE(coarse, exact * 1.125 + 1) << p;
  }
  EXPECT_EQ(h.value_at_percentile(100, values.back()), values.back());
  EXPECT_LT(h.buckets().size(), 100u);  // sparse: only the buckets used
}

TEST(CoarseHistogram, MergeIsExactAndOrderDoesNotMatter) {
  CoarseHistogram a, b, all;
  for (std::uint64_t v : {std::uint64_t{3}, std::uint64_t{900}, std::uint64_t{120'000}}) {
    a.record(v);
    all.record(v);
  }
  for (std::uint64_t v : {std::uint64_t{900}, std::uint64_t{4}, std::uint64_t{7'000'000'000}}) {
    b.record(v);
    all.record(v);
  }
  CoarseHistogram ab = a, ba = b;
  ab.merge(b);
  ba.merge(a);
  EXPECT_EQ(ab, all);
  EXPECT_EQ(ba, all);
  EXPECT_EQ(all.count(), 6u);
  // The overflow bucket's bound is the maximum the caller knows.
  EXPECT_EQ(all.value_at_percentile(100, 7'000'000'000u), 7'000'000'000u);
}

TEST(CoarseHistogram, EmptyAndOutOfRange) {
  CoarseHistogram h;
  EXPECT_EQ(h.value_at_percentile(99, 5), 0u);
  EXPECT_THROW(h.add(CoarseHistogram::kBucketCount, 1), std::invalid_argument);
  h.add(0, 0);
  EXPECT_TRUE(h.buckets().empty());
}

}  // namespace
}  // namespace s3storm::stats
