#pragma once

// A threshold as the scenario states it ("put.p99 < 50ms"), plain data: the report judges runs
// against it without linking the scenario loader.

#include <chrono>
#include <string>
#include <vector>

namespace s3storm::scenario {

enum class Comparator { kLt, kLe, kGt, kGe, kEq, kNe };
// What the right-hand value measures; durations are stored in seconds, rates per second.
enum class ValueUnit { kNumber, kDurationSeconds, kPerSecond };

struct Threshold {
  std::string expression;           // as written, for reports
  std::vector<std::string> metric;  // the path split at dots: {"put", "p99"}
  Comparator comparator = Comparator::kLt;
  double value = 0;
  ValueUnit unit = ValueUnit::kNumber;
  bool abort_on_fail = false;
  std::chrono::nanoseconds delay{};  // do not evaluate for abort before this much run time
};

// Why an abort_on_fail threshold cannot be judged during the run, or empty when it can (or is
// judged at the end anyway, as events.* are): latency by size class and an endpoint's latency of
// one operation kind are added up only when the phase ends. Inline: the loader refuses these and
// the report's live judge skips them, and the report does not link the loader.
inline std::string not_measurable_live(const Threshold& threshold) {
  const auto& m = threshold.metric;
  if (m.size() == 4 && m[1] == "size") {
    return "latency by size class is added up only when a phase ends";
  }
  // {"endpoint", N, <op>, <statistic>}: a statistic other than a count is a latency.
  if (m.size() == 4 && m[0] == "endpoint" && m[2] != "all" && m[2] != "errors" && m[2] != "ops" &&
      m[3] != "count" && m[3] != "errors") {
    return "an endpoint's latency is followed live for all operations together only (endpoint[" +
           m[1] + "].all." + m[3] + ")";
  }
  return {};
}

}  // namespace s3storm::scenario
