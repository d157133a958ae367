#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "report/html_svg_chart.hpp"
#include "stats/histogram.hpp"
#include "stats/op_stats.hpp"

namespace s3storm::report::html {

// The report's charts, built from the model. Time axes count seconds from `run_start` (epoch
// seconds), so the phases of one run line up on the same clock.

// Series longer than this are drawn in buckets of several seconds (rates averaged, maxima kept),
// so a day-long run does not become a megabyte of points per chart.
inline constexpr std::size_t kMaxTimePoints = 600;

// Successful and failed operations per second, one series per operation kind that ran.
Chart throughput_chart(const stats::PhaseStats& phase, std::int64_t run_start);
// Failed operations per second as bars; no series when nothing failed.
Chart errors_chart(const stats::PhaseStats& phase, std::int64_t run_start);
// Each second's mean and maximum latency per operation kind (what the time series keeps), on a
// log axis.
Chart latency_over_time_chart(const stats::PhaseStats& phase, std::int64_t run_start);

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
