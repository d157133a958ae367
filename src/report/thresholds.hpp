#pragma once

// Judges a finished run against the scenario's thresholds ("put.p99 < 50ms"): each gets its
// measured value, in the unit the threshold was written in (seconds for latencies, per second for
// rates), and a verdict.

#include <chrono>
#include <string>
#include <vector>

#include "report/run_report.hpp"
#include "scenario/threshold.hpp"

namespace s3storm::report {

// The metric's value in the run; latencies in seconds, rates per second.
double measure(const RunReport& report, const std::vector<std::string>& metric);

std::vector<ThresholdResult> evaluate_thresholds(
    const RunReport& report, const std::vector<scenario::Threshold>& thresholds);

bool all_passed(const std::vector<ThresholdResult>& results);

// The measured value with its unit, as the views print it: "2.11ms", "1234.5/s", "0.12%", "10".
std::string format_measured(const ThresholdResult& result);

// Whether a threshold can be judged while the run still goes on. Event metrics cannot: an event
// not seen yet is only missing once the grace period after the last operation is over, and the
// delivery latencies are only complete then. Nor can phase.<name>.dropped, which the workers add
// up only when the phase ends. All are judged at the end, like every threshold.
bool judged_live(const scenario::Threshold& threshold);

// Whether measuring the threshold reads an operation's latency histogram ("put.p99", "all.max"),
// rather than counters only: a live snapshot copies those histograms only when one does.
bool reads_latency(const scenario::Threshold& threshold);
// Whether it reads an operation's ttfb histogram ("get.ttfb.p99"), which a live snapshot copies
// only when asked (stats::LiveDetail::kLatencyAndTtfb).
bool reads_ttfb(const scenario::Threshold& threshold);

// The abort_on_fail thresholds that fail on a snapshot of a run in progress, `elapsed` into it:
// only those past their `delay` and judged_live(). In scenario order.
std::vector<ThresholdResult> failed_abort_thresholds(
    const RunReport& snapshot, const std::vector<scenario::Threshold>& thresholds,
    std::chrono::nanoseconds elapsed);

}  // namespace s3storm::report
