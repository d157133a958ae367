#include "report/html_svg_chart.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>

#include "report/html_escape.hpp"

namespace s3storm::report::html {

namespace {

// Mid-tone colours that keep their contrast on both a white and a near-black page.
constexpr std::array<const char*, 8> kPalette{"#4e79a7", "#f28e2b", "#e15759", "#59a14f",
                                              "#b07aa1", "#76b7b2", "#edc948", "#9c755f"};

constexpr double kLeft = 72;
constexpr double kRight = 20;
constexpr double kBottom = 46;
constexpr double kLegendRow = 18;
constexpr double kCharWidth = 6.5;  // rough width of an 11px sans-serif character, for the legend
// Short series get a marker per point (hover shows its numbers); long ones only their line.
constexpr std::size_t kMarkersUpTo = 60;

const char* colour(const Chart& chart, std::size_t i) {
  const int slot = chart.series[i].colour;
  return kPalette[(slot >= 0 ? static_cast<std::size_t>(slot) : i) % kPalette.size()];
}

std::string label(const Axis& axis, double v) {
  return axis.format ? axis.format(v) : fmt::format("{:g}", v);
}

const char* dash_attribute(Stroke stroke) {
  switch (stroke) {
    case Stroke::kDashed:
      return " stroke-dasharray=\"5 3\"";
    case Stroke::kDotted:
      return " stroke-dasharray=\"1.5 2.5\"";
    case Stroke::kSolid:
      break;
  }
  return "";
}

bool finite(const Point& p) {
  return std::isfinite(p.x) && std::isfinite(p.y);
}

// Maps data values on one axis to pixels, linear or log10, clamped to the plot.
class Scale {
 public:
  Scale(const Ticks& ticks, bool log, double from, double to)
      : log_(log), lo_(t(ticks.lo)), hi_(t(ticks.hi)), from_(from), to_(to), min_(ticks.lo) {}
  double operator()(double v) const {
    const double f = hi_ > lo_ ? (t(std::max(v, log_ ? min_ : v)) - lo_) / (hi_ - lo_) : 0.0;
    return from_ + std::clamp(f, 0.0, 1.0) * (to_ - from_);
  }

 private:
  double t(double v) const { return log_ ? std::log10(v) : v; }
  bool log_;
  double lo_, hi_, from_, to_, min_;
};

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  double lowest_positive = std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    if (v > 0) lowest_positive = std::min(lowest_positive, v);
  }
  bool empty() const { return lo > hi; }
};

Ticks ticks_for(const Extent& e, bool log, bool from_zero) {
  if (log) {
    if (!std::isfinite(e.lowest_positive)) return log_ticks(1, 10);
    return log_ticks(e.lowest_positive, std::max(e.hi, e.lowest_positive));
  }
  if (e.empty()) return linear_ticks(0, 1);
  return linear_ticks(from_zero ? std::min(0.0, e.lo) : e.lo,
                      from_zero ? std::max(0.0, e.hi) : e.hi);
}

std::string num(double v) {
  return fmt::format("{:.1f}", v);
}

// Legend items flow left to right and wrap; returns the rows used.
int legend(std::string& out, const Chart& chart, double width) {
  if (chart.series.size() < 2 && (chart.series.empty() || chart.series[0].name.empty())) return 0;
  auto it = std::back_inserter(out);
  double x = kLeft;
  int row = 0;
  out += "<g class=\"legend\">";
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& name = chart.series[i].name;
    const double w = 16 + kCharWidth * static_cast<double>(name.size()) + 14;
    if (x + w > width - kRight && x > kLeft) {
      x = kLeft;
      ++row;
    }
    const double y = 6 + row * kLegendRow;
    fmt::format_to(it, "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>", num(x),
                   num(y), colour(chart, i));
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\" fill=\"currentColor\">{}</text>", num(x + 14),
                   num(y + 9), escape(name));
    x += w;
  }
  out += "</g>";
  return row + 1;
}

