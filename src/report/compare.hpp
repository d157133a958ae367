#pragma once

// `s3storm compare`: how a run's operations moved against a baseline run, phase by phase, and
// whether any moved the wrong way by more than a limit (latency up, rate down).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "report/run_report.hpp"

namespace s3storm::report {

// The percentiles compared, in this order.
inline constexpr std::array<double, 4> kComparedPercentiles{50, 90, 99, 99.9};

struct OpComparison {
  std::string phase;
  std::string op;
  // Operations per second over the phase; 0 on a side where the operation did not run.
  double base_rate = 0;
  double new_rate = 0;
  // Latency (from the intended start) at kComparedPercentiles, microseconds.
  std::array<std::uint64_t, kComparedPercentiles.size()> base_us{};
  std::array<std::uint64_t, kComparedPercentiles.size()> new_us{};
  bool in_base = false;
  bool in_new = false;
  bool p99_regressed = false;
  bool rate_regressed = false;
  bool regressed() const { return p99_regressed || rate_regressed; }
};

struct Comparison {
  double max_regression = 0;              // a fraction: 0.1 for 10%
  std::vector<OpComparison> ops;          // phases in the base's order, operations in OpKind order
  std::vector<std::string> only_in_base;  // phase names
  std::vector<std::string> only_in_new;
  bool any_regression() const;
};

// Phases are paired by name; an operation that ran in the base phase but not in the new one counts
// as a rate regression (its rate fell to zero), one new in the new run is shown but never judged.
// max_regression is a fraction (0.1 = 10%).
Comparison compare_reports(const RunReport& base, const RunReport& candidate,
                           double max_regression);

// The comparison as a table for a terminal, ending with the verdict line.
std::string format_comparison(const Comparison& comparison);

// "10%" → 0.1; "0%" and "12.5%" too. Anything else (no '%', negative, not a number) throws
// std::invalid_argument with a one-line reason.
double parse_regression_limit(std::string_view text);

// Relative change from base to candidate (+0.25 for 25% more); +inf when base is 0 and candidate
// is not, 0 when both are 0.
double relative_change(double base, double candidate);

}  // namespace s3storm::report
