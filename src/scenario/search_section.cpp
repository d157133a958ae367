// Reading a phase's `search:` (a capacity search) and checking that it can be run.

#include <fmt/core.h>

#include <charconv>
#include <cmath>

#include "scenario/sections.hpp"
#include "scenario/threshold_parser.hpp"
#include "scenario/units.hpp"

namespace s3storm::scenario::detail {

namespace {

constexpr double kMinPrecision = 0.001;
constexpr double kMaxPrecision = 0.5;

const std::string kProbeMetrics =
    "'until' is judged on each probe alone and may name <op>.pNN|mean|min|max|count|errors, "
    "errors.rate|count, ops.rate|count, ops.<op>.rate|count, "
    "events.expected|delivered|missing|early|mismatched, events.delivery.pNN|mean|max, "
    "events.delivery_from_send.pNN|mean|max, endpoint[N].errors.rate|count, "
    "endpoint[N].ops.rate|count, endpoint[N].<op>.pNN|mean|min|max|count|errors";

// What a probe's own numbers can say: its operations, also per endpoint (each probe's workers
// record them apart), and the events of its operations (a probe's events are tallied by when
// their operation completed, see Matcher::open_tally). The run-wide event counts (duplicates,
// unexpected arrivals, outages) and other phases cannot be told apart per probe.
bool measurable_per_probe(const Threshold& threshold) {
  const auto& m = threshold.metric;
  if (m[0] == "phase") return false;
  if (m[0] != "events") return true;
  if (m.size() == 3) return m[1] == "delivery" || m[1] == "delivery_from_send";
  return m[1] == "expected" || m[1] == "delivered" || m[1] == "missing" || m[1] == "early" ||
         m[1] == "mismatched";
}

// "5%" or 0.05.
std::optional<double> to_fraction(Reader& r, const YAML::Node& node) {
  const auto text = r.scalar(node, "precision");
  if (!text) return std::nullopt;
  std::string_view number = *text;
  const bool percent = !number.empty() && number.back() == '%';
  if (percent) number.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value)) {
    r.error(node, "'precision' must be a fraction like 5% or 0.05, got '" + *text + "'");
    return std::nullopt;
  }
  return percent ? value / 100 : value;
}

}  // namespace

void read_search(Reader& r, const YAML::Node& node, std::size_t endpoint_count, Phase& phase) {
  if (!r.check_map(node, "search", {"rate", "probe", "until", "precision"})) return;
  Search search;
  bool ok = r.require(node, "rate", "search") && r.require(node, "probe", "search") &&
            r.require(node, "until", "search");
  if (const YAML::Node rate = node["rate"]) {
    if (r.check_map(rate, "search rate", {"from", "to"}) &&
        r.require(rate, "from", "search rate") && r.require(rate, "to", "search rate")) {
      const auto from = r.to_rate(rate["from"], "from");
      const auto to = r.to_rate(rate["to"], "to");
      if (from && *from <= 0) r.error(rate["from"], "search rate 'from' must be above 0/s");
      if (from && to && *from > 0 && *to <= *from) {
        r.error(rate["to"],
                fmt::format("search rate 'to' ({:g}/s) must be above 'from' ({:g}/s)", *to, *from));
      }
      ok = ok && from && to && *from > 0 && *to > *from;
      if (ok) {
        search.from_per_second = *from;
        search.to_per_second = *to;
      }
    } else {
      ok = false;
    }
  }
  if (const YAML::Node probe = node["probe"]) {
    if (auto v = r.to_duration(probe, "probe", false)) search.probe = *v;
  }
  if (const YAML::Node precision = node["precision"]) {
    if (auto v = to_fraction(r, precision)) {
      if (*v < kMinPrecision || *v > kMaxPrecision) {
        r.error(precision, "'precision' must lie between 0.1% and 50%");
      } else {
        search.precision = *v;
      }
    }
  }
  if (const YAML::Node until = node["until"]) {
    if (!until.IsSequence() || until.size() == 0) {
      r.error(until, "'until' must be a non-empty list of expressions like 'errors.rate < 0.01'");
      ok = false;
    }
    for (const auto& item : until) {
      const auto text = r.scalar(item, "until");
      if (!text) continue;
      try {
        auto threshold = parse_threshold(*text, {}, endpoint_count);
        if (!measurable_per_probe(threshold)) {
          r.error(item,
                  "unknown measure in until: '" + threshold.expression + "'; " + kProbeMetrics);
          continue;
        }
        search.until.push_back(std::move(threshold));
      } catch (const std::invalid_argument& e) {
        // "phase.x..." fails the parser for want of phases: say what until allows instead.
        if (text->rfind("phase.", 0) == 0) {
          r.error(item, std::string("unknown measure in until: ") + kProbeMetrics);
        } else {
          r.error(item, std::string("in until: ") + e.what());
        }
      }
    }
  }
  if (ok) phase.search = std::move(search);
}

void check_search_events(Reader& r, const YAML::Node& phases, const Events& events) {
  if (events.source != EventSource::kNone || !phases.IsSequence()) return;
  // Without an event source no event is expected or delivered: every events.* measure would hold
  // on every probe, and the search would report the rate `to` as held.
  for (const auto& phase : phases) {
    const YAML::Node search = phase.IsMap() ? phase["search"] : YAML::Node();
    const YAML::Node until = search && search.IsMap() ? search["until"] : YAML::Node();
    if (!until || !until.IsSequence()) continue;
    for (const auto& item : until) {
      if (!item.IsScalar() || item.Scalar().rfind("events.", 0) != 0) continue;
      r.error(item,
              "'until' measures events, but events.source is none (no event is expected, "
              "so it would always hold): set events.source, or drop '" +
                  item.Scalar() + "'");
    }
  }
}

void check_search_alone(Reader& r, const YAML::Node& node, const Phase& phase) {
  for (const char* key : {"rate", "ramp", "iterations", "duration"}) {
    if (const YAML::Node n = node[key]) {
      r.error(n, "phase '" + phase.name +
                     "' has a 'search', which sets its rate and its probes' "
                     "duration: remove '" +
                     key + "'");
    }
  }
}

}  // namespace s3storm::scenario::detail
