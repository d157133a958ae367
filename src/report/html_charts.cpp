#include "report/html_charts.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "report/text_report.hpp"

namespace s3storm::report::html {

namespace {

Axis seconds_axis() {
  return {"seconds since the run started", false, [](double s) { return fmt::format("{:g}s", s); }};
}

Axis latency_axis(std::string label) {
  return {std::move(label), true, [](double us) {
            return format_duration_us(static_cast<std::uint64_t>(std::llround(std::max(us, 0.0))));
          }};
}

// One time-series bucket of one or more whole seconds starting at `first` (seconds since the run
// start). `covered` is how much of it the phase ran for: a phase starts and ends inside a second,
// and a rate over the whole second would draw its first and last second as a dip.
struct Bucket {
  double first = 0;
  double covered = 1;
  stats::TimeSeries::Second sum;  // latency_max_us holds the maximum, the rest are totals
};

// The part of [second, second + 1) inside [from, to]; the whole second when the span is unknown.
double coverage(std::int64_t second, double from, double to) {
  if (!(from > 0) || !(to > from)) return 1;
  const double lo = std::max(static_cast<double>(second), from);
  const double hi = std::min(static_cast<double>(second + 1), to);
  return std::clamp(hi - lo, 0.0, 1.0);
}

void add_to(stats::TimeSeries::Second& sum, const stats::TimeSeries::Second& second) {
  sum.count += second.count;
  sum.errors += second.errors;
  sum.bytes += second.bytes;
  sum.latency_sum_us += second.latency_sum_us;
  sum.latency_max_us = std::max(sum.latency_max_us, second.latency_max_us);
  sum.latency.merge(second.latency);
}

// A partial first or last bucket that covers less than this is folded into its neighbour: a rate
// over a few milliseconds says little, and would draw as a spike or a dip.
constexpr double kShortestCovered = 0.25;

// `span` is the phase's [start, end] in epoch seconds; kWholeSeconds when unknown.
constexpr std::pair<double, double> kWholeSeconds{0, 0};
std::vector<Bucket> buckets(const stats::TimeSeries& series, std::int64_t run_start,
                            std::pair<double, double> span) {
  const auto& seconds = series.seconds();
  const std::size_t width =
      std::max<std::size_t>(1, (seconds.size() + kMaxTimePoints - 1) / kMaxTimePoints);
  std::vector<Bucket> out;
  for (std::size_t i = 0; i < seconds.size(); i += width) {
    Bucket b;
    b.first = static_cast<double>(series.start() - run_start + static_cast<std::int64_t>(i));
    b.covered = 0;
    const std::size_t end = std::min(seconds.size(), i + width);
    for (std::size_t j = i; j < end; ++j) {
      add_to(b.sum, seconds[j]);
      b.covered += coverage(series.start() + static_cast<std::int64_t>(j), span.first, span.second);
    }
    out.push_back(std::move(b));
  }
  if (out.size() > 1 && out.back().covered < kShortestCovered) {
    Bucket last = std::move(out.back());
    out.pop_back();
    add_to(out.back().sum, last.sum);
    out.back().covered += last.covered;
  }
  if (out.size() > 1 && out.front().covered < kShortestCovered) {
    add_to(out[1].sum, out.front().sum);
    out[1].covered += out.front().covered;
    out.erase(out.begin());
  }
  // Operations finish inside the phase, so only a span that is wrong (a report edited by hand)
  // leaves a bucket with operations and no coverage; it is drawn over whole seconds.
  for (auto& b : out) {
    if (b.covered <= 0) b.covered = 1;
  }
  return out;
}

std::vector<Bucket> phase_buckets(const stats::TimeSeries& series, std::int64_t run_start,
                                  const stats::PhaseStats& phase) {
  return buckets(series, run_start,
                 {phase.started_epoch_s, phase.started_epoch_s + phase.duration_s});
}

// Calls fn(name, colour, op) for each operation kind with a time series.
template <typename Fn>
void for_each_op(const stats::PhaseStats& phase, Fn fn) {
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    if (!phase.ops[i].per_second.empty()) {
      fn(std::string(kOpNames[i]), static_cast<int>(i), phase.ops[i]);
    }
  }
}

// p50 (dotted), p99 and maximum (dashed) of each bucket that has values, in one colour.
void add_latency_series(Chart& chart, const std::string& name, int colour,
                        const std::vector<Bucket>& seconds) {
  Series p50{name + " p50", {}, colour, Stroke::kDotted};
  Series p99{name + " p99", {}, colour};
  Series max{name + " max", {}, colour, Stroke::kDashed};
  for (const auto& b : seconds) {
    if (b.sum.count == 0) continue;  // nothing finished: no latency, not zero latency
    const auto& latency = b.sum.latency;
    if (latency.count() > 0) {
      p50.points.push_back(
          {b.first, static_cast<double>(latency.value_at_percentile(50, b.sum.latency_max_us))});
      p99.points.push_back(
          {b.first, static_cast<double>(latency.value_at_percentile(99, b.sum.latency_max_us))});
    } else {
      // Reports from before per-second percentiles have none: the mean stands in for the p50.
      p50.points.push_back(
          {b.first, static_cast<double>(b.sum.latency_sum_us) / static_cast<double>(b.sum.count)});
    }
    max.points.push_back({b.first, static_cast<double>(b.sum.latency_max_us)});
  }
  chart.series.push_back(std::move(p50));
  if (!p99.points.empty()) chart.series.push_back(std::move(p99));
  chart.series.push_back(std::move(max));
}

// Colours of the events charts: expected, delivered, missing (palette slots).
constexpr int kExpectedColour = 0;
constexpr int kDeliveredColour = 2;
constexpr int kMissingColour = 3;

}  // namespace

