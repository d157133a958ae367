#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace s3storm::stats {

// The latency distribution of one second of a time series, small enough to keep for every
// second of a day-long run. Eight buckets per power of two (a value is known to within 1/8 of
// itself), stored sparsely: one second's latencies fall into a few dozen buckets at most, so a
// second costs a few hundred bytes where a full Histogram would cost 188 KB. Bucket counts add, so
// seconds of different workers, phases and shards merge exactly.
class CoarseHistogram {
 public:
  static constexpr unsigned kSubBucketBits = 3;
  // Values up to 2^32-1 (71 minutes in microseconds) have buckets of their own (0..239); larger
  // ones share the last bucket, whose upper bound is then the second's maximum.
  static constexpr std::size_t kBucketCount = 241;

  struct Bucket {
    std::uint8_t index = 0;
    std::uint64_t count = 0;
    friend bool operator==(const Bucket&, const Bucket&) = default;
  };

  void record(std::uint64_t value);
  // Adds `count` values to bucket `index` (merge and deserialization). Throws
  // std::invalid_argument for an index >= kBucketCount.
  void add(std::size_t index, std::uint64_t count);
  void merge(const CoarseHistogram& other);

  std::uint64_t count() const noexcept;
  // The upper bound of the bucket holding the percentile's value, clamped to `max_value` (the
  // second's exact maximum, which the time series keeps); 0 when empty.
  std::uint64_t value_at_percentile(double percentile, std::uint64_t max_value) const noexcept;
  const std::vector<Bucket>& buckets() const noexcept { return buckets_; }  // ascending index

  static std::size_t bucket_index(std::uint64_t value) noexcept;
  static std::uint64_t bucket_highest(std::size_t index) noexcept;

  friend bool operator==(const CoarseHistogram&, const CoarseHistogram&) = default;

 private:
  std::vector<Bucket> buckets_;
};

}  // namespace s3storm::stats
