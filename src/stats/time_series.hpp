#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "stats/coarse_histogram.hpp"

namespace s3storm::stats {

// Per-wall-clock-second totals of one operation kind. Seconds are epoch seconds, so series
// recorded on different threads or machines merge by aligning on the same second.
class TimeSeries {
 public:
  struct Second {
    std::uint64_t count = 0;
    std::uint64_t errors = 0;
    std::uint64_t bytes = 0;
    std::uint64_t latency_max_us = 0;
    std::uint64_t latency_sum_us = 0;  // with count, the second's mean latency
    CoarseHistogram latency;           // the second's percentiles (p50, p99 over time)
    friend bool operator==(const Second&, const Second&) = default;
  };
  // Memory stays bounded: a series covers at most one day (a second is about 50 bytes plus 16 per
  // latency bucket it uses). Samples that would stretch it
  // further are not stored but counted in out_of_range().
  static constexpr std::size_t kMaxSeconds = 24 * 60 * 60;

  void record(std::int64_t epoch_second, bool ok, std::uint64_t bytes,
              std::uint64_t latency_us) noexcept;
  // Adds a whole second's totals (merge and deserialization use it).
  void add(std::int64_t epoch_second, const Second& totals) noexcept;
  void merge(const TimeSeries& other) noexcept;
  // Adds to a second's count and errors only (the events' series count, they time nothing).
  void add_counts(std::int64_t epoch_second, std::uint64_t count, std::uint64_t errors) noexcept;

  bool empty() const noexcept { return seconds_.empty(); }
  std::int64_t start() const noexcept { return start_; }  // epoch second of seconds()[0]
  const std::vector<Second>& seconds() const noexcept { return seconds_; }
  std::uint64_t out_of_range() const noexcept { return out_of_range_; }
  void add_out_of_range(std::uint64_t n) noexcept { out_of_range_ += n; }

  friend bool operator==(const TimeSeries&, const TimeSeries&) = default;

 private:
  // The slot for epoch_second, growing the series if needed; nullptr past kMaxSeconds.
  Second* slot(std::int64_t epoch_second) noexcept;

  std::int64_t start_ = 0;
  std::vector<Second> seconds_;
  std::uint64_t out_of_range_ = 0;
};

}  // namespace s3storm::stats