Chart throughput_chart(const stats::PhaseStats& phase, std::int64_t run_start) {
  Chart chart;
  chart.title = "Operations per second, " + phase.name;
  chart.kind = ChartKind::kArea;
  chart.x = seconds_axis();
  chart.y = {"operations per second", false, {}};
  for_each_op(phase, [&](const std::string& name, int colour, const stats::OpStats& op) {
    Series s{name, {}, colour};
    for (const auto& b : phase_buckets(op.per_second, run_start, phase)) {
      s.points.push_back({b.first, static_cast<double>(b.sum.count) / b.covered});
    }
    chart.series.push_back(std::move(s));
  });
  return chart;
}

Chart phases_timeline_chart(const std::vector<stats::PhaseStats>& phases, std::int64_t run_start) {
  Chart chart;
  chart.title = "When each phase ran";
  chart.x = seconds_axis();
  const auto rows = static_cast<double>(phases.size());
  std::vector<std::string> names;
  for (const auto& phase : phases) names.push_back(phase.name);
  // Row i (from 0, top) is drawn at y = rows - i; the axis names the phase instead of the number.
  chart.y = {"phase", false, [names, rows](double y) {
               const double row = rows - y;
               const auto i = static_cast<std::size_t>(std::llround(row));
               return std::abs(row - std::round(row)) < 1e-9 && row >= 0 && i < names.size()
                          ? names[i]
                          : std::string();
             }};
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const auto& phase = phases[i];
    if (!(phase.started_epoch_s > 0)) continue;
    const double start = phase.started_epoch_s - static_cast<double>(run_start);
    const double y = rows - static_cast<double>(i);
    chart.series.push_back(
        {phase.name, {{start, y}, {start + phase.duration_s, y}}, static_cast<int>(i)});
  }
  return chart;
}

Chart errors_chart(const stats::PhaseStats& phase, std::int64_t run_start) {
  Chart chart;
  chart.title = "Failed operations per second, " + phase.name;
  chart.kind = ChartKind::kBars;
  chart.x = seconds_axis();
  chart.y = {"errors per second", false, {}};
  for_each_op(phase, [&](const std::string& name, int colour, const stats::OpStats& op) {
    if (op.errors == 0) return;
    Series s{name, {}, colour};
    for (const auto& b : phase_buckets(op.per_second, run_start, phase)) {
      if (b.sum.errors > 0)
        s.points.push_back({b.first, static_cast<double>(b.sum.errors) / b.covered});
    }
    chart.series.push_back(std::move(s));
  });
  return chart;
}

Chart latency_over_time_chart(const stats::PhaseStats& phase, std::int64_t run_start) {
  Chart chart;
  chart.title = "Latency per second (p50, p99 and maximum), " + phase.name;
  chart.x = seconds_axis();
  chart.y = latency_axis("latency");
  for_each_op(phase, [&](const std::string& name, int colour, const stats::OpStats& op) {
    add_latency_series(chart, name, colour, phase_buckets(op.per_second, run_start, phase));
  });
  return chart;
}

