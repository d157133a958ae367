#pragma once

// What one phase's operations did so far, readable while the workers still run: for the live
// threshold checks (abort_on_fail) and the Prometheus endpoint.
//
// Workers write, a reader takes snapshots about once a second. Each worker thread writes its own
// stripe (picked once per thread), so the relaxed increments stay on a cache line that thread
// owns; nothing on the request path takes a lock or allocates. A snapshot adds the stripes up.
// Latencies go into a coarse log-linear histogram (16 steps per power of two, so a percentile is
// known to within 1/16 of itself), enough to judge "put.p99 < 50ms" live; the exact histograms
// stay in the per-thread OpStats of the final report.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "stats/op_kind.hpp"
#include "stats/op_stats.hpp"

namespace s3storm::metrics {

// The live histogram's geometry, public for the exposition and the tests.
struct LiveBuckets {
  static constexpr unsigned kSteps = 16;                             // per power of two
  static constexpr std::size_t kCount = kSteps + (32 - 4) * kSteps;  // values up to 2^32-1 µs
  static std::size_t index(std::uint64_t value) noexcept;
  static std::uint64_t highest(std::size_t index) noexcept;  // the largest value in the bucket
};

struct LiveOpSnapshot {
  std::uint64_t count = 0;
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  std::uint64_t bytes = 0;
  std::uint64_t latency_sum_us = 0;
  std::array<std::uint64_t, LiveBuckets::kCount> latency{};  // counts per bucket
  std::map<std::string, std::uint64_t> errors_by_code;       // "" when the error had no code

  // For the threshold evaluator: each bucket's count at its highest value (percentiles err on
  // the slow side by at most one bucket).
  stats::OpStats to_op_stats() const;
  // The q-quantile (0..1) in microseconds, from the buckets; 0 when empty.
  std::uint64_t quantile_us(double q) const;
};

struct LivePhaseSnapshot {
  std::string name;
  std::array<LiveOpSnapshot, stats::kOpKinds> ops;
};

class LivePhase {
 public:
  explicit LivePhase(std::string name);
  ~LivePhase();
  LivePhase(const LivePhase&) = delete;
  LivePhase& operator=(const LivePhase&) = delete;

  // Called by the workers once per finished operation (multipart parts included).
  void record(stats::OpKind kind, const stats::OpOutcome& outcome) noexcept;
  LivePhaseSnapshot snapshot() const;
  const std::string& name() const { return name_; }

 private:
  struct Stripe;
  static constexpr std::size_t kStripes = 16;
  std::string name_;
  std::unique_ptr<Stripe[]> stripes_;
};

}  // namespace s3storm::metrics
