#include "scenario/threshold_parser.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>

#include "scenario/units.hpp"
#include "stats/size_class.hpp"

namespace s3storm::scenario {

namespace {

constexpr std::string_view kOps[] = {"put", "copy", "delete", "post",           "multipart",
                                     "get", "head", "list",   "delete_objects", "all"};
// "duplicate" as the report names it; "duplicated" is accepted too.
constexpr std::string_view kEventCounts[] = {"expected",
                                             "delivered",
                                             "missing",
                                             "duplicate",
                                             "duplicated",
                                             "unexpected",
                                             "early",
                                             "mismatched",
                                             "delivered_for_failed",
                                             "out_of_order",
                                             "outage_late",
                                             "outage_lost",
                                             "outage_duplicated"};
constexpr std::string_view kPhaseCounts[] = {"dropped", "errors", "count"};

enum class MetricKind { kLatency, kCount, kFraction, kRate };

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

template <std::size_t N>
bool one_of(const std::string& s, const std::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), s) != std::end(set);
}

// p50, p90, p99, p999 (99.9), p9999 (99.99), and mean/min/max.
bool is_latency_stat(const std::string& s) {
  if (s == "mean" || s == "min" || s == "max") return true;
  if (s.size() < 3 || s[0] != 'p') return false;
  return std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         s[1] != '0';
}

const std::string kMetricHelp =
    "allowed metrics: <op>.p99|p999|mean|max, <op>.count|errors, <op>.ttfb.p99|mean|max, "
    "<op>.size.<class>.p99|mean|max|count (class: le_4KiB, le_64KiB, le_1MiB, le_16MiB, "
    "gt_16MiB), errors.rate|count, ops.rate, ops.<op>.rate|count, "
    "endpoint[N].errors.rate|count, endpoint[N].ops.rate|count, "
    "endpoint[N].<op>.p99|mean|max|count|errors (N from 0, in target.endpoints), "
    "events.missing|duplicate|unexpected|delivered|expected|early|mismatched|"
    "delivered_for_failed|out_of_order|outage_late|outage_lost|outage_duplicated, "
    "events.outage_recovery, events.delivery.p99, events.delivery_from_send.p99, "
    "phase.<name>.dropped|errors|count, phase.<name>.search.max_rate_per_s; "
    "<op> is one of put, copy, delete, post, multipart, get, head, list, delete_objects, all";

constexpr std::string_view kSizeClassHelp = "le_4KiB, le_64KiB, le_1MiB, le_16MiB or gt_16MiB";

bool is_size_class(const std::string& name) {
  for (std::size_t i = 0; i < stats::kSizeClasses; ++i) {
    if (stats::size_class_metric_name(i) == name) return true;
  }
  return false;
}

// "endpoint[3]" -> 3; nullopt when the part is no endpoint index.
std::optional<std::size_t> endpoint_index(const std::string& part) {
  constexpr std::string_view kPrefix = "endpoint[";
  if (part.size() <= kPrefix.size() + 1 || part.compare(0, kPrefix.size(), kPrefix) != 0 ||
      part.back() != ']') {
    return std::nullopt;
  }
  const std::string_view digits(part.data() + kPrefix.size(), part.size() - kPrefix.size() - 1);
  std::size_t n = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return n;
}

