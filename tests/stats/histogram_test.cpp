#include "stats/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace s3storm::stats {
namespace {

// Nearest-rank percentile from sorted data, with the percentile given in tenths of a percent so
// the rank is computed in integers (an oracle independent of the histogram's arithmetic).
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, std::uint64_t tenths) {
  const std::uint64_t n = sorted.size();
  std::uint64_t rank = (tenths * n + 999) / 1000;
  rank = std::clamp<std::uint64_t>(rank, 1, n);
  return sorted[rank - 1];
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.value_at_percentile(50), 0u);
  EXPECT_EQ(h.overflow_count(), 0u);
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (std::uint64_t v = 0; v < 2048; ++v) h.record(v);
  EXPECT_EQ(h.count(), 2048u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 2047u);
  EXPECT_EQ(h.value_at_percentile(50), 1023u);
  EXPECT_EQ(h.value_at_percentile(100), 2047u);
  EXPECT_DOUBLE_EQ(h.mean(), 1023.5);
}

TEST(Histogram, BucketGeometryIsContiguousAndCoversTheRange) {
  EXPECT_EQ(Histogram::bucket_lowest(0), 0u);
  for (std::size_t i = 1; i < Histogram::kBucketCount; ++i) {
    ASSERT_EQ(Histogram::bucket_lowest(i), Histogram::bucket_highest(i - 1) + 1) << i;
    ASSERT_EQ(Histogram::bucket_index(Histogram::bucket_lowest(i)), i);
    ASSERT_EQ(Histogram::bucket_index(Histogram::bucket_highest(i)), i);
  }
  EXPECT_EQ(Histogram::bucket_highest(Histogram::kBucketCount - 1), Histogram::kMaxTrackable);
  // One hour in microseconds is inside the trackable range.
  EXPECT_LT(Histogram::bucket_index(3'600'000'000ull), Histogram::kBucketCount);
}

TEST(Histogram, EveryBucketIsNarrowerThanAThousandthOfItsValues) {
  for (std::size_t i = 2048; i < Histogram::kBucketCount; ++i) {
    const double low = static_cast<double>(Histogram::bucket_lowest(i));
    const double width = static_cast<double>(Histogram::bucket_highest(i)) - low + 1;
    ASSERT_LE(width / low, 1.0 / 1024 + 1e-12) << i;
  }
}

class HistogramAccuracy : public ::testing::TestWithParam<int> {};

// Against sorted exact data: each percentile within 0.1% (3 significant digits) above the truth
// and never below it.
TEST_P(HistogramAccuracy, PercentilesWithinATenthOfAPercent) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(GetParam()));
  std::lognormal_distribution<double> latency(std::log(5000.0), 1.5);  // median 5 ms, long tail
  Histogram h;
  std::vector<std::uint64_t> values;
  const int n = 100'000;
  values.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto v = static_cast<std::uint64_t>(latency(rng));
    v = std::min<std::uint64_t>(v, Histogram::kMaxTrackable);
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (std::uint64_t tenths : {1ull, 100ull, 250ull, 500ull, 900ull, 990ull, 999ull, 1000ull}) {
    const auto truth = exact_percentile(values, tenths);
    const auto got = h.value_at_percentile(static_cast<double>(tenths) / 10.0);
    EXPECT_GE(got, truth) << tenths / 10.0;
    EXPECT_LE(static_cast<double>(got - truth), static_cast<double>(truth) * 0.001)
        << "p" << tenths / 10.0 << " truth " << truth << " got " << got;
  }
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.max(), values.back());
  long double sum = 0;
  for (auto v : values) sum += static_cast<long double>(v);
  EXPECT_NEAR(h.mean(), static_cast<double>(sum / n), 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Seeds, HistogramAccuracy, ::testing::Values(1, 2, 3, 42));

TEST(Histogram, P999OfAThousandIsTheNineHundredNinetyNinth) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
  EXPECT_EQ(h.value_at_percentile(99.9), 999u);
  EXPECT_EQ(h.value_at_percentile(99.99), 1000u);
  EXPECT_EQ(h.value_at_percentile(0), 1u);
}

