#pragma once

// The live numbers of a run in the Prometheus text exposition format 0.0.4, the text a scrape of
// `GET /metrics` returns. Counters only grow during a run (phases keep their own series, by the
// `phase` label). Latencies are histograms with fixed bounds (kLatencyBounds), so shards' series
// add up in PromQL (sum by (le) (rate(..._bucket[1m]))) as a summary's quantiles cannot.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/match_summary.hpp"
#include "stats/phase_recorder.hpp"

namespace s3storm::metrics {

// The `le` bounds of every latency histogram, in seconds (+Inf is implied).
inline constexpr std::array<double, 16> kLatencyBounds = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

struct LiveView {
  std::string_view version;                  // s3storm_build_info
  std::vector<stats::LivePhaseView> phases;  // the phases started so far
  std::uint64_t in_flight = 0;
  bool events_checked = false;
  events::MatchSummary events;       // while the run goes on, "missing" means "not yet seen"
  std::uint64_t foreign_events = 0;  // events for other shards' keys, not matched here
  double elapsed_s = 0;
};

std::string render_exposition(const LiveView& view);

// Escapes a label value as the format asks (backslash, double quote, newline).
std::string escape_label(const std::string& value);

}  // namespace s3storm::metrics
