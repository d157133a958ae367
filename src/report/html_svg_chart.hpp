#pragma once

#include <functional>
#include <string>
#include <vector>

namespace s3storm::report::html {

// A small inline-SVG chart: axes with "nice" ticks (linear) or decade ticks (log), a legend, and a
// <title> on every series (and on each point of short series) so hovering shows the numbers. The
// output needs no script and no stylesheet: colours are attributes, text uses currentColor, so it
// reads the same in light and dark pages and offline.

struct Point {
  double x = 0;
  double y = 0;
};

// How a line is drawn, to tell series of one colour apart (an operation's p50, p99 and maximum).
enum class Stroke { kSolid, kDashed, kDotted };

struct Series {
  std::string name;
  std::vector<Point> points;  // in x order; non-finite points are skipped
  // Palette slot; by default the series' position. Charts that show the same operation kinds set
  // it from the kind, so "get" has one colour on the whole page.
  int colour = -1;
  Stroke stroke = Stroke::kSolid;  // lines only
};

enum class ChartKind {
  kLine,  // a polyline per series
  kArea,  // a polyline per series over a translucent fill down to the x axis
  kBars,  // side-by-side bars per x value, on a linear x axis
};

struct Axis {
  std::string label;
  // Log scale: values <= 0 are drawn at the axis' lowest decade, since log(0) has no place.
  bool log = false;
  // Tick and tooltip text for a value; plain "%g" when empty.
  std::function<std::string(double)> format;
};

struct Chart {
  std::string title;  // for screen readers; the page shows its own heading
  ChartKind kind = ChartKind::kLine;
  Axis x;
  Axis y;
  std::vector<Series> series;
};

// The scale of one axis: the domain [lo, hi] the plot spans and where ticks go.
struct Ticks {
  double lo = 0;
  double hi = 1;
  std::vector<double> at;
};
// Steps of 1, 2 or 5 times a power of ten, about `target` of them, the domain widened to whole
// steps. lo == hi (or no data) still gives a non-empty domain.
Ticks linear_ticks(double lo, double hi, int target = 5);
// Whole decades covering [lo, hi]; lo must be > 0.
Ticks log_ticks(double lo, double hi);

// The page draws every chart across its full width; a wide viewBox keeps the text at its size
// there instead of scaling it up.
inline constexpr double kChartWidth = 1200;
inline constexpr double kChartHeight = 360;

// One <svg> element (no XML prolog) with viewBox "0 0 kChartWidth kChartHeight". Data marks carry
// class="data". A chart with no points says so instead of drawing an empty frame.
std::string render_svg(const Chart& chart);

}  // namespace s3storm::report::html
