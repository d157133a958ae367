#include "report/html_writer.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "report/html_escape.hpp"
#include "report/html_sections.hpp"
#include "util/usage_error.hpp"

namespace s3storm::report {

namespace {

// Plain CSS without '<' or '&', so the page stays well-formed XML.
constexpr const char* kStyle = R"css(
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1d21; --muted: #5d6470;
  --line: #d6d9de; --head: #f1f3f5; --pass: #1a7f37; --fail: #c62828; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16181c; --fg: #e4e6ea; --muted: #9aa1ac; --line: #363a42; --head: #22262c;
    --pass: #4ac26b; --fail: #ff6b6b; }
}
body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, sans-serif;
  margin: 0 auto; max-width: 1600px; padding: 16px 24px; }
h1 { font-size: 1.5em; } h2 { border-bottom: 2px solid var(--line); padding-bottom: 2px; }
h3 { font-size: 1em; color: var(--muted); margin-bottom: 4px; }
dl.run { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
dt { color: var(--muted); } dd { margin: 0; }
nav a { margin-right: 12px; color: inherit; }
table { border-collapse: collapse; margin: 6px 0 14px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--head); }
tr.service td, p.note { color: var(--muted); }
tr.total td { font-weight: 600; }
tr.endpoint-op td:first-child { padding-left: 2em; }
.pass { color: var(--pass); font-weight: 600; } .fail { color: var(--fail); font-weight: 600; }
figure { margin: 4px 0 18px; } svg.chart { display: block; width: 100%; height: auto; }
code { font-family: ui-monospace, monospace; word-break: break-all; }
)css";

std::string phase_id(std::size_t i) {
  return "phase-" + std::to_string(i + 1);
}

}  // namespace

std::string render_html(const RunReport& report) {
  std::string out =
      "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>"
      "<meta charset=\"utf-8\"/>"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\"/>"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>";
  out += "<title>s3storm: " + html::escape(report.scenario) + "</title>";
  out += "<style>";
  out += kStyle;
  out += "</style></head><body>";
  html::append_header(out, report);
  out += "<nav><a href=\"#thresholds\">Thresholds</a>";
  for (std::size_t i = 0; i < report.phases.size(); ++i) {
    out += "<a href=\"#" + phase_id(i) + "\">" + html::escape(report.phases[i].name) + "</a>";
  }
  if (report.phases.size() > 1) out += "<a href=\"#all-phases\">All phases</a>";
  out += "<a href=\"#events\">Events</a></nav>";
  html::append_thresholds(out, report);
  const auto run_start =
      std::chrono::floor<std::chrono::seconds>(report.started).time_since_epoch().count();
  html::append_timeline(out, report, run_start);
  for (std::size_t i = 0; i < report.phases.size(); ++i) {
    const auto& phase = report.phases[i];
    html::append_phase(out, phase, "Phase " + phase.name, phase_id(i), run_start,
                       started_s(report, phase));
  }
  if (report.phases.size() > 1) {
    html::append_phase(out, totals(report), "All phases", "all-phases", run_start);
  }
  html::append_events(out, report.events, run_start);
  out += "</body></html>\n";
  return out;
}

void write_html_file(const RunReport& report, const std::string& path) {
  const std::string text = render_html(report);
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;  // a directory that cannot be made shows up as the write's error
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (out) out.close();
  if (!out) throw UsageError(path + ": cannot write the HTML report: " + std::strerror(errno));
}

}  // namespace s3storm::report
