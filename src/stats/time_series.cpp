#include "stats/time_series.hpp"

#include <algorithm>

namespace s3storm::stats {

TimeSeries::Second* TimeSeries::slot(std::int64_t epoch_second) noexcept {
  // Growth allocates at most a few times per run (amortized doubling), never per operation.
  try {
    if (seconds_.empty()) {
      start_ = epoch_second;
      seconds_.resize(1);
      return &seconds_[0];
    }
    if (epoch_second < start_) {
      const auto extra = static_cast<std::uint64_t>(start_ - epoch_second);
      if (extra + seconds_.size() > kMaxSeconds) return nullptr;
      seconds_.insert(seconds_.begin(), static_cast<std::size_t>(extra), Second{});
      start_ = epoch_second;
      return &seconds_[0];
    }
    const auto offset = static_cast<std::uint64_t>(epoch_second - start_);
    if (offset >= kMaxSeconds) return nullptr;
    if (offset >= seconds_.size()) seconds_.resize(static_cast<std::size_t>(offset) + 1);
    return &seconds_[static_cast<std::size_t>(offset)];
  } catch (...) {
    return nullptr;  // out of memory: counted as out of range rather than thrown into the engine
  }
}

void TimeSeries::record(std::int64_t epoch_second, bool ok, std::uint64_t bytes,
                        std::uint64_t latency_us) noexcept {
  Second* s = slot(epoch_second);
  if (s == nullptr) {
    ++out_of_range_;
    return;
  }
  ++s->count;
  if (!ok) ++s->errors;
  s->bytes += bytes;
  s->latency_max_us = std::max(s->latency_max_us, latency_us);
  s->latency_sum_us += latency_us;
  try {
    s->latency.record(latency_us);
  } catch (...) {
    // Out of memory for one more bucket: this second's percentiles leave the value out (its
    // count, mean and maximum above still have it) rather than throwing into the engine.
  }
}

void TimeSeries::add(std::int64_t epoch_second, const Second& totals) noexcept {
  if (totals == Second{}) return;
  Second* s = slot(epoch_second);
  if (s == nullptr) {
    out_of_range_ += totals.count;
    return;
  }
  s->count += totals.count;
  s->errors += totals.errors;
  s->bytes += totals.bytes;
  s->latency_max_us = std::max(s->latency_max_us, totals.latency_max_us);
  s->latency_sum_us += totals.latency_sum_us;
  try {
    s->latency.merge(totals.latency);
  } catch (...) {
    // As in record(): the percentiles of this second lose these values, nothing else does.
  }
}

void TimeSeries::add_counts(std::int64_t epoch_second, std::uint64_t count,
                            std::uint64_t errors) noexcept {
  Second totals;
  totals.count = count;
  totals.errors = errors;
  add(epoch_second, totals);
}

void TimeSeries::merge(const TimeSeries& other) noexcept {
  for (std::size_t i = 0; i < other.seconds_.size(); ++i) {
    add(other.start_ + static_cast<std::int64_t>(i), other.seconds_[i]);
  }
  out_of_range_ += other.out_of_range_;
}

}  // namespace s3storm::stats
