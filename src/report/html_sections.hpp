#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "report/run_report.hpp"

namespace s3storm::report::html {

// The parts of the HTML page, each appended to `out` as well-formed XHTML-style markup (every
// element closed, every text escaped), so the page also parses as XML.

// Scenario, file, start, duration, shards and the thresholds' verdict.
void append_header(std::string& out, const RunReport& report);
void append_thresholds(std::string& out, const RunReport& report);
// Ops table, throughput, errors and latency over time, latency distribution, errors by code.
// `id` names the section for the page's table of contents.
// "Phases over time": when each phase ran, for a report with more than one phase.
void append_timeline(std::string& out, const RunReport& report, std::int64_t run_start);
void append_phase(std::string& out, const stats::PhaseStats& phase, const std::string& title,
                  const std::string& id, std::int64_t run_start,
                  std::optional<double> started = std::nullopt);
// Per-type table (with early deliveries), delivery latency distribution, the first missing and
// unexpected keys, test events and receiver rejects.
void append_events(std::string& out, const stats::EventStats& events, std::int64_t run_start);

}  // namespace s3storm::report::html
