#include "report/thresholds.hpp"

#include <fmt/core.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "report/text_report.hpp"
#include "stats/size_class.hpp"

namespace s3storm::report {

namespace {

// The operations a user names; a multipart upload's parts are inside `multipart` already.
bool is_top_level(OpKind kind) {
  return kind != OpKind::kMultipartPart;
}

stats::OpStats combined(const stats::PhaseStats& phase, const std::string& op) {
  if (op != "all") {
    const auto kind = parse_op_kind(op);
    if (!kind) throw std::invalid_argument("unknown operation '" + op + "'");
    return phase.op(*kind);
  }
  stats::OpStats all;
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    if (is_top_level(static_cast<OpKind>(i))) all.merge(phase.ops[i]);
  }
  return all;
}

double latency_seconds(const stats::Histogram& histogram, const std::string& stat) {
  double us = 0;
  if (stat == "mean") {
    us = histogram.mean();
  } else if (stat == "min") {
    us = static_cast<double>(histogram.min());
  } else if (stat == "max") {
    us = static_cast<double>(histogram.max());
  } else {
    // "p99" -> 99, "p999" -> 99.9, "p9999" -> 99.99, "p50" -> 50.
    const std::string digits = stat.substr(1);
    double percentile = std::stod(digits);
    if (digits.size() > 2) percentile /= std::pow(10.0, static_cast<double>(digits.size() - 2));
    us = static_cast<double>(histogram.value_at_percentile(percentile));
  }
  return us / 1e6;
}

double event_count(const stats::EventStats& events, const std::string& what) {
  std::uint64_t sum = 0;
  for (const auto& outage : events.outages) {
    if (what == "outage_late") sum += outage.late;
    if (what == "outage_lost") sum += outage.lost;
    if (what == "outage_duplicated") sum += outage.duplicated;
  }
  for (const auto& [name, type] : events.by_type) {
    if (what == "expected") sum += type.expected;
    if (what == "delivered") sum += type.delivered;
    if (what == "missing") sum += type.missing;
    if (what == "duplicated" || what == "duplicate") sum += type.duplicate;
    if (what == "unexpected") sum += type.unexpected;
    if (what == "early") sum += type.early;
    if (what == "mismatched") sum += type.mismatched;
    if (what == "delivered_for_failed") sum += type.delivered_for_failed;
    if (what == "out_of_order") sum += type.out_of_order;
  }
  return static_cast<double>(sum);
}

const stats::PhaseStats& phase_named(const RunReport& report, const std::string& name) {
  for (const auto& phase : report.phases) {
    if (phase.name == name) return phase;
  }
  throw std::invalid_argument("no phase named '" + name + "' in the report");
}

bool compare(double measured, scenario::Comparator comparator, double value) {
  using scenario::Comparator;
  switch (comparator) {
    case Comparator::kLt:
      return measured < value;
    case Comparator::kLe:
      return measured <= value;
    case Comparator::kGt:
      return measured > value;
    case Comparator::kGe:
      return measured >= value;
    case Comparator::kEq:
      return measured == value;
    case Comparator::kNe:
      return measured != value;
  }
  return false;
}

// One endpoint's operations of a kind ("all": every kind together) over the report. None yet
// when no phase has started (a live snapshot) or none ran (a run stopped in setup): the index was
// checked against target.endpoints when the threshold was parsed.
stats::OpStats endpoint_ops(const stats::PhaseStats& all, std::size_t index,
                            const std::string& op) {
  if (index >= all.endpoints.size()) return {};
  const auto& endpoint = all.endpoints[index];
  if (op == "all") return endpoint.all;
  const auto kind = parse_op_kind(op);
  if (!kind) throw std::invalid_argument("unknown operation '" + op + "'");
  return endpoint.op(*kind);
}

// {"endpoint", "N", ...}: the endpoint's errors, rate, or an operation's latency and counts.
double measure_endpoint(const stats::PhaseStats& all, const std::vector<std::string>& m,
                        double duration) {
  const std::size_t index = std::stoul(m[1]);
  if (m[2] == "errors") {
    const auto ops = endpoint_ops(all, index, "all");
    if (m[3] == "count") return static_cast<double>(ops.errors);
    return ops.count == 0 ? 0.0 : static_cast<double>(ops.errors) / static_cast<double>(ops.count);
  }
  if (m[2] == "ops") {
    const auto ops = endpoint_ops(all, index, "all");
    if (m[3] == "count") return static_cast<double>(ops.count);
    return duration > 0 ? static_cast<double>(ops.count) / duration : 0.0;
  }
  const auto ops = endpoint_ops(all, index, m[2]);
  if (m[3] == "count") return static_cast<double>(ops.count);
  if (m[3] == "errors") return static_cast<double>(ops.errors);
  return latency_seconds(ops.latency, m[3]);
}

// <op>.size.<class>.<statistic>|count: "le_4KiB" is the report's "<=4KiB".
double measure_size_class(const stats::OpStats& ops, const std::string& name,
                          const std::string& stat) {
  for (std::size_t c = 0; c < stats::kSizeClasses; ++c) {
    if (stats::size_class_metric_name(c) != name) continue;
    const auto it = ops.latency_by_size.find(static_cast<std::uint8_t>(c));
    if (it == ops.latency_by_size.end()) return 0;
    if (stat == "count") return static_cast<double>(it->second.count());
    return latency_seconds(it->second, stat);
  }
  throw std::invalid_argument("unknown size class '" + name + "'");
}

}  // namespace

