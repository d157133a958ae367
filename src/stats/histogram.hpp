#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace s3storm::stats {

// A log-linear (HDR-style) histogram of unsigned integer values, normally microseconds.
//
// Values below 2^kSubBucketBits are counted exactly; above that every power-of-two range is cut
// into 2^(kSubBucketBits-1) equal buckets, so any recorded value is known to within 1/1024 of
// itself (better than 3 significant digits). The trackable range is 0 .. 2^32-1 (about 71 minutes
// in microseconds); larger values are still counted (count, min, max, mean stay exact) but fall
// into one overflow bucket whose only known value is max().
//
// The bucket array (184 KiB) is allocated by the first record(), merge() or add_live() that brings
// a value, or by allocate(): a live view copies only the histograms that hold something, and an
// operation kind a worker never runs costs no memory. Afterwards record() touches that fixed array:
// no allocation, no locks. One thread writes a histogram; while it does, other threads may read it
// through add_live() (every word is written as a relaxed atomic, see relaxed.hpp, which costs the
// writer nothing), so such a histogram is allocate()d before the reader can see it. Threads'
// histograms are merged exactly at the end (bucket counts are added).
class Histogram {
 public:
  static constexpr unsigned kSubBucketBits = 11;
  static constexpr std::uint64_t kMaxTrackable = (std::uint64_t{1} << 32) - 1;
  static constexpr std::size_t kBucketCount = 23552;  // see bucket_index()

  Histogram() = default;
  // Allocates the buckets now, so that no later record() allocates (a histogram another thread
  // reads live must never change its array under the reader).
  void allocate();
  // Whether the buckets are there (only the writer may ask while it records).
  bool allocated() const noexcept { return !counts_.empty(); }

  void record(std::uint64_t value) noexcept { record_n(value, 1); }
  void record_n(std::uint64_t value, std::uint64_t n) noexcept;
  void merge(const Histogram& other) noexcept;
  // merge() of a histogram its writer may still be recording into, from another thread. The
  // count is the sum of the buckets read, so percentiles stay consistent with them; a value
  // recorded during the read may be counted or not.
  void add_live(const Histogram& other) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const noexcept { return max_; }
  double mean() const noexcept;
  std::uint64_t sum() const noexcept { return sum_; }
  // The smallest bucket bound such that at least `percentile`% of values are <= it, clamped to
  // [min(), max()]; 0 when empty. percentile outside [0,100] is clamped.
  std::uint64_t value_at_percentile(double percentile) const noexcept;
  std::uint64_t overflow_count() const noexcept { return overflow_; }
  // For each bound (ascending), how many values are <= it, counting a bucket only when its
  // highest value is <= the bound (so a bound between a bucket's values, which can only happen
  // above 2^kSubBucketBits, errs by at most 1/1024 of it). One pass over the buckets.
  void counts_at_or_below(const std::uint64_t* bounds, std::size_t n,
                          std::uint64_t* counts) const noexcept;
  void reset() noexcept;

  // Lossless export/import, for serialization (report's histogram_to_json and
  // histogram_from_json).
  struct Data {
    std::uint64_t min = 0;  // of all values, overflow included
    std::uint64_t max = 0;
    std::uint64_t sum = 0;
    std::uint64_t overflow = 0;
    std::vector<std::pair<std::uint32_t, std::uint64_t>> counts;  // (bucket index, count), count>0
  };
  Data export_data() const;
  // Throws std::invalid_argument if the data could not have come from export_data().
  static Histogram from_data(const Data& data);

  // Bucket geometry, public for tests and serialization.
  static std::size_t bucket_index(std::uint64_t value) noexcept;    // value <= kMaxTrackable
  static std::uint64_t bucket_lowest(std::size_t index) noexcept;   // smallest value in bucket
  static std::uint64_t bucket_highest(std::size_t index) noexcept;  // largest value in bucket

  // Same values: an unallocated histogram equals an allocated empty one.
  friend bool operator==(const Histogram& a, const Histogram& b) noexcept;

 private:
  std::vector<std::uint64_t> counts_;  // empty, or kBucketCount entries (allocated once)
  std::uint64_t count_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
  std::uint64_t sum_ = 0;
};

}  // namespace s3storm::stats
