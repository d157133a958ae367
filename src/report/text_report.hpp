#pragma once

#include <cstdint>
#include <string>

#include "report/run_report.hpp"

namespace s3storm::report {

// The end-of-run summary for a terminal: fixed-width tables per phase (and totals), errors by code
// and status, the events table and the thresholds. A view of the model; nothing is computed here
// that the JSON does not also hold.
std::string format_text_report(const RunReport& report);

// Human latency: "850µs", "12.3ms", "1.50s" (three significant digits).
std::string format_duration_us(std::uint64_t us);

// "s3storm 0.9.0, endpoint http://127.0.0.1:9000, region us-east-1, seed 42, 2 threads" (and the
// shard when there is one): what produced the report. Empty for reports from before metadata.
std::string describe_meta(const RunMeta& meta);
// "concurrency 16, 500/s, 10000 iterations, 60 s": what a phase was told; unset parts left out.
std::string describe_plan(const stats::PhasePlan& plan);

}  // namespace s3storm::report
