#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stats/histogram.hpp"
#include "stats/search_outcome.hpp"
#include "stats/time_series.hpp"
#include "util/op_kind.hpp"

namespace s3storm::stats {

// What the engine knows about one finished operation.
struct OpOutcome {
  // From the intended start (open loop: the schedule's slot, so a stalled generator shows up as
  // latency rather than hiding it) to completion, in microseconds.
  std::uint64_t latency_us = 0;
  // From the actual send to completion: the uncorrected service time.
  std::uint64_t service_us = 0;
  std::uint64_t bytes = 0;  // payload bytes moved by a successful operation
  std::uint32_t retries = 0;
  // 0 when no HTTP response came back (connect failure, timeout, reset).
  std::uint16_t http_status = 0;
  bool ok = false;
  // S3 <Code> of a failed request ("SlowDown", "NoSuchKey"), or a transport error name; empty if
  // unknown. Only read when !ok.
  std::string_view error_code;
  std::int64_t epoch_second = 0;  // wall-clock second of completion, for the time series
  // From the same start as latency_us to the first byte of the answer; only when one came.
  bool has_ttfb = false;
  std::uint64_t ttfb_us = 0;
  // Operations that move a body (put, post, multipart and its parts, get) are also counted by
  // the size of that body (bytes sent, or received), succeeded or not.
  bool sized = false;
  std::uint64_t object_bytes = 0;
  // target.endpoints: which of them it went to (0 with one endpoint).
  std::uint32_t endpoint = 0;
};

// Everything measured for one operation kind in one phase, on one thread; threads' results are
// merged at the end. Recording a success allocates only for the first operation of a size class;
// a failure may, the first time its error code or status is seen. The counters and histograms are
// single-writer words (relaxed.hpp), so add_live() can read them from another thread while the
// owner records; the error maps and the time series are not (stats::WorkerRecorder guards the
// maps).
struct OpStats {
  std::uint64_t count = 0;
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  std::uint64_t retries = 0;
  std::uint64_t bytes = 0;
  Histogram latency;  // microseconds, from the intended start
  Histogram service;  // microseconds, uncorrected
  Histogram ttfb;     // microseconds, from the latency's start to the answer's first byte
  // Latency by size class (size_class.hpp), only the classes seen: a class's histogram is made on
  // its first operation. Not read live (a map the worker grows), only merged at the end.
  std::map<std::uint8_t, Histogram> latency_by_size;
  std::map<std::string, std::uint64_t, std::less<>> errors_by_code;
  std::map<int, std::uint64_t> errors_by_status;
  TimeSeries per_second;

  void record(const OpOutcome& outcome);
  void merge(const OpStats& other);
  // merge() of the counters of an OpStats another thread is recording into, of its latency
  // histogram when `with_latency` and of its ttfb histogram when `with_ttfb`; the service
  // histogram, the sizes, the error maps and the time series are left out (no live reader shows
  // them).
  void add_live(const OpStats& other, bool with_latency, bool with_ttfb = false) noexcept;
  // Allocates the histograms a live reader may read (Histogram::allocate), before it can.
  void allocate_histograms();
  friend bool operator==(const OpStats&, const OpStats&) = default;
};

// target.endpoints: every operation sent to one endpoint (multipart parts in their upload), per
// kind in `ops` and all kinds together in `all`. A worker records only `ops`; `all` is their sum,
// added up when a phase's workers are merged (PhaseRecorder::merged, add_up_kinds) or read live,
// and merge() keeps it so, exactly (counts, histograms and time series add).
struct EndpointStats {
  std::string url;
  OpStats all;
  std::array<OpStats, kOpKinds> ops;
  // all = the sum of ops (what recording every operation into `all` too would have made).
  void add_up_kinds();
  OpStats& op(OpKind kind) { return ops[static_cast<std::size_t>(kind)]; }
  const OpStats& op(OpKind kind) const { return ops[static_cast<std::size_t>(kind)]; }
  friend bool operator==(const EndpointStats&, const EndpointStats&) = default;
};

// One phase of a scenario: an OpStats per operation kind plus what the schedule could not do.
// What a phase was told to do (0: not set). Workers share one; shards' add up.
struct PhasePlan {
  std::uint64_t concurrency = 0;
  double rate_per_s = 0;  // 0: closed loop (the ramp's start rate when ramping)
  std::uint64_t iterations = 0;
  double duration_s = 0;
  friend bool operator==(const PhasePlan&, const PhasePlan&) = default;
};

struct PhaseStats {
  std::string name;
  PhasePlan plan;  // not touched by merge(): the workers of a phase share it
  // When the phase started, in seconds since the epoch (wall clock, with its fraction); 0 when
  // unknown (reports written before it was kept). With duration_s it tells how much of its first
  // and last second a phase covered, so a chart draws those seconds at their real rate.
  double started_epoch_s = 0;
  double duration_s = 0;
  // Open loop only: iterations whose start time passed before a flow was free to run them.
  std::uint64_t dropped = 0;
  // Multipart uploads whose abort failed or went unanswered: possibly still open on the server.
  // The first kMaxOpenUploads as "bucket/key (upload id)".
  static constexpr std::size_t kMaxOpenUploads = 20;
  std::uint64_t uploads_left_open = 0;
  std::vector<std::string> open_uploads;
  void note_open_upload(std::string upload);
  std::array<OpStats, kOpKinds> ops;
  // With target.endpoints (two or more): per endpoint, in their order; empty otherwise.
  std::vector<EndpointStats> endpoints;
  // A capacity search phase: what it found (its ops above are all its probes' together).
  std::optional<SearchOutcome> search;

  OpStats& op(OpKind kind) { return ops[static_cast<std::size_t>(kind)]; }
  const OpStats& op(OpKind kind) const { return ops[static_cast<std::size_t>(kind)]; }
  // Workers of the same phase: counts add, the duration is the longest worker's. Phases that both
  // know their start (shards', or the phases of a run added up) span from the earlier start to
  // the later end.
  void merge(const PhaseStats& other);
  friend bool operator==(const PhaseStats&, const PhaseStats&) = default;
};

}  // namespace s3storm::stats
