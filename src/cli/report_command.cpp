#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/saved_report_thresholds.hpp"
#include "report/html_writer.hpp"
#include "report/json_reader.hpp"
#include "report/json_writer.hpp"
#include "report/junit_writer.hpp"
#include "report/text_report.hpp"
#include "report/thresholds.hpp"

namespace s3storm::cli {

namespace {

struct ReportOptions {
  std::string input;
  bool text = false;
  std::string junit;
  std::string json;
  std::string html;
  std::vector<std::string> thresholds;
};

int run_report(const ReportOptions& options) {
  report::RunReport run = report::read_report_file(options.input);
  judge_saved_report(run, options.thresholds);
  if (!options.junit.empty()) report::write_junit_file(run, options.junit);
  if (!options.json.empty()) {
    const auto parent = std::filesystem::path(options.json).parent_path();
    std::error_code ignored;  // a directory that cannot be made shows up as the write's error
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    report::write_json_file(run, options.json);
  }
  if (!options.html.empty()) report::write_html_file(run, options.html);
  // With no view asked for, the text one: a bare `s3storm report RUN.json` is for a person.
  const bool wrote_file = !options.junit.empty() || !options.json.empty() || !options.html.empty();
  if (options.text || !wrote_file) fmt::print("{}", report::format_text_report(run));
  // Judged again only when asked: a saved report's own verdicts are the run's, not this view's.
  if (options.thresholds.empty()) return 0;
  return report::all_passed(run.thresholds) ? 0 : 1;
}

}  // namespace

void add_report_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<ReportOptions>();
  auto* sub = app.add_subcommand(
      "report",
      "Render a saved JSON report (from `s3storm run --json` or `merge -o`) as text, HTML, JUnit "
      "XML or JSON. Prints the text report when no file is asked for.");
  sub->add_option("report", options->input, "JSON report")->required();
  sub->add_flag("--text", options->text, "Print the text report (also when writing files)");
  sub->add_option("--junit", options->junit, "Write a JUnit XML file here");
  sub->add_option("--json", options->json, "Write the JSON report here (rewritten canonically)");
  sub->add_option("--html", options->html,
                  "Write a self-contained HTML report here (charts as inline SVG)");
  sub->add_option("--threshold", options->thresholds,
                  "Judge the report again on this threshold, e.g. 'get.ttfb.p99 < 20ms' "
                  "(repeatable; replaces the saved verdicts in every view; exit 1 if one fails)");
  sub->callback([&action, options] { action = [options] { return run_report(*options); }; });
}

}  // namespace s3storm::cli
