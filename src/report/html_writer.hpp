#pragma once

#include <string>

#include "report/run_report.hpp"

namespace s3storm::report {

// One self-contained HTML page of the run: parameters and verdict, thresholds, per phase the ops
// table, throughput/latency over time, the latency distribution and errors by code, then the events
// table and delivery latency distribution. Charts are inline SVG; no script, no external resource
// (a Content-Security-Policy forbids fetching any), styles for light and dark. The markup is also
// well-formed XML.
std::string render_html(const RunReport& report);

// Creates missing parent directories. Throws UsageError naming the path if it cannot be written.
void write_html_file(const RunReport& report, const std::string& path);

}  // namespace s3storm::report
