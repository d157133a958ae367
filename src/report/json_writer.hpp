#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "report/run_report.hpp"
#include "stats/histogram.hpp"

namespace s3storm::report {

inline constexpr int kReportVersion = 1;

// The canonical report. Every histogram and time series is stored whole, so reports from several
// machines merge exactly (report/json_reader.hpp reads it back); percentiles, rates and totals
// beside them are derived, for people and scripts, and ignored when reading.
nlohmann::ordered_json to_json(const RunReport& report);
// {"unit":"us","sub_bucket_bits":11,"max_trackable":…,"count":…,"min":…,"max":…,"sum":…,
//  "overflow":…,"counts":[[bucket index, count], …]} with only nonzero buckets.
nlohmann::ordered_json histogram_to_json(const stats::Histogram& histogram);

// Pretty-printed, newline-terminated: the same report always gives the same bytes.
std::string write_json(const RunReport& report);
// Throws UsageError naming the path if it cannot be written.
void write_json_file(const RunReport& report, const std::string& path);

}  // namespace s3storm::report