double measure(const RunReport& report, const std::vector<std::string>& m) {
  const auto all = totals(report);
  const double duration = all.duration_s > 0 ? all.duration_s : report.duration_s;
  auto per_second = [&](std::uint64_t n) {
    return duration > 0 ? static_cast<double>(n) / duration : 0.0;
  };
  if (m.size() == 4 && m[0] == "endpoint") return measure_endpoint(all, m, duration);
  if (m.size() == 3 && m[1] == "ttfb") return latency_seconds(combined(all, m[0]).ttfb, m[2]);
  if (m.size() == 4 && m[1] == "size") return measure_size_class(combined(all, m[0]), m[2], m[3]);
  if (m.size() == 2 && m[0] == "errors") {
    const auto ops = combined(all, "all");
    if (m[1] == "count") return static_cast<double>(ops.errors);
    return ops.count == 0 ? 0.0 : static_cast<double>(ops.errors) / static_cast<double>(ops.count);
  }
  if (m[0] == "ops") {
    const auto ops = combined(all, m.size() == 3 ? m[1] : "all");
    return m.back() == "rate" ? per_second(ops.count) : static_cast<double>(ops.count);
  }
  if (m[0] == "events") {
    if (m.size() == 3 && (m[1] == "delivery" || m[1] == "delivery_from_send")) {
      stats::Histogram delivery;
      for (const auto& [name, type] : report.events.by_type) {
        delivery.merge(m[1] == "delivery" ? type.delivery : type.delivery_from_send);
      }
      return latency_seconds(delivery, m[2]);
    }
    if (m.size() == 2 && m[1] == "outage_recovery") return report.events.outage_recovery_s();
    return event_count(report.events, m[1]);
  }
  if (m[0] == "phase" && m.size() == 4) {  // phase.<name>.search.max_rate_per_s
    const auto& search = phase_named(report, m[1]).search;
    return search && search->max_rate_per_s ? *search->max_rate_per_s : 0.0;
  }
  if (m[0] == "phase" && m.size() == 3) {
    const auto& phase = phase_named(report, m[1]);
    if (m[2] == "dropped") return static_cast<double>(phase.dropped);
    const auto ops = combined(phase, "all");
    return static_cast<double>(m[2] == "errors" ? ops.errors : ops.count);
  }
  if (m.size() == 2) {
    const auto ops = combined(all, m[0]);
    if (m[1] == "count") return static_cast<double>(ops.count);
    if (m[1] == "errors") return static_cast<double>(ops.errors);
    return latency_seconds(ops.latency, m[1]);
  }
  std::string joined;
  for (const auto& part : m) joined += (joined.empty() ? "" : ".") + part;
  throw std::invalid_argument("unknown metric '" + joined + "'");
}

