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

// One time-series bucket of `width` seconds starting at `first` (seconds since the run start).
struct Bucket {
  double first = 0;
  double width = 1;
  stats::TimeSeries::Second sum;  // latency_max_us holds the maximum, the rest are totals
};

std::vector<Bucket> buckets(const stats::TimeSeries& series, std::int64_t run_start) {
  const auto& seconds = series.seconds();
  const std::size_t width =
      std::max<std::size_t>(1, (seconds.size() + kMaxTimePoints - 1) / kMaxTimePoints);
  std::vector<Bucket> out;
  for (std::size_t i = 0; i < seconds.size(); i += width) {
    Bucket b;
    b.first = static_cast<double>(series.start() - run_start + static_cast<std::int64_t>(i));
    const std::size_t end = std::min(seconds.size(), i + width);
    b.width = static_cast<double>(end - i);
    for (std::size_t j = i; j < end; ++j) {
      b.sum.count += seconds[j].count;
      b.sum.errors += seconds[j].errors;
      b.sum.bytes += seconds[j].bytes;
      b.sum.latency_sum_us += seconds[j].latency_sum_us;
      b.sum.latency_max_us = std::max(b.sum.latency_max_us, seconds[j].latency_max_us);
    }
    out.push_back(b);
  }
  return out;
}

// Calls fn(name, colour, op) for each operation kind with a time series.
template <typename Fn>
void for_each_op(const stats::PhaseStats& phase, Fn fn) {
  for (std::size_t i = 0; i < stats::kOpKinds; ++i) {
    if (!phase.ops[i].per_second.empty()) {
      fn(std::string(stats::kOpNames[i]), static_cast<int>(i), phase.ops[i]);
    }
  }
}

}  // namespace

Chart throughput_chart(const stats::PhaseStats& phase, std::int64_t run_start) {
  Chart chart;
  chart.title = "Operations per second, " + phase.name;
  chart.kind = ChartKind::kArea;
  chart.x = seconds_axis();
  chart.y = {"operations per second", false, {}};
  for_each_op(phase, [&](const std::string& name, int colour, const stats::OpStats& op) {
    Series s{name, {}, colour};
    for (const auto& b : buckets(op.per_second, run_start)) {
      s.points.push_back({b.first, static_cast<double>(b.sum.count) / b.width});
    }
    chart.series.push_back(std::move(s));
  });
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
    for (const auto& b : buckets(op.per_second, run_start)) {
      if (b.sum.errors > 0)
        s.points.push_back({b.first, static_cast<double>(b.sum.errors) / b.width});
    }
    chart.series.push_back(std::move(s));
  });
  return chart;
}

Chart latency_over_time_chart(const stats::PhaseStats& phase, std::int64_t run_start) {
  Chart chart;
  chart.title = "Latency per second (mean and maximum), " + phase.name;
  chart.x = seconds_axis();
  chart.y = latency_axis("latency");
  for_each_op(phase, [&](const std::string& name, int colour, const stats::OpStats& op) {
    Series mean{name + " mean", {}, colour};
    Series max{name + " max", {}, colour, true};
    for (const auto& b : buckets(op.per_second, run_start)) {
      if (b.sum.count == 0) continue;  // no operation finished: no latency, not zero latency
      mean.points.push_back(
          {b.first, static_cast<double>(b.sum.latency_sum_us) / static_cast<double>(b.sum.count)});
      max.points.push_back({b.first, static_cast<double>(b.sum.latency_max_us)});
    }
    chart.series.push_back(std::move(mean));
    chart.series.push_back(std::move(max));
  });
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
