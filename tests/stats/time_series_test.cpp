#include "stats/time_series.hpp"

#include <gtest/gtest.h>

namespace s3storm::stats {
namespace {

TEST(TimeSeries, BucketsByEpochSecondIncludingEarlierOnes) {
  TimeSeries t;
  t.record(100, true, 10, 5);
  t.record(102, false, 0, 7);
  t.record(98, true, 1, 3);  // a completion reported late, before the first one seen
  EXPECT_EQ(t.start(), 98);
  ASSERT_EQ(t.seconds().size(), 5u);
  EXPECT_EQ(t.seconds()[0].count, 1u);
  EXPECT_EQ(t.seconds()[1].count, 0u);
  EXPECT_EQ(t.seconds()[2].bytes, 10u);
  EXPECT_EQ(t.seconds()[4].errors, 1u);
  EXPECT_EQ(t.seconds()[4].latency_max_us, 7u);
  EXPECT_EQ(t.out_of_range(), 0u);
}

TEST(TimeSeries, MergeAlignsOnWallClockSeconds) {
  TimeSeries a, b, all;
  a.record(1000, true, 1, 10);
  a.record(1001, true, 1, 20);
  b.record(999, true, 2, 30);
  b.record(1001, false, 0, 40);
  for (auto [s, ok, bytes, lat] : {std::tuple{1000, true, 1, 10}, std::tuple{1001, true, 1, 20},
                                   std::tuple{999, true, 2, 30}, std::tuple{1001, false, 0, 40}}) {
    all.record(s, ok, static_cast<std::uint64_t>(bytes), static_cast<std::uint64_t>(lat));
  }
  a.merge(b);
  EXPECT_EQ(a, all);
  EXPECT_EQ(a.start(), 999);
  EXPECT_EQ(a.seconds()[2].count, 2u);
  EXPECT_EQ(a.seconds()[2].latency_max_us, 40u);
  EXPECT_EQ(a.seconds()[2].latency_sum_us, 60u);
  // Each second's latency distribution merges exactly too.
  EXPECT_EQ(a.seconds()[2].latency.count(), 2u);
  EXPECT_EQ(a.seconds()[2].latency.value_at_percentile(99, 40), 40u);
  EXPECT_EQ(a.seconds()[2].latency.value_at_percentile(50, 40),
            CoarseHistogram::bucket_highest(CoarseHistogram::bucket_index(20)));
}

TEST(TimeSeries, StaysWithinADayAndCountsWhatItCannotStore) {
  TimeSeries t;
  t.record(0, true, 0, 1);
  t.record(TimeSeries::kMaxSeconds - 1, true, 0, 1);
  t.record(TimeSeries::kMaxSeconds, true, 0, 1);
  t.record(-1, true, 0, 1);
  EXPECT_EQ(t.seconds().size(), TimeSeries::kMaxSeconds);
  EXPECT_EQ(t.out_of_range(), 2u);
}

}  // namespace
}  // namespace s3storm::stats