namespace {

std::string unit_of(const scenario::Threshold& threshold) {
  switch (threshold.unit) {
    case scenario::ValueUnit::kDurationSeconds:
      return "s";
    case scenario::ValueUnit::kPerSecond:
      return "/s";
    case scenario::ValueUnit::kNumber:
      break;
  }
  const auto& m = threshold.metric;
  const bool errors_rate =
      (m.size() == 2 && m[0] == "errors" && m[1] == "rate") ||
      (m.size() == 4 && m[0] == "endpoint" && m[2] == "errors" && m[3] == "rate");
  return errors_rate ? "fraction" : "";
}

}  // namespace

std::vector<ThresholdResult> evaluate_thresholds(
    const RunReport& report, const std::vector<scenario::Threshold>& thresholds) {
  std::vector<ThresholdResult> results;
  for (const auto& threshold : thresholds) {
    const double measured = measure(report, threshold.metric);
    results.push_back({threshold.expression, measured,
                       compare(measured, threshold.comparator, threshold.value),
                       unit_of(threshold)});
  }
  return results;
}

std::string format_measured(const ThresholdResult& result) {
  if (result.unit == "s") {
    return format_duration_us(static_cast<std::uint64_t>(std::llround(result.measured * 1e6)));
  }
  if (result.unit == "/s") return fmt::format("{:.1f}/s", result.measured);
  if (result.unit == "fraction") return fmt::format("{:.4g}%", result.measured * 100);
  return fmt::format("{:g}", result.measured);
}

bool all_passed(const std::vector<ThresholdResult>& results) {
  for (const auto& result : results) {
    if (!result.pass) return false;
  }
  return true;
}

bool reads_latency(const scenario::Threshold& threshold) {
  const auto& m = threshold.metric;
  // An endpoint's latency of all kinds together ("endpoint[0].all.p99"), or a ttfb.
  if (m.size() == 4 && m[0] == "endpoint") {
    return m[2] != "errors" && m[2] != "ops" && m[3] != "count" && m[3] != "errors";
  }
  if (reads_ttfb(threshold)) return true;
  // measure()'s last branch: "<op>.<statistic>" where the statistic is no count.
  return m.size() == 2 && m[0] != "errors" && m[0] != "ops" && m[0] != "events" &&
         m[1] != "count" && m[1] != "errors";
}

bool reads_ttfb(const scenario::Threshold& threshold) {
  const auto& m = threshold.metric;
  return m.size() == 3 && m[1] == "ttfb";
}

bool judged_live(const scenario::Threshold& threshold) {
  const auto& m = threshold.metric;
  if (!m.empty() && m[0] == "events") return false;
  // Dropped starts are counted by each worker for itself and summed when the phase ends; a
  // search's answer is known only when its last probe has been judged.
  if (m.size() == 4 && m[0] == "phase") return false;
  // Latency by size class and an endpoint's per-kind latency are added up when a phase ends
  // (the loader refuses them with abort_on_fail: scenario::not_measurable_live).
  if (!scenario::not_measurable_live(threshold).empty()) return false;
  return !(m.size() == 3 && m[0] == "phase" && m[2] == "dropped");
}

std::vector<ThresholdResult> failed_abort_thresholds(
    const RunReport& snapshot, const std::vector<scenario::Threshold>& thresholds,
    std::chrono::nanoseconds elapsed) {
  std::vector<ThresholdResult> failed;
  for (const auto& threshold : thresholds) {
    if (!threshold.abort_on_fail || elapsed < threshold.delay || !judged_live(threshold)) continue;
    const double measured = measure(snapshot, threshold.metric);
    if (!compare(measured, threshold.comparator, threshold.value)) {
      failed.push_back({threshold.expression, measured, false, unit_of(threshold)});
    }
  }
  return failed;
}

}  // namespace s3storm::report
