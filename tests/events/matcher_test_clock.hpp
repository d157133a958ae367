#pragma once

// What the matcher's unit tests share: times as seconds after one fixed instant (the matcher takes
// completions and arrivals as arguments, so these are its clock) and a put's event record.

#include <chrono>
#include <string>

#include "events/matcher.hpp"

namespace s3storm::events::matcher_test {

inline const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

inline TimePoint at_s(double s) {
  return kT0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

inline EventRecord put(std::string key, std::string sequencer = {}) {
  EventRecord r;
  r.kind = EventKind::kObjectCreatedPut;
  r.name = "ObjectCreated:Put";
  r.bucket = "b";
  r.key = std::move(key);
  r.sequencer = std::move(sequencer);
  return r;
}

}  // namespace s3storm::events::matcher_test
