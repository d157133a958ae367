#pragma once

// The live numbers of a run in the Prometheus text exposition format 0.0.4, the text a scrape of
// `GET /metrics` returns. Counters only grow during a run (phases keep their own series, by the
// `phase` label); latency is a summary per operation and phase with quantiles 0.5, 0.9, 0.99.

#include <cstdint>
#include <string>
#include <vector>

#include "events/match_summary.hpp"
#include "metrics/live_ops.hpp"

namespace s3storm::metrics {

struct LiveView {
  std::vector<LivePhaseSnapshot> phases;  // the phases started so far
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
