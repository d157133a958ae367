#pragma once

// The one statistic of a phase, from which the final report, the live thresholds, the Prometheus
// endpoint and the progress line are all read.
//
// Each worker thread records into its own WorkerRecorder: an OpStats per operation whose counters
// and histograms are single-writer words (relaxed.hpp: plain moves, no lock prefix, no line shared
// with another writer). Any thread may take a live() view while the workers run; it adds the
// workers' words up and copies the error maps under the worker's lock, which only a failure takes.
// When the phase ends, merged() adds the same data up exactly, time series included.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "stats/op_stats.hpp"
#include "util/op_kind.hpp"

namespace s3storm::stats {

class WorkerRecorder {
 public:
  // Allocates every histogram a live reader reads here, before it can see them.
  // `endpoint_urls`: target.endpoints when the phase spreads over several, else empty.
  explicit WorkerRecorder(const std::string& phase_name,
                          const std::vector<std::string>& endpoint_urls = {});

  // An operation was sent (multipart parts are parts of one); in flight until record() of it.
  void started() noexcept;
  void record(OpKind kind, const OpOutcome& outcome);
  void iteration_done() noexcept;
  // The worker's own fields that live readers never look at (duration, dropped starts, uploads
  // left open); only the worker's thread may touch them while it runs.
  PhaseStats& own() { return stats_; }
  const PhaseStats& stats() const { return stats_; }

 private:
  friend class PhaseRecorder;
  PhaseStats stats_;
  std::uint64_t started_ = 0;
  std::uint64_t finished_ = 0;  // operations, not parts: what in flight is counted in
  std::uint64_t iterations_ = 0;
  mutable std::mutex errors_mutex_;  // the error maps, which a failure may grow
  // Per endpoint, a bit per operation kind whose latency histogram has its array: live() reads
  // only those (the worker allocates one when its kind first runs there, then sets the bit).
  std::vector<std::atomic<std::uint32_t>> endpoint_kinds_;
  static_assert(kOpKinds <= 32, "a bit per operation kind in endpoint_kinds_");
};

// What a live reader gets: the phase so far (no time series, no dropped or open uploads: those
// are the workers' own until the phase ends) and the gauges of the moment.
// How much a live read copies. The progress line's p99, a latency threshold and a Prometheus
// scrape read each operation's latency histogram (23,552 buckets per worker); the rest only reads
// counters. A Prometheus scrape and a ttfb threshold also read the ttfb histograms; the service
// histograms are never read live.
enum class LiveDetail { kCounters, kLatency, kLatencyAndTtfb };

struct LivePhaseView {
  PhaseStats stats;
  std::uint64_t in_flight = 0;
  std::uint64_t iterations_done = 0;
};

class PhaseRecorder {
 public:
  explicit PhaseRecorder(std::string name) : name_(std::move(name)) {}
  PhaseRecorder(const PhaseRecorder&) = delete;
  PhaseRecorder& operator=(const PhaseRecorder&) = delete;

  const std::string& name() const { return name_; }
  // A recorder for one more worker, before it starts; the reference lives as long as this.
  // `endpoint_urls` as WorkerRecorder's.
  WorkerRecorder& add_worker(const std::vector<std::string>& endpoint_urls = {});
  // From any thread, while workers record. Only operations that ran get a histogram.
  LivePhaseView live(LiveDetail detail) const;
  // After every worker has finished: the exact sum, the phase's statistic in the report.
  PhaseStats merged() const;

 private:
  std::string name_;
  mutable std::mutex workers_mutex_;  // the list, not the workers' numbers
  std::deque<std::unique_ptr<WorkerRecorder>> workers_;
};

}  // namespace s3storm::stats