MetricKind classify(const std::vector<std::string>& m, const std::vector<std::string>& phases) {
  const auto bad = [&]() -> MetricKind {
    std::string joined;
    for (const auto& part : m) joined += (joined.empty() ? "" : ".") + part;
    throw std::invalid_argument("unknown metric '" + joined + "'; " + kMetricHelp);
  };
  // endpoint[N].<rest>: {"endpoint", "N", rest...}; the index was checked by the caller.
  if (m.size() >= 4 && m[0] == "endpoint") {
    const std::vector<std::string> rest(m.begin() + 2, m.end());
    if (rest.size() == 2 && rest[0] == "errors") {
      if (rest[1] == "rate") return MetricKind::kFraction;
      if (rest[1] == "count") return MetricKind::kCount;
      return bad();
    }
    if (rest.size() == 2 && rest[0] == "ops") {
      if (rest[1] == "rate") return MetricKind::kRate;
      if (rest[1] == "count") return MetricKind::kCount;
      return bad();
    }
    if (rest.size() == 2 && one_of(rest[0], kOps)) {
      if (is_latency_stat(rest[1])) return MetricKind::kLatency;
      if (rest[1] == "count" || rest[1] == "errors") return MetricKind::kCount;
    }
    return bad();
  }
  if (m.size() == 2 && one_of(m[0], kOps)) {
    if (is_latency_stat(m[1])) return MetricKind::kLatency;
    if (m[1] == "count" || m[1] == "errors") return MetricKind::kCount;
    return bad();
  }
  // Time to first byte: <op>.ttfb.<statistic>.
  if (m.size() == 3 && one_of(m[0], kOps) && m[1] == "ttfb") {
    if (is_latency_stat(m[2])) return MetricKind::kLatency;
    return bad();
  }
  // Latency by object size: <op>.size.<class>.<statistic>|count.
  if (m.size() == 4 && one_of(m[0], kOps) && m[1] == "size") {
    if (!is_size_class(m[2])) {
      throw std::invalid_argument("unknown size class '" + m[2] + "' in '" + m[0] + ".size." +
                                  m[2] + "." + m[3] + "'; the classes are " +
                                  std::string(kSizeClassHelp));
    }
    if (is_latency_stat(m[3])) return MetricKind::kLatency;
    if (m[3] == "count") return MetricKind::kCount;
    return bad();
  }
  if (m.size() == 2 && m[0] == "errors") {
    if (m[1] == "rate") return MetricKind::kFraction;
    if (m[1] == "count") return MetricKind::kCount;
    return bad();
  }
  if (m[0] == "ops") {
    if (m.size() == 2 && m[1] == "rate") return MetricKind::kRate;
    if (m.size() == 2 && m[1] == "count") return MetricKind::kCount;
    if (m.size() == 3 && one_of(m[1], kOps) && m[2] == "rate") return MetricKind::kRate;
    if (m.size() == 3 && one_of(m[1], kOps) && m[2] == "count") return MetricKind::kCount;
    return bad();
  }
  if (m[0] == "events") {
    if (m.size() == 2 && one_of(m[1], kEventCounts)) return MetricKind::kCount;
    // The longest time from an outage's end until its backlog drained (events.outages).
    if (m.size() == 2 && m[1] == "outage_recovery") return MetricKind::kLatency;
    if (m.size() == 3 && (m[1] == "delivery" || m[1] == "delivery_from_send") &&
        is_latency_stat(m[2])) {
      return MetricKind::kLatency;
    }
    return bad();
  }
  if (m[0] == "phase" && m.size() == 3) {
    if (std::find(phases.begin(), phases.end(), m[1]) == phases.end()) {
      throw std::invalid_argument("threshold names phase '" + m[1] +
                                  "', but the scenario has no phase of that name");
    }
    if (one_of(m[2], kPhaseCounts)) return MetricKind::kCount;
  }
  // What a capacity search found: the highest rate that held (0 when none did).
  if (m[0] == "phase" && m.size() == 4 && m[2] == "search" && m[3] == "max_rate_per_s") {
    if (std::find(phases.begin(), phases.end(), m[1]) == phases.end()) {
      throw std::invalid_argument("threshold names phase '" + m[1] +
                                  "', but the scenario has no phase of that name");
    }
    return MetricKind::kRate;
  }
  return bad();
}

}  // namespace

