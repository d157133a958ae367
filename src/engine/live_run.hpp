#pragma once

// The numbers of a run while it goes on, for the live threshold checks and the metrics endpoint:
// the phases started so far (each with its metrics::LivePhase the workers write to) and when they
// started and ended. The list is touched only at phase boundaries and by the readers.

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "metrics/live_ops.hpp"
#include "report/run_report.hpp"

namespace s3storm::engine {

class LiveRun {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LiveRun(Clock::time_point start) : start_(start) {}

  // The phase now starting; the reference stays valid for the LiveRun's life.
  metrics::LivePhase& begin_phase(const std::string& name);
  void end_phase();

  std::chrono::nanoseconds elapsed() const { return Clock::now() - start_; }
  std::vector<metrics::LivePhaseSnapshot> snapshot_phases() const;
  // A report of what ran so far, for report::failed_abort_thresholds (no events: see
  // report::judged_live).
  report::RunReport snapshot_report() const;

 private:
  struct Entry {
    std::unique_ptr<metrics::LivePhase> phase;
    Clock::time_point started;
    std::optional<Clock::time_point> ended;
  };
  const Clock::time_point start_;
  mutable std::mutex mutex_;
  std::deque<Entry> phases_;
};

}  // namespace s3storm::engine
