#include <fmt/core.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/saved_report_thresholds.hpp"
#include "report/json_reader.hpp"
#include "report/json_writer.hpp"
#include "report/run_report.hpp"
#include "report/text_report.hpp"
#include "report/thresholds.hpp"
#include "util/usage_error.hpp"

namespace s3storm::cli {

namespace {

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output;
  bool allow_partial = false;
  std::vector<std::string> thresholds;
};

// A shard a signal stopped ran only part of its share: merged silently, the sum would look whole.
void refuse_partial(const report::RunReport& shard, const std::string& path,
                    const MergeOptions& options) {
  if (shard.interrupted_by.empty() || options.allow_partial) return;
  throw UsageError(path + ": this shard was interrupted by " + shard.interrupted_by +
                   " and covers only part of its run; pass --allow-partial to merge it anyway");
}

int run_merge(const MergeOptions& options) {
  report::RunReport merged = report::read_report_file(options.inputs.front());
  refuse_partial(merged, options.inputs.front(), options);
  for (std::size_t i = 1; i < options.inputs.size(); ++i) {
    const auto& path = options.inputs[i];
    const report::RunReport next = report::read_report_file(path);
    refuse_partial(next, path, options);
    try {
      report::merge_report(merged, next);
    } catch (const std::invalid_argument& e) {
      throw UsageError(path + ": cannot merge with " + options.inputs.front() + ": " + e.what());
    }
  }
  // The whole run judged on the merged numbers (each shard judged only its own share).
  judge_saved_report(merged, options.thresholds);
  if (!options.output.empty()) report::write_json_file(merged, options.output);
  fmt::print("{}", report::format_text_report(merged));
  // Judged only when asked: a single report's own verdicts stay its run's, as `report`'s do.
  if (options.thresholds.empty()) return 0;
  return report::all_passed(merged.thresholds) ? 0 : 1;
}

}  // namespace

void add_merge_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<MergeOptions>();
  auto* sub = app.add_subcommand(
      "merge",
      "Merge JSON reports of one scenario run on several machines (shards): histograms are added, "
      "so merged percentiles are exact. Prints the merged text report.");
  sub->add_option("reports", options->inputs, "JSON reports written by `s3storm run --json`")
      ->required();
  sub->add_option("-o,--output", options->output, "Write the merged JSON report here");
  sub->add_flag("--allow-partial", options->allow_partial,
                "Merge shards that a signal interrupted (the merged report keeps interrupted_by)");
  sub->add_option("--threshold", options->thresholds,
                  "Judge the merged report on this threshold, e.g. 'endpoint[1].errors.rate < 1%' "
                  "(repeatable; exit 1 if one fails)");
  sub->callback([&action, options] { action = [options] { return run_merge(*options); }; });
}

}  // namespace s3storm::cli
