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

}  // namespace s3storm::report
