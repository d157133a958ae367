#include "report/search_text.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iterator>

#include "report/thresholds.hpp"

namespace s3storm::report {

std::string describe_search_result(const stats::SearchOutcome& search) {
  if (search.max_rate_per_s) return fmt::format("{:.1f}/s", *search.max_rate_per_s);
  return fmt::format("none (even {:g}/s failed)", search.from_per_s);
}

std::string format_search_table(const stats::SearchOutcome& search) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "  capacity search from {:g}/s to {:g}/s, probes of {:g} s, precision {:g}%; "
                 "highest rate that held: {}\n",
                 search.from_per_s, search.to_per_s, search.probe_s, search.precision * 100,
                 describe_search_result(search));
  if (search.probes.empty()) return out;
  std::vector<std::size_t> widths;
  fmt::format_to(it, "  {:>5} {:>10} {:>10} {:>5} {:>8} {:>8}", "probe", "rate", "achieved", "held",
                 "dropped", "settle");
  for (const auto& m : search.probes.front().until) {
    widths.push_back(std::max<std::size_t>(m.expr.size(), 10));
    fmt::format_to(it, "  {:>{}}", m.expr, widths.back());
  }
  out += '\n';
  bool any_failed_measure = false;
  for (std::size_t i = 0; i < search.probes.size(); ++i) {
    const auto& probe = search.probes[i];
    fmt::format_to(it, "  {:>5} {:>10} {:>10} {:>5} {:>8} {:>8}", i + 1,
                   fmt::format("{:.1f}/s", probe.rate_per_s),
                   fmt::format("{:.1f}/s", probe.achieved_per_s), probe.held ? "yes" : "no",
                   probe.dropped, fmt::format("{:.2f}s", probe.settle_s));
    for (std::size_t k = 0; k < probe.until.size() && k < widths.size(); ++k) {
      const auto& m = probe.until[k];
      const std::string cell =
          format_measured({m.expr, m.measured, m.pass, m.unit}) + (m.pass ? " " : "*");
      any_failed_measure = any_failed_measure || !m.pass;
      fmt::format_to(it, "  {:>{}}", cell, widths[k] + 1);
    }
    out += '\n';
  }
  if (any_failed_measure) out += "  (* this measure failed its until)\n";
  return out;
}

}  // namespace s3storm::report
