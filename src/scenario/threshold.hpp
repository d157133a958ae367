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

}  // namespace s3storm::scenario
