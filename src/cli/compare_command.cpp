#include <fmt/core.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "cli/commands.hpp"
#include "report/compare.hpp"
#include "report/json_reader.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

struct CompareOptions {
  std::string base;
  std::string candidate;
  std::string max_regression = "10%";
};

int run_compare(const CompareOptions& options) {
  double limit = 0;
  try {
    limit = report::parse_regression_limit(options.max_regression);
  } catch (const std::invalid_argument& e) {
    throw UsageError(fmt::format("--max-regression '{}': {}", options.max_regression, e.what()));
  }
  const report::RunReport base = report::read_report_file(options.base);
  const report::RunReport candidate = report::read_report_file(options.candidate);
  const auto comparison = report::compare_reports(base, candidate, limit);
  fmt::print("Base {} ({}), new {} ({})\n", options.base, base.scenario, options.candidate,
             candidate.scenario);
  fmt::print("{}", report::format_comparison(comparison));
  return comparison.any_regression() ? 1 : 0;
}

}  // namespace

void add_compare_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<CompareOptions>();
  auto* sub = app.add_subcommand(
      "compare",
      "Compare two JSON reports phase by phase: rate and latency percentiles per operation. Exits "
      "1 when an operation's p99 rose or its rate fell by more than --max-regression.");
  sub->add_option("base", options->base, "Baseline JSON report")->required();
  sub->add_option("new", options->candidate, "JSON report to judge against the baseline")
      ->required();
  sub->add_option("--max-regression", options->max_regression,
                  "Largest tolerated change the wrong way, e.g. 10% (default 10%)");
  sub->callback([&action, options] { action = [options] { return run_compare(*options); }; });
}

}  // namespace s3storm::cli
