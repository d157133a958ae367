#pragma once

// The clocks the load side reads: steady time for latencies and schedules, system time for the
// x-amz-date and the per-second series. Production reads the machine's clocks; a unit test hands
// in a ManualTime and moves it by hand, so a latency is an exact number. Not virtual: the real
// clocks cost one well-predicted branch per read, and the request path reads them a few times.

#include <chrono>

namespace s3storm {

struct ManualTime {
  std::chrono::steady_clock::time_point steady{std::chrono::hours(1)};
  std::chrono::system_clock::time_point system{std::chrono::seconds(1'767'225'600)};  // 2026-01-01

  // Both clocks move together, as real ones do.
  void advance(std::chrono::steady_clock::duration by) {
    steady += by;
    system += std::chrono::duration_cast<std::chrono::system_clock::duration>(by);
  }
};

class TimeSource {
 public:
  TimeSource() = default;  // the machine's clocks
  // Reads `manual`, which must outlive every copy of this source.
  explicit TimeSource(const ManualTime& manual) : manual_(&manual) {}

  std::chrono::steady_clock::time_point steady() const {
    return manual_ == nullptr ? std::chrono::steady_clock::now() : manual_->steady;
  }
  std::chrono::system_clock::time_point system() const {
    return manual_ == nullptr ? std::chrono::system_clock::now() : manual_->system;
  }

 private:
  const ManualTime* manual_ = nullptr;
};

}  // namespace s3storm