TEST(Histogram, ValuesAboveTheRangeAreCountedNotDropped) {
  Histogram h;
  h.record(10);
  h.record(Histogram::kMaxTrackable);
  h.record(Histogram::kMaxTrackable + 1);
  h.record_n(10'000'000'000ull, 2);
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(h.overflow_count(), 3u);
  EXPECT_EQ(h.max(), 10'000'000'000ull);
  EXPECT_EQ(h.min(), 10u);
  EXPECT_EQ(h.value_at_percentile(10), 10u);
  EXPECT_EQ(h.value_at_percentile(50), 10'000'000'000ull);  // rank 3 is in the overflow
  EXPECT_EQ(h.value_at_percentile(100), 10'000'000'000ull);
  EXPECT_EQ(h.sum(), 10 + Histogram::kMaxTrackable * 2 + 1 + 20'000'000'000ull);
}

TEST(Histogram, RecordNEqualsNRecords) {
  Histogram a, b;
  a.record_n(12345, 7);
  for (int i = 0; i < 7; ++i) b.record(12345);
  EXPECT_EQ(a, b);
  a.record_n(99, 0);
  EXPECT_EQ(a, b);
}

TEST(Histogram, MergeIsExactlyTheHistogramOfTheUnion) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> dist(0, 5'000'000'000ull);
  Histogram a, b, all;
  for (int i = 0; i < 20'000; ++i) {
    const auto v = dist(rng);
    (i % 3 == 0 ? a : b).record(v);
    all.record(v);
  }
  Histogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged, all);
  EXPECT_EQ(merged.value_at_percentile(99), all.value_at_percentile(99));
  Histogram empty;
  merged.merge(empty);
  EXPECT_EQ(merged, all);
  empty.merge(all);
  EXPECT_EQ(empty, all);
}

TEST(Histogram, ResetEmptiesIt) {
  Histogram h;
  h.record(5);
  h.record(Histogram::kMaxTrackable + 5);
  h.reset();
  EXPECT_EQ(h, Histogram{});
}

TEST(Histogram, ExportImportRoundTripsExactly) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::uint64_t> dist(0, 6'000'000'000ull);
  Histogram h;
  for (int i = 0; i < 5'000; ++i) h.record(dist(rng));
  const auto data = h.export_data();
  EXPECT_EQ(Histogram::from_data(data), h);
  EXPECT_EQ(Histogram::from_data(Histogram{}.export_data()), Histogram{});
}

TEST(Histogram, ImportRejectsInconsistentData) {
  Histogram h;
  h.record(100);
  h.record(5000);
  auto good = h.export_data();

  auto bad_index = good;
  bad_index.counts.back().first = Histogram::kBucketCount;
  EXPECT_THROW(Histogram::from_data(bad_index), std::invalid_argument);

  auto unordered = good;
  std::swap(unordered.counts.front(), unordered.counts.back());
  EXPECT_THROW(Histogram::from_data(unordered), std::invalid_argument);

  auto bad_max = good;
  bad_max.max = 1'000'000;
  EXPECT_THROW(Histogram::from_data(bad_max), std::invalid_argument);

  auto bad_min = good;
  bad_min.min = 3;
  EXPECT_THROW(Histogram::from_data(bad_min), std::invalid_argument);

  auto zero = good;
  zero.counts.front().second = 0;
  EXPECT_THROW(Histogram::from_data(zero), std::invalid_argument);

  Histogram::Data empty_with_max;
  empty_with_max.max = 3;
  EXPECT_THROW(Histogram::from_data(empty_with_max), std::invalid_argument);
}

TEST(Histogram, CountsAtOrBelowBoundsAreCumulative) {
  Histogram h;
  for (std::uint64_t v : {100u, 500u, 501u, 2000u, 2500u, 40'000u, 70'000'000u}) h.record(v);
  h.record(Histogram::kMaxTrackable + 1);  // overflow: only the total knows it
  const std::uint64_t bounds[] = {99, 100, 500, 2500, 50'000, 60'000'000, Histogram::kMaxTrackable};
  std::uint64_t counts[std::size(bounds)] = {};
  h.counts_at_or_below(bounds, std::size(bounds), counts);
  // 2500 lies inside a 2-wide bucket [2500, 2501]: it is counted at the next bound (errs by
  // 1/1024).
  const std::uint64_t expected[] = {0, 1, 2, 4, 6, 6, 7};
  for (std::size_t i = 0; i < std::size(bounds); ++i) EXPECT_EQ(counts[i], expected[i]) << i;
}

TEST(Histogram, AddLiveEqualsMergeOnceTheWriterIsDone) {
  Histogram a;
  Histogram b;
  for (std::uint64_t v = 1; v < 100'000; v += 37) b.record(v);
  b.record(Histogram::kMaxTrackable + 5);
  Histogram merged = a;
  merged.merge(b);
  a.add_live(b);
  EXPECT_EQ(a, merged);
  Histogram empty;
  a.add_live(empty);
  EXPECT_EQ(a, merged);
}

TEST(Histogram, BucketsAreAllocatedOnlyWhenAValueNeedsThem) {
  Histogram unallocated;
  Histogram allocated;
  allocated.allocate();
  EXPECT_EQ(unallocated, allocated);
  // Only overflowed values: still no buckets, and a live read still sees them.
  Histogram overflowed;
  overflowed.record(Histogram::kMaxTrackable + 1);
  Histogram live;
  live.add_live(overflowed);
  EXPECT_EQ(live.count(), 1u);
  EXPECT_EQ(live.value_at_percentile(50), Histogram::kMaxTrackable + 1);
  EXPECT_EQ(live, overflowed);
  allocated.record(7);
  unallocated.record(7);
  EXPECT_EQ(unallocated, allocated);
  EXPECT_EQ(Histogram::from_data(unallocated.export_data()), allocated);
}

}  // namespace
}  // namespace s3storm::stats
