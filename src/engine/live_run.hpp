#pragma once

// The numbers of a run while it goes on, for the live threshold checks, the metrics endpoint and
// the progress line: the phases started so far (each with the stats::PhaseRecorder its workers
// record into, which is also where the final report's numbers come from) and when they started
// and ended. The list is touched only at phase boundaries and by the readers.

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "report/run_report.hpp"
#include "stats/phase_recorder.hpp"

namespace s3storm::engine {

class LiveRun {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LiveRun(Clock::time_point start) : start_(start) {}

  // The phase now starting; the reference stays valid for the LiveRun's life. Phases that run
  // together (`with:`) are each begun, and each ended when it ends.
  stats::PhaseRecorder& begin_phase(const std::string& name);
  void end_phase(const stats::PhaseRecorder& phase);

  std::chrono::nanoseconds elapsed() const { return Clock::now() - start_; }
  // For a Prometheus scrape, which shows the latency and ttfb histograms.
  std::vector<stats::LivePhaseView> snapshot_phases() const;
  // A report of what ran so far, for report::failed_abort_thresholds (no events: see
  // report::judged_live); with latency histograms only when a threshold reads them
  // (report::reads_latency).
  report::RunReport snapshot_report(stats::LiveDetail detail = stats::LiveDetail::kLatency) const;

 private:
  struct Entry {
    std::unique_ptr<stats::PhaseRecorder> phase;
    Clock::time_point started;
    std::optional<Clock::time_point> ended;
  };
  const Clock::time_point start_;
  mutable std::mutex mutex_;
  std::deque<Entry> phases_;
};

}  // namespace s3storm::engine
