#include "stats/coarse_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace s3storm::stats {

namespace {
constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << CoarseHistogram::kSubBucketBits;
}  // namespace

std::size_t CoarseHistogram::bucket_index(std::uint64_t value) noexcept {
  if (value < kSubBuckets) return static_cast<std::size_t>(value);
  const unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1;  // >= 3
  const std::uint64_t sub = (value >> (exponent - kSubBucketBits)) & (kSubBuckets - 1);
  const std::size_t index = kSubBuckets + (exponent - kSubBucketBits) * kSubBuckets + sub;
  return std::min(index, kBucketCount - 1);
}

std::uint64_t CoarseHistogram::bucket_highest(std::size_t index) noexcept {
  if (index < kSubBuckets) return index;
  if (index >= kBucketCount - 1) return std::numeric_limits<std::uint64_t>::max();
  const std::size_t exponent = (index - kSubBuckets) / kSubBuckets + kSubBucketBits;
  const std::uint64_t sub = (index - kSubBuckets) % kSubBuckets;
  const std::uint64_t width = std::uint64_t{1} << (exponent - kSubBucketBits);
  return (std::uint64_t{1} << exponent) + (sub + 1) * width - 1;
}

void CoarseHistogram::record(std::uint64_t value) {
  add(bucket_index(value), 1);
}

void CoarseHistogram::add(std::size_t index, std::uint64_t count) {
  if (index >= kBucketCount) {
    throw std::invalid_argument("latency bucket " + std::to_string(index) + " is out of range");
  }
  if (count == 0) return;
  const auto at = std::lower_bound(buckets_.begin(), buckets_.end(), index,
                                   [](const Bucket& b, std::size_t i) { return b.index < i; });
  if (at != buckets_.end() && at->index == index) {
    at->count += count;
  } else {
    buckets_.insert(at, Bucket{static_cast<std::uint8_t>(index), count});
  }
}

void CoarseHistogram::merge(const CoarseHistogram& other) {
  for (const Bucket& b : other.buckets_) add(b.index, b.count);
}

std::uint64_t CoarseHistogram::count() const noexcept {
  std::uint64_t total = 0;
  for (const Bucket& b : buckets_) total += b.count;
  return total;
}

std::uint64_t CoarseHistogram::value_at_percentile(double percentile,
                                                   std::uint64_t max_value) const noexcept {
  const std::uint64_t total = count();
  if (total == 0) return 0;
  const double fraction = std::clamp(percentile, 0.0, 100.0) / 100.0;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(total))));
  std::uint64_t seen = 0;
  for (const Bucket& b : buckets_) {
    seen += b.count;
    if (seen >= rank) return std::min(bucket_highest(b.index), max_value);
  }
  return max_value;
}

}  // namespace s3storm::stats
