#pragma once

// Judges a finished run against the scenario's thresholds ("put.p99 < 50ms"): each gets its
// measured value, in the unit the threshold was written in (seconds for latencies, per second for
// rates), and a verdict.

#include <vector>

#include "report/run_report.hpp"
#include "scenario/model.hpp"

namespace s3storm::report {

// The metric's value in the run; latencies in seconds, rates per second.
double measure(const RunReport& report, const std::vector<std::string>& metric);

std::vector<ThresholdResult> evaluate_thresholds(
    const RunReport& report, const std::vector<scenario::Threshold>& thresholds);

bool all_passed(const std::vector<ThresholdResult>& results);

}  // namespace s3storm::report