Threshold parse_threshold(std::string_view expression, const std::vector<std::string>& phases,
                          std::size_t endpoint_count) {
  Threshold t;
  t.expression = trim(expression);
  static constexpr std::pair<std::string_view, Comparator> kComparators[] = {
      {"<=", Comparator::kLe}, {">=", Comparator::kGe}, {"==", Comparator::kEq},
      {"!=", Comparator::kNe}, {"<", Comparator::kLt},  {">", Comparator::kGt}};
  std::size_t at = std::string_view::npos;
  std::size_t length = 0;
  for (const auto& [text, cmp] : kComparators) {
    const auto pos = expression.find(text);
    if (pos != std::string_view::npos && (pos < at || (pos == at && text.size() > length))) {
      at = pos;
      length = text.size();
      t.comparator = cmp;
    }
  }
  if (at == std::string_view::npos) {
    throw std::invalid_argument("threshold '" + t.expression +
                                "' needs a comparison: <metric> <|<=|>|>=|==|!= <value>, e.g. "
                                "'put.p99 < 50ms'");
  }
  const std::string metric = trim(expression.substr(0, at));
  const std::string value = trim(expression.substr(at + length));
  if (metric.empty()) throw std::invalid_argument("threshold '" + t.expression + "' has no metric");
  if (value.empty()) throw std::invalid_argument("threshold '" + t.expression + "' has no value");
  t.metric = split_dots(metric);
  if (const auto n = endpoint_index(t.metric.front())) {
    if (endpoint_count == 0) {
      throw std::invalid_argument("threshold '" + t.expression +
                                  "' names an endpoint, but the scenario has no target.endpoints");
    }
    if (*n >= endpoint_count) {
      throw std::invalid_argument(
          "threshold '" + t.expression + "' names endpoint[" + std::to_string(*n) +
          "], but target.endpoints has " + std::to_string(endpoint_count) +
          " (counted from 0: endpoint[0] to endpoint[" + std::to_string(endpoint_count - 1) + "])");
    }
    t.metric.front() = std::to_string(*n);
    t.metric.insert(t.metric.begin(), "endpoint");
  } else if (t.metric.front() == "endpoint" || t.metric.front().rfind("endpoint[", 0) == 0) {
    throw std::invalid_argument("threshold '" + t.expression +
                                "' names an endpoint: write endpoint[N] with N from 0, e.g. "
                                "'endpoint[0].errors.rate < 1%'");
  }
  const MetricKind kind = classify(t.metric, phases);

  // The value's number part, then its unit decides how it is read.
  std::size_t unit_at = 0;
  while (unit_at < value.size() &&
         ((value[unit_at] >= '0' && value[unit_at] <= '9') || value[unit_at] == '.')) {
    ++unit_at;
  }
  const std::string unit = trim(std::string_view(value).substr(unit_at));
  const std::string number = value.substr(0, unit_at);
  double plain = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), plain);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size()) {
    throw std::invalid_argument("threshold value '" + value +
                                "' is not a number (with an optional unit: ms, s, /s, %)");
  }
  switch (kind) {
    case MetricKind::kLatency:
      if (unit.empty()) {
        throw std::invalid_argument("threshold '" + t.expression +
                                    "' compares a latency: give the value a unit, e.g. 50ms");
      }
      t.value = static_cast<double>(parse_duration(value).count()) / 1e9;
      t.unit = ValueUnit::kDurationSeconds;
      break;
    case MetricKind::kRate:
      if (unit.empty() || unit[0] != '/') {
        throw std::invalid_argument("threshold '" + t.expression +
                                    "' compares a rate: give the value a unit, e.g. 500/s");
      }
      t.value = parse_rate_per_second(value);
      t.unit = ValueUnit::kPerSecond;
      break;
    case MetricKind::kFraction:
      if (unit == "%") {
        t.value = plain / 100;
      } else if (unit.empty()) {
        t.value = plain;
      } else {
        throw std::invalid_argument("threshold '" + t.expression +
                                    "' compares a fraction: write 0.001 or 0.1%");
      }
      break;
    case MetricKind::kCount:
      if (!unit.empty()) {
        throw std::invalid_argument("threshold '" + t.expression +
                                    "' compares a count: write a plain number");
      }
      t.value = plain;
      break;
  }
  return t;
}

std::optional<std::string> unmeasurable_without_events(const Threshold& threshold,
                                                       const Events& events) {
  return unmeasurable_without_events(threshold, events.source != EventSource::kNone);
}

std::optional<std::string> unmeasurable_without_events(const Threshold& threshold,
                                                       bool events_checked) {
  if (events_checked || threshold.metric.empty() || threshold.metric.front() != "events") {
    return std::nullopt;
  }
  return "measures events, but events.source is none (no event is expected, so it would always "
         "hold): set events.source, or drop it";
}

}  // namespace s3storm::scenario
