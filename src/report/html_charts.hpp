#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/html_svg_chart.hpp"
#include "stats/event_stats.hpp"
#include "stats/histogram.hpp"
#include "stats/op_stats.hpp"

namespace s3storm::report::html {

// The report's charts, built from the model. Time axes count seconds from `run_start` (epoch
// seconds), so the phases of one run line up on the same clock.

// Series longer than this are drawn in buckets of several seconds (rates averaged, maxima kept),
// so a day-long run does not become a megabyte of points per chart.
inline constexpr std::size_t kMaxTimePoints = 600;

// Successful and failed operations per second, one series per operation kind that ran. A phase's
// partial first and last seconds are drawn at their rate over the part the phase covered.
Chart throughput_chart(const stats::PhaseStats& phase, std::int64_t run_start);
// When each phase ran, on the same clock as the other charts: one horizontal line per phase from
// its start to its end, the first phase on top, so phases that ran together (`with:`) overlap.
// Phases whose start is unknown (older reports) are left out.
Chart phases_timeline_chart(const std::vector<stats::PhaseStats>& phases, std::int64_t run_start);
// Failed operations per second as bars; no series when nothing failed.
Chart errors_chart(const stats::PhaseStats& phase, std::int64_t run_start);
// Each second's p50, p99 (from its CoarseHistogram: within 1/8 of the value) and maximum latency
// per operation kind, on a log axis. Seconds with operations from reports older than per-second
// percentiles draw their mean as the p50.
Chart latency_over_time_chart(const stats::PhaseStats& phase, std::int64_t run_start);

// Events per second: expected (by the second their operation completed), delivered (by the second
// they arrived), and, by their operation's second, those still missing when the run ended.
Chart events_over_time_chart(const stats::EventStats& events, std::int64_t run_start);
// The delivery backlog at the end of each second: events expected so far that have not arrived.
Chart event_backlog_chart(const stats::EventStats& events, std::int64_t run_start);
// Each arrival second's p50, p99 and maximum delivery latency.
Chart delivery_latency_over_time_chart(const stats::EventStats& events, std::int64_t run_start);

// HdrHistogram-style percentile curve: x is 1/(1-p) on a log axis (ticks read 90%, 99%, 99.9%…),
// y the latency in microseconds on a log axis. Empty for an empty histogram.
std::vector<Point> percentile_curve(const stats::Histogram& histogram);

struct NamedHistogram {
  std::string name;
  const stats::Histogram* histogram = nullptr;
  int colour = -1;  // see Series::colour
};
Chart latency_distribution_chart(const std::string& title,
                                 const std::vector<NamedHistogram>& histograms);

}  // namespace s3storm::report::html
