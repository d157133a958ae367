#include "report/compare.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "report/text_report.hpp"

namespace s3storm::report {

namespace {

constexpr std::size_t kP99 = 2;  // index of 99 in kComparedPercentiles

double ops_per_second(const stats::OpStats& op, double seconds) {
  return seconds > 0 ? static_cast<double>(op.count) / seconds : 0.0;
}

const stats::PhaseStats* find_phase(const RunReport& report, const std::string& name) {
  for (const auto& phase : report.phases) {
    if (phase.name == name) return &phase;
  }
  return nullptr;
}

OpComparison compare_op(const stats::PhaseStats& base, const stats::PhaseStats& candidate,
                        std::size_t kind, double limit) {
  const auto& b = base.ops[kind];
  const auto& n = candidate.ops[kind];
  OpComparison c;
  c.phase = base.name;
  c.op = std::string(kOpNames[kind]);
  c.in_base = b.count > 0;
  c.in_new = n.count > 0;
  c.base_rate = ops_per_second(b, base.duration_s);
  c.new_rate = ops_per_second(n, candidate.duration_s);
  for (std::size_t i = 0; i < kComparedPercentiles.size(); ++i) {
    c.base_us[i] = b.latency.value_at_percentile(kComparedPercentiles[i]);
    c.new_us[i] = n.latency.value_at_percentile(kComparedPercentiles[i]);
  }
  // Only what the base did can regress; something new in the candidate has nothing to lose.
  if (c.in_base) {
    c.rate_regressed = relative_change(c.base_rate, c.new_rate) < -limit;
    c.p99_regressed = c.in_new && relative_change(static_cast<double>(c.base_us[kP99]),
                                                  static_cast<double>(c.new_us[kP99])) > limit;
  }
  return c;
}

std::string change_cell(double base, double candidate) {
  const double change = relative_change(base, candidate);
  if (std::isinf(change)) return "new";
  return fmt::format("{:+.1f}%", change * 100);
}

std::string percent_text(double fraction) {
  return fmt::format("{:.10g}%", fraction * 100);
}

}  // namespace

bool Comparison::any_regression() const {
  for (const auto& op : ops) {
    if (op.regressed()) return true;
  }
  return false;
}

double relative_change(double base, double candidate) {
  if (base == 0) return candidate == 0 ? 0.0 : std::numeric_limits<double>::infinity();
  return (candidate - base) / base;
}

Comparison compare_reports(const RunReport& base, const RunReport& candidate,
                           double max_regression) {
  Comparison result;
  result.max_regression = max_regression;
  for (const auto& phase : base.phases) {
    const auto* other = find_phase(candidate, phase.name);
    if (other == nullptr) {
      result.only_in_base.push_back(phase.name);
      continue;
    }
    for (std::size_t kind = 0; kind < kOpKinds; ++kind) {
      if (phase.ops[kind].count == 0 && other->ops[kind].count == 0) continue;
      result.ops.push_back(compare_op(phase, *other, kind, max_regression));
    }
  }
  for (const auto& phase : candidate.phases) {
    if (find_phase(base, phase.name) == nullptr) result.only_in_new.push_back(phase.name);
  }
  return result;
}

std::string format_comparison(const Comparison& comparison) {
  std::string out;
  auto it = std::back_inserter(out);
  const std::string* phase = nullptr;
  std::vector<std::string> regressions;
  for (const auto& op : comparison.ops) {
    if (phase == nullptr || *phase != op.phase) {
      phase = &op.phase;
      fmt::format_to(it, "\nPhase {}\n  {:<15}{:<8}{:>12}{:>12}{:>10}\n", op.phase, "op", "metric",
                     "base", "new", "change");
    }
    auto row = [&](const char* metric, const std::string& base, const std::string& candidate,
                   const std::string& change, bool regressed) {
      const bool first = metric == std::string_view("ops/s");
      fmt::format_to(it, "  {:<15}{:<8}{:>12}{:>12}{:>10}{}\n", first ? op.op : "", metric, base,
                     candidate, change, regressed ? "  REGRESSION" : "");
      if (regressed)
        regressions.push_back(fmt::format("{} {} {} {}", op.phase, op.op, metric, change));
    };
    auto rate_cell = [](double rate, bool ran) { return ran ? fmt::format("{:.1f}", rate) : "-"; };
    row("ops/s", rate_cell(op.base_rate, op.in_base), rate_cell(op.new_rate, op.in_new),
        op.in_base && op.in_new ? change_cell(op.base_rate, op.new_rate)
                                : (op.in_base ? "gone" : "new"),
        op.rate_regressed);
    if (!op.in_base || !op.in_new) continue;
    const char* names[] = {"p50", "p90", "p99", "p99.9"};
    for (std::size_t i = 0; i < kComparedPercentiles.size(); ++i) {
      row(names[i], format_duration_us(op.base_us[i]), format_duration_us(op.new_us[i]),
          change_cell(static_cast<double>(op.base_us[i]), static_cast<double>(op.new_us[i])),
          i == kP99 && op.p99_regressed);
    }
  }
  if (comparison.ops.empty()) out += "\nNo operations to compare\n";
  auto list = [&](const char* what, const std::vector<std::string>& names) {
    if (names.empty()) return;
    fmt::format_to(it, "\nPhases only in {} (not compared):", what);
    for (const auto& name : names) fmt::format_to(it, " {}", name);
    out += '\n';
  };
  list("the base", comparison.only_in_base);
  list("the new run", comparison.only_in_new);
  const std::string limit = percent_text(comparison.max_regression);
  if (regressions.empty()) {
    fmt::format_to(it, "\nNo regression beyond {} (p99 latency up or rate down)\n", limit);
  } else {
    fmt::format_to(it, "\n{} regression(s) beyond {}:", regressions.size(), limit);
    for (const auto& r : regressions) fmt::format_to(it, " {};", r);
    out.back() = '\n';
  }
  return out;
}

double parse_regression_limit(std::string_view text) {
  if (text.empty() || text.back() != '%') {
    throw std::invalid_argument("expected a percentage such as 10%");
  }
  text.remove_suffix(1);
  double percent = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), percent);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw std::invalid_argument("expected a percentage such as 10%");
  }
  if (!(percent >= 0) || std::isinf(percent)) {
    throw std::invalid_argument("the limit must be a percentage of 0% or more");
  }
  return percent / 100;
}

}  // namespace s3storm::report
