#include "report/search_html.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iterator>

#include "report/html_escape.hpp"
#include "report/search_text.hpp"
#include "report/thresholds.hpp"

namespace s3storm::report::html {

Chart search_chart(const stats::SearchOutcome& search) {
  Chart chart;
  chart.title = "Capacity search: achieved against probed rate";
  chart.kind = ChartKind::kLine;
  const auto per_second = [](double v) { return fmt::format("{:g}/s", v); };
  chart.x = {"probed rate", false, per_second};
  chart.y = {"achieved operations per second", false, per_second};
  Series offered{"offered", {}, 0, Stroke::kDotted};
  Series held{"held", {}, 2, Stroke::kSolid};
  Series failed{"failed", {}, 3, Stroke::kSolid};
  for (const auto& probe : search.probes) {
    offered.points.push_back({probe.rate_per_s, probe.rate_per_s});
    (probe.held ? held : failed).points.push_back({probe.rate_per_s, probe.achieved_per_s});
  }
  for (auto* series : {&offered, &held, &failed}) {
    std::sort(series->points.begin(), series->points.end(),
              [](const Point& a, const Point& b) { return a.x < b.x; });
    if (!series->points.empty()) chart.series.push_back(std::move(*series));
  }
  return chart;
}

void append_search(std::string& out, const stats::SearchOutcome& search) {
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<h3>Capacity search</h3><p class=\"{}\">From {:g}/s to {:g}/s, probes of {:g} "
                 "s, precision {:g}%: highest rate that held <strong>{}</strong></p>",
                 search.max_rate_per_s ? "pass" : "fail", search.from_per_s, search.to_per_s,
                 search.probe_s, search.precision * 100, escape(describe_search_result(search)));
  out += "<figure>" + render_svg(search_chart(search)) + "</figure>";
  out +=
      "<table class=\"search\"><tr><th>probe</th><th>rate</th><th>achieved</th><th>held</th>"
      "<th>dropped</th><th>settle</th>";
  if (!search.probes.empty()) {
    for (const auto& m : search.probes.front().until) out += "<th>" + escape(m.expr) + "</th>";
  }
  out += "</tr>";
  for (std::size_t i = 0; i < search.probes.size(); ++i) {
    const auto& probe = search.probes[i];
    fmt::format_to(it,
                   "<tr><td>{}</td><td>{:.1f}/s</td><td>{:.1f}/s</td><td class=\"{}\">{}</td>"
                   "<td>{}</td><td>{:.2f} s</td>",
                   i + 1, probe.rate_per_s, probe.achieved_per_s, probe.held ? "pass" : "fail",
                   probe.held ? "yes" : "no", probe.dropped, probe.settle_s);
    for (const auto& m : probe.until) {
      fmt::format_to(it, "<td class=\"{}\">{}</td>", m.pass ? "pass" : "fail",
                     escape(format_measured({m.expr, m.measured, m.pass, m.unit})));
    }
    out += "</tr>";
  }
  out += "</table>";
}

}  // namespace s3storm::report::html
