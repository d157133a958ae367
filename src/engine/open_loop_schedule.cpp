#include "engine/open_loop_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace s3storm::engine {

OpenLoopSchedule::OpenLoopSchedule(double start_per_second, const std::vector<Ramp>& ramps) {
  double at = 0;
  double due = 0;
  double rate = start_per_second;
  for (const auto& ramp : ramps) {
    const double length = std::chrono::duration<double>(ramp.over).count();
    if (length <= 0) {
      rate = ramp.to_per_second;  // a step change
      continue;
    }
    const double slope = (ramp.to_per_second - rate) / length;
    segments_.push_back({at, due, rate, slope, length});
    due += (rate + ramp.to_per_second) / 2 * length;
    at += length;
    rate = ramp.to_per_second;
  }
  segments_.push_back({at, due, rate, 0, -1});
}

std::optional<std::chrono::nanoseconds> OpenLoopSchedule::offset_of(std::uint64_t ordinal) const {
  const double wanted = static_cast<double>(ordinal);
  // The last segment that begins with fewer starts due than wanted holds this start.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), wanted,
                             [](double w, const Segment& s) { return w < s.starts_before; });
  const Segment& segment = *std::prev(it);  // the first segment begins with 0 due: never begin()
  const double remaining = wanted - segment.starts_before;

  // Solve rate*t + slope*t^2/2 = remaining for the smallest t >= 0.
  double t;
  if (remaining <= 0) {
    t = 0;
  } else if (segment.slope == 0) {
    if (segment.rate <= 0) return std::nullopt;
    t = remaining / segment.rate;
  } else {
    const double discriminant = segment.rate * segment.rate + 2 * segment.slope * remaining;
    if (discriminant < 0) return std::nullopt;  // a falling rate that never gets there
    t = (std::sqrt(discriminant) - segment.rate) / segment.slope;
  }
  if (segment.length_seconds >= 0 && t > segment.length_seconds) {
    t = segment.length_seconds;  // rounding at a segment edge
  }
  return std::chrono::nanoseconds(
      static_cast<std::int64_t>(std::llround((segment.start_seconds + t) * 1e9)));
}

}  // namespace s3storm::engine
