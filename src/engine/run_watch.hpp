#pragma once

// Watches a running scenario from its own thread: the user's Ctrl-C, and the abort_on_fail
// thresholds judged on the live numbers.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/live_run.hpp"
#include "report/thresholds.hpp"
#include "scenario/model.hpp"

namespace s3storm::engine {

// Stops the run for the user (Ctrl-C) or for a failed abort_on_fail threshold: polls the user's
// flag every 50 ms and judges the live numbers once a second; either sets `stop`, which the
// workers watch and drain on, as they do for Ctrl-C.
class RunWatch {
 public:
  RunWatch(const std::atomic<int>& user_stop, std::atomic<bool>& stop, const LiveRun& live,
           const std::vector<scenario::Threshold>& thresholds);
  ~RunWatch() { finish(); }
  RunWatch(const RunWatch&) = delete;
  RunWatch& operator=(const RunWatch&) = delete;

  void finish();
  // Valid after finish().
  const std::vector<report::ThresholdResult>& aborted_by() const { return aborted_by_; }
  double aborted_at_s() const { return aborted_at_s_; }

 private:
  void loop();

  const std::atomic<int>& user_stop_;  // the signal number, 0 while none came
  std::atomic<bool>& stop_;
  const LiveRun& live_;
  const std::vector<scenario::Threshold>& thresholds_;
  bool judging_ = false;
  stats::LiveDetail detail_ = stats::LiveDetail::kCounters;  // kLatency when a threshold reads it
  std::vector<report::ThresholdResult> aborted_by_;
  double aborted_at_s_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool finishing_ = false;
  std::thread thread_;
};

}  // namespace s3storm::engine
