#pragma once

// `report --threshold` and `merge --threshold`: judging a saved (or merged) report again, with
// the same grammar and evaluator as `run`. A shard judges its thresholds on its own numbers; the
// whole run is judged here.

#include <string>
#include <vector>

#include "report/run_report.hpp"

namespace s3storm::cli {

// Parses `expressions` against what the report holds (its phase names; its endpoints, for
// endpoint[N]) and replaces report.thresholds with their verdicts. A bad expression throws
// UsageError naming the flag (exit 2). With no expressions the report is left as it was.
void judge_saved_report(report::RunReport& run, const std::vector<std::string>& expressions);

}  // namespace s3storm::cli
