#pragma once

// When the i-th flow of an open-loop phase is meant to start, computed from the phase start and
// the rate curve alone, never from how the server is doing: a slow server cannot slow the
// schedule down, so its slowness shows up as latency (no coordinated omission).

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace s3storm::engine {

class OpenLoopSchedule {
 public:
  struct Ramp {
    double to_per_second = 0;
    std::chrono::nanoseconds over{};
  };

  // The rate starts at start_per_second, moves linearly through each ramp stage, then holds at the
  // last stage's rate.
  OpenLoopSchedule(double start_per_second, const std::vector<Ramp>& ramps);

  // Offset from the phase start of the flow start with this ordinal (0-based); empty when the rate
  // falls to zero before that start would be due.
  std::optional<std::chrono::nanoseconds> offset_of(std::uint64_t ordinal) const;

 private:
  struct Segment {
    double start_seconds;   // when the segment begins
    double starts_before;   // flow starts due before it begins
    double rate;            // per second, at its beginning
    double slope;           // change of rate per second
    double length_seconds;  // < 0: holds forever
  };
  std::vector<Segment> segments_;
};

}  // namespace s3storm::engine
