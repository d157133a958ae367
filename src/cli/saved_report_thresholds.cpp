#include "cli/saved_report_thresholds.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

#include "report/thresholds.hpp"
#include "scenario/threshold_parser.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

// target.endpoints' count: meta.endpoints (several only with target.endpoints), or for reports
// written before it was kept, the per-endpoint entries of the phases.
std::size_t endpoint_count(const report::RunReport& run) {
  if (run.meta.endpoints.size() > 1) return run.meta.endpoints.size();
  std::size_t n = 0;
  for (const auto& phase : run.phases) n = std::max(n, phase.endpoints.size());
  return n;
}

}  // namespace

void judge_saved_report(report::RunReport& run, const std::vector<std::string>& expressions) {
  if (expressions.empty()) return;
  std::vector<std::string> phase_names;
  for (const auto& phase : run.phases) phase_names.push_back(phase.name);
  const std::size_t endpoints = endpoint_count(run);
  std::vector<scenario::Threshold> thresholds;
  const bool events_checked = run.events.source != "none";
  for (const auto& expression : expressions) {
    try {
      thresholds.push_back(scenario::parse_threshold(expression, phase_names, endpoints));
    } catch (const std::invalid_argument& e) {
      throw UsageError(fmt::format("--threshold '{}': {}", expression, e.what()));
    }
    if (const auto why = scenario::unmeasurable_without_events(thresholds.back(), events_checked)) {
      throw UsageError(fmt::format("--threshold '{}' {}", expression, *why));
    }
  }
  run.thresholds = report::evaluate_thresholds(run, thresholds);
}

}  // namespace s3storm::cli