void axes(std::string& out, const Chart& chart, const Ticks& xt, const Ticks& yt, const Scale& sx,
          const Scale& sy, double top, double bottom) {
  auto it = std::back_inserter(out);
  out += "<g class=\"grid\" stroke=\"currentColor\" stroke-opacity=\"0.15\">";
  for (const double y : yt.at) {
    fmt::format_to(it, "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>", num(kLeft), num(sy(y)),
                   num(kChartWidth - kRight), num(sy(y)));
  }
  out += "</g><g class=\"axes\" stroke=\"currentColor\" stroke-opacity=\"0.6\">";
  fmt::format_to(it, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", num(kLeft), num(top),
                 num(bottom));
  fmt::format_to(it, "<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>", num(kLeft), num(bottom),
                 num(kChartWidth - kRight));
  out += "</g><g class=\"ticks\" fill=\"currentColor\">";
  for (const double y : yt.at) {
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", num(kLeft - 6),
                   num(sy(y) + 4), escape(label(chart.y, y)));
  }
  for (const double x : xt.at) {
    fmt::format_to(it, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", num(sx(x)),
                   num(bottom + 15), escape(label(chart.x, x)));
  }
  out += "</g>";
  fmt::format_to(it,
                 "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" "
                 "fill=\"currentColor\">{}</text>",
                 num((kLeft + kChartWidth - kRight) / 2), num(kChartHeight - 8),
                 escape(chart.x.label));
  fmt::format_to(it,
                 "<text class=\"axis-label\" transform=\"translate(14 {}) rotate(-90)\" "
                 "text-anchor=\"middle\" fill=\"currentColor\">{}</text>",
                 num((top + bottom) / 2), escape(chart.y.label));
}

std::string point_title(const Chart& chart, const Series& s, const Point& p) {
  return escape(fmt::format("{}: {}, {}", s.name, label(chart.x, p.x), label(chart.y, p.y)));
}

void line_series(std::string& out, const Chart& chart, std::size_t i, const Scale& sx,
                 const Scale& sy, double baseline) {
  auto it = std::back_inserter(out);
  const auto& s = chart.series[i];
  std::string points;
  std::size_t n = 0;
  double first_x = 0, last_x = 0;
  for (const auto& p : s.points) {
    if (!finite(p)) continue;
    if (n == 0) first_x = sx(p.x);
    last_x = sx(p.x);
    points += fmt::format("{}{},{}", n == 0 ? "" : " ", num(sx(p.x)), num(sy(p.y)));
    ++n;
  }
  if (n == 0) return;
  if (chart.kind == ChartKind::kArea && n > 1) {
    fmt::format_to(
        it, "<polygon class=\"area\" fill=\"{}\" fill-opacity=\"0.15\" points=\"{},{} {} {},{}\"/>",
        colour(chart, i), num(first_x), num(baseline), points, num(last_x), num(baseline));
  }
  if (n > 1) {
    fmt::format_to(it,
                   "<polyline class=\"data\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\" "
                   "stroke-linejoin=\"round\"{} points=\"{}\"><title>{}</title></polyline>",
                   colour(chart, i), dash_attribute(s.stroke), points, escape(s.name));
  }
  if (n > kMarkersUpTo) return;
  for (const auto& p : s.points) {
    if (!finite(p)) continue;
    fmt::format_to(it,
                   "<circle class=\"data\" cx=\"{}\" cy=\"{}\" r=\"2.5\" "
                   "fill=\"{}\"><title>{}</title></circle>",
                   num(sx(p.x)), num(sy(p.y)), colour(chart, i), point_title(chart, s, p));
  }
}

void bar_series(std::string& out, const Chart& chart, const Scale& sx, const Scale& sy,
                double baseline, double slot) {
  auto it = std::back_inserter(out);
  const double n = static_cast<double>(chart.series.size());
  const double width = slot * 0.8 / n;
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const auto& s = chart.series[i];
    for (const auto& p : s.points) {
      if (!finite(p)) continue;
      const double x = sx(p.x) - slot * 0.4 + width * static_cast<double>(i);
      const double y = sy(p.y);
      fmt::format_to(it,
                     "<rect class=\"data\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
                     "fill=\"{}\"><title>{}</title></rect>",
                     num(x), num(std::min(y, baseline)), num(width), num(std::abs(baseline - y)),
                     colour(chart, i), point_title(chart, s, p));
    }
  }
}