Chart events_over_time_chart(const stats::EventStats& events, std::int64_t run_start) {
  Chart chart;
  chart.title = "Events per second";
  chart.x = seconds_axis();
  chart.y = {"events per second", false, {}};
  Series expected{"expected", {}, kExpectedColour};
  Series missing{"missing at the end", {}, kMissingColour, Stroke::kDashed};
  for (const auto& b : buckets(events.expected_per_second, run_start, kWholeSeconds)) {
    expected.points.push_back({b.first, static_cast<double>(b.sum.count) / b.covered});
    missing.points.push_back({b.first, static_cast<double>(b.sum.errors) / b.covered});
  }
  Series delivered{"delivered", {}, kDeliveredColour};
  for (const auto& b : buckets(events.delivered_per_second, run_start, kWholeSeconds)) {
    delivered.points.push_back({b.first, static_cast<double>(b.sum.count) / b.covered});
  }
  chart.series.push_back(std::move(expected));
  chart.series.push_back(std::move(delivered));
  if (std::any_of(missing.points.begin(), missing.points.end(),
                  [](const Point& p) { return p.y > 0; })) {
    chart.series.push_back(std::move(missing));
  }
  return chart;
}

Chart event_backlog_chart(const stats::EventStats& events, std::int64_t run_start) {
  Chart chart;
  chart.title = "Events expected and not yet delivered";
  chart.kind = ChartKind::kArea;
  chart.x = seconds_axis();
  chart.y = {"events outstanding", false, {}};
  // Both series on one clock: each second adds what it expected and removes what arrived.
  const auto& expected = events.expected_per_second;
  const auto& delivered = events.delivered_per_second;
  if (expected.empty()) return chart;
  const std::int64_t first =
      delivered.empty() ? expected.start() : std::min(expected.start(), delivered.start());
  const auto end_of = [](const stats::TimeSeries& s) {
    return s.start() + static_cast<std::int64_t>(s.seconds().size());
  };
  const std::int64_t last =
      delivered.empty() ? end_of(expected) : std::max(end_of(expected), end_of(delivered));
  const auto count_at = [](const stats::TimeSeries& s, std::int64_t second) -> std::uint64_t {
    if (s.empty() || second < s.start()) return 0;
    const auto offset = static_cast<std::size_t>(second - s.start());
    return offset < s.seconds().size() ? s.seconds()[offset].count : 0;
  };
  const auto span = static_cast<std::size_t>(last - first);
  const std::size_t width = std::max<std::size_t>(1, (span + kMaxTimePoints - 1) / kMaxTimePoints);
  Series backlog{"outstanding", {}, kMissingColour};
  std::int64_t outstanding = 0;
  for (std::int64_t second = first; second < last; ++second) {
    outstanding += static_cast<std::int64_t>(count_at(expected, second)) -
                   static_cast<std::int64_t>(count_at(delivered, second));
    // An event can beat its operation's answer (a synchronous notifier): never below zero.
    const auto offset = static_cast<std::size_t>(second - first);
    if ((offset + 1) % width == 0 || second + 1 == last) {
      backlog.points.push_back({static_cast<double>(second + 1 - run_start),
                                static_cast<double>(std::max<std::int64_t>(outstanding, 0))});
    }
  }
  chart.series.push_back(std::move(backlog));
  return chart;
}

Chart delivery_latency_over_time_chart(const stats::EventStats& events, std::int64_t run_start) {
  Chart chart;
  chart.title = "Event delivery latency per second of arrival (p50, p99 and maximum)";
  chart.x = seconds_axis();
  chart.y = latency_axis("delivery latency");
  add_latency_series(chart, "delivery", kDeliveredColour,
                     buckets(events.delivered_per_second, run_start, kWholeSeconds));
  return chart;
}

std::vector<Point> percentile_curve(const stats::Histogram& histogram) {
  std::vector<Point> points;
  if (histogram.count() == 0) return points;
  // Go as far into the tail as the sample size can say anything about, up to 99.9999%.
  const int decades = std::clamp(
      static_cast<int>(std::ceil(std::log10(static_cast<double>(histogram.count())))), 1, 6);
  constexpr int kStepsPerDecade = 20;
  for (int k = 0; k < decades * kStepsPerDecade; ++k) {
    const double x = std::pow(10.0, static_cast<double>(k) / kStepsPerDecade);
    const double percentile = 100.0 * (1.0 - 1.0 / x);
    points.push_back({x, static_cast<double>(histogram.value_at_percentile(percentile))});
  }
  points.push_back({std::pow(10.0, decades), static_cast<double>(histogram.max())});
  return points;
}

Chart latency_distribution_chart(const std::string& title,
                                 const std::vector<NamedHistogram>& histograms) {
  Chart chart;
  chart.title = title;
  chart.x = {"percentile", true, [](double x) {
               // x = 1/(1-p): 1 is the 0th percentile, 10 the 90th, 100 the 99th…
               return fmt::format("{:g}%", 100.0 - 100.0 / x);
             }};
  chart.y = latency_axis("latency");
  for (const auto& h : histograms) {
    chart.series.push_back({h.name, percentile_curve(*h.histogram), h.colour});
  }
  return chart;
}

}  // namespace s3storm::report::html
