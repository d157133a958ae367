#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "report/run_report.hpp"
#include "stats/histogram.hpp"

namespace s3storm::report {

// Reads a report written by json_writer back into the model. Only the stored data is read
// (histograms, counters, time series); derived figures are recomputed when written again, so
// write → read → write gives the same bytes.
//
// Any problem throws UsageError with one line: "<origin>: <json path>: <what is wrong>", e.g.
// "a.json: phases[0].ops.put.histogram.counts[3]: bucket index 99999 is out of range".
RunReport parse_report(std::string_view text, const std::string& origin);
RunReport read_report_file(const std::string& path);

// Throws UsageError "<origin>: <where>: …" for a histogram that histogram_to_json did not write.
stats::Histogram histogram_from_json(const nlohmann::json& j, const std::string& origin,
                                     const std::string& where);

}  // namespace s3storm::report