// The smallest gap between distinct x values, so bars never overlap; 0 with fewer than two.
double smallest_gap(const Chart& chart) {
  std::vector<double> xs;
  for (const auto& s : chart.series)
    for (const auto& p : s.points)
      if (finite(p)) xs.push_back(p.x);
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  double gap = 0;
  for (std::size_t i = 1; i < xs.size(); ++i) {
    const double d = xs[i] - xs[i - 1];
    if (gap == 0 || d < gap) gap = d;
  }
  return gap;
}

}  // namespace

Ticks linear_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi == lo) hi = lo + std::max(1.0, std::abs(lo) * 0.1);
  const double raw = (hi - lo) / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
  Ticks t;
  t.lo = std::floor(lo / step) * step;
  const auto steps = std::max(1L, std::lround(std::ceil((hi - t.lo) / step - 1e-9)));
  // Counted from lo rather than accumulated, so 0.1 + 0.1 + 0.1 drift never shows as 0.30000001.
  for (long i = 0; i <= steps; ++i) {
    const double v = t.lo + static_cast<double>(i) * step;
    t.at.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  }
  t.hi = t.at.back();
  return t;
}

Ticks log_ticks(double lo, double hi) {
  if (!(lo > 0) || !std::isfinite(lo)) lo = 1;
  if (!(hi >= lo) || !std::isfinite(hi)) hi = lo;
  const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int last = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (last <= first) last = first + 1;
  // Many decades would crowd the axis; every other one still reads as a log scale.
  const int every = last - first > 8 ? 2 : 1;
  Ticks t;
  t.lo = std::pow(10.0, first);
  t.hi = std::pow(10.0, last);
  for (int d = first; d <= last; d += every) t.at.push_back(std::pow(10.0, d));
  return t;
}

std::string render_svg(const Chart& chart) {
  Extent xe, ye;
  for (const auto& s : chart.series) {
    for (const auto& p : s.points) {
      if (!finite(p)) continue;
      xe.add(p.x);
      ye.add(p.y);
    }
  }
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(
      it,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart{}\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" font-family=\"sans-serif\" "
      "font-size=\"11\"><title>{}</title>",
      xe.empty() ? " empty" : "", kChartWidth, kChartHeight, kChartWidth, kChartHeight,
      escape(chart.title));
  if (xe.empty()) {
    fmt::format_to(it,
                   "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"currentColor\">no "
                   "data</text></svg>",
                   num(kChartWidth / 2), num(kChartHeight / 2));
    return out;
  }
  const double gap = chart.kind == ChartKind::kBars ? smallest_gap(chart) : 0;
  if (chart.kind == ChartKind::kBars) {
    const double pad = gap > 0 ? gap / 2 : 0.5;  // half a bar slot each side
    xe.add(xe.lo - pad);
    xe.add(xe.hi + pad);
  }
  const int rows = legend(out, chart, kChartWidth);
  const double top = 12 + rows * kLegendRow;
  const double bottom = kChartHeight - kBottom;
  const Ticks xt = ticks_for(xe, chart.x.log, false);
  const Ticks yt = ticks_for(ye, chart.y.log, true);
  const Scale sx(xt, chart.x.log, kLeft, kChartWidth - kRight);
  const Scale sy(yt, chart.y.log, bottom, top);
  axes(out, chart, xt, yt, sx, sy, top, bottom);
  const double baseline = sy(chart.y.log ? yt.lo : std::max(0.0, yt.lo));
  if (chart.kind == ChartKind::kBars) {
    const double slot = gap > 0 ? sx(xt.lo + gap) - sx(xt.lo) : (kChartWidth - kLeft - kRight) / 4;
    bar_series(out, chart, sx, sy, baseline, std::min(slot, 60.0));
  } else {
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
      line_series(out, chart, i, sx, sy, baseline);
    }
  }
  out += "</svg>";
  return out;
}

}  // namespace s3storm::report::html
