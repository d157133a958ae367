#pragma once

#include <atomic>
#include <cstdint>

namespace s3storm::stats {

// The few numbers the live progress line reads while workers run. Separate from the per-thread
// OpStats on purpose: these are shared, so they are kept to a handful of relaxed increments per
// operation; nothing here is used for the final report.
class LiveCounters {
 public:
  struct Snapshot {
    std::uint64_t started = 0;
    std::uint64_t completed = 0;
    std::uint64_t errors = 0;
    std::uint64_t in_flight = 0;
    std::uint64_t events_seen = 0;
  };

  void op_started() noexcept { started_.fetch_add(1, std::memory_order_relaxed); }
  void op_finished(bool ok) noexcept {
    if (!ok) errors_.fetch_add(1, std::memory_order_relaxed);
    completed_.fetch_add(1, std::memory_order_relaxed);
  }
  void event_seen() noexcept { events_seen_.fetch_add(1, std::memory_order_relaxed); }

  Snapshot snapshot() const noexcept {
    Snapshot s;
    // The loads are not one atomic read, so a reader may see a completion before its start:
    // in_flight is clamped at zero rather than wrapping.
    s.completed = completed_.load(std::memory_order_relaxed);
    s.started = started_.load(std::memory_order_relaxed);
    s.errors = errors_.load(std::memory_order_relaxed);
    s.events_seen = events_seen_.load(std::memory_order_relaxed);
    s.in_flight = s.started >= s.completed ? s.started - s.completed : 0;
    return s;
  }

 private:
  // Workers bump started/completed together; readers are rare. Separate cache lines for the
  // receiver's counter keep the event thread from bouncing the workers' line.
  alignas(64) std::atomic<std::uint64_t> started_{0};
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> errors_{0};
  alignas(64) std::atomic<std::uint64_t> events_seen_{0};
};

}  // namespace s3storm::stats
