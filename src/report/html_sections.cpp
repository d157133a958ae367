#include "report/html_sections.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <vector>

#include "report/html_charts.hpp"
#include "report/html_escape.hpp"
#include "report/search_html.hpp"
#include "report/text_report.hpp"
#include "report/thresholds.hpp"
#include "stats/size_class.hpp"
#include "util/iso_time.hpp"

namespace s3storm::report::html {

namespace {

// A latency cell; "-" when nothing was measured, which is not the same as zero latency.
std::string latency(const stats::Histogram& h, double percentile) {
  if (h.count() == 0) return "-";
  return format_duration_us(percentile >= 100 ? h.max() : h.value_at_percentile(percentile));
}

std::string latency_cells(const stats::Histogram& h, std::initializer_list<double> percentiles) {
  std::string out;
  for (const double p : percentiles) out += "<td>" + escape(latency(h, p)) + "</td>";
  return out;
}

void head_row(std::string& out, std::initializer_list<const char*> names) {
  out += "<thead><tr>";
  for (const char* name : names) out += fmt::format("<th>{}</th>", escape(name));
  out += "</tr></thead>";
}

void figure(std::string& out, const std::string& heading, const Chart& chart) {
  out += fmt::format("<h3>{}</h3><figure>{}</figure>", escape(heading), render_svg(chart));
}

// One operation's row: counts, rates over the phase's duration, latency percentiles.
void op_row(std::string& out, std::string_view name, const stats::OpStats& op, double seconds,
            const char* row_class) {
  const double rate = seconds > 0 ? static_cast<double>(op.count) / seconds : 0.0;
  const double mbps = seconds > 0 ? static_cast<double>(op.bytes) / 1e6 / seconds : 0.0;
  fmt::format_to(std::back_inserter(out),
                 "<tr{}><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td>"
                 "<td>{:.1f}</td><td>{:.2f}</td>{}</tr>",
                 row_class, name, op.count, op.ok, op.errors > 0 ? "fail" : "", op.errors,
                 op.retries, rate, mbps, latency_cells(op.latency, {50, 90, 99, 99.9, 100}));
}

// All operation kinds together, when there are several: OpStats::merge adds the counts and
// merges the latencies exactly.
void total_row(std::string& out, const stats::PhaseStats& phase) {
  std::size_t kinds = 0;
  stats::OpStats all;
  for (const auto& op : phase.ops) {
    if (op.count == 0) continue;
    ++kinds;
    all.merge(op);
  }
  if (kinds >= 2) op_row(out, "all", all, phase.duration_s, " class=\"total\"");
}

void ops_table(std::string& out, const stats::PhaseStats& phase) {
  auto it = std::back_inserter(out);
  out += "<table class=\"ops\">";
  head_row(out, {"op", "count", "ok", "errors", "retries", "ops/s", "MB/s", "p50", "p90", "p99",
                 "p99.9", "max"});
  out += "<tbody>";
  const double seconds = phase.duration_s;
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    const auto& op = phase.ops[i];
    if (op.count == 0) continue;
    op_row(out, kOpNames[i], op, seconds, "");
    // Open loop measures latency from the intended start; the raw service time goes beside it.
    if (!(op.service == op.latency)) {
      fmt::format_to(
          it, "<tr class=\"service\"><td>{} (service time)</td><td colspan=\"6\"></td>{}</tr>",
          kOpNames[i], latency_cells(op.service, {50, 90, 99, 99.9, 100}));
    }
    if (op.ttfb.count() > 0) {
      fmt::format_to(
          it,
          "<tr class=\"service\"><td>{} (time to first byte)</td><td colspan=\"6\"></td>{}</tr>",
          kOpNames[i], latency_cells(op.ttfb, {50, 90, 99, 99.9, 100}));
    }
    if (op.latency_by_size.size() > 1) {
      for (const auto& [size_class, histogram] : op.latency_by_size) {
        fmt::format_to(it,
                       "<tr class=\"service\"><td>{} {}</td><td>{}</td><td colspan=\"5\"></td>"
                       "{}</tr>",
                       kOpNames[i], escape(stats::kSizeClassNames[size_class]), histogram.count(),
                       latency_cells(histogram, {50, 90, 99, 99.9, 100}));
      }
    }
  }
  total_row(out, phase);
  out += "</tbody></table>";
}

// target.endpoints: one row per endpoint, its operations of every kind together, then one per
// kind under it when it ran more than one (a single kind's row would repeat the endpoint's).
void endpoints_table(std::string& out, const stats::PhaseStats& phase) {
  if (phase.endpoints.empty()) return;
  out += "<h3>Endpoints</h3><table class=\"ops\">";
  head_row(out, {"endpoint", "count", "ok", "errors", "retries", "ops/s", "MB/s", "p50", "p90",
                 "p99", "p99.9", "max"});
  out += "<tbody>";
  for (const auto& endpoint : phase.endpoints) {
    op_row(out, escape(endpoint.url), endpoint.all, phase.duration_s, "");
    const auto kinds = std::count_if(endpoint.ops.begin(), endpoint.ops.end(),
                                     [](const stats::OpStats& op) { return op.count > 0; });
    if (kinds < 2) continue;
    for (std::size_t k = 0; k < kOpKinds; ++k) {
      if (endpoint.ops[k].count == 0) continue;
      op_row(out, kOpNames[k], endpoint.ops[k], phase.duration_s, " class=\"endpoint-op\"");
    }
  }
  out += "</tbody></table>";
}

void errors_table(std::string& out, const stats::PhaseStats& phase) {
  auto it = std::back_inserter(out);
  std::string rows;
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    const auto& op = phase.ops[i];
    for (const auto& [code, n] : op.errors_by_code) {
      rows += fmt::format("<tr><td>{}</td><td>code</td><td>{}</td><td>{}</td></tr>", kOpNames[i],
                          escape(code), n);
    }
    for (const auto& [status, n] : op.errors_by_status) {
      rows +=
          fmt::format("<tr><td>{}</td><td>status</td><td>{}</td><td>{}</td></tr>", kOpNames[i],
                      status == 0 ? std::string("no response") : fmt::format("HTTP {}", status), n);
    }
  }
  if (rows.empty()) return;
  out += "<h3>Errors by code and status</h3><table class=\"errors\">";
  head_row(out, {"op", "by", "code or status", "count"});
  fmt::format_to(it, "<tbody>{}</tbody></table>", rows);
}

void keys_list(std::string& out, const char* what, const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  out += fmt::format("<h3>{} (first {})</h3><ul class=\"keys\">", what,
                     stats::EventStats::kMaxListedKeys);
  for (const auto& key : keys) out += "<li><code>" + escape(key) + "</code></li>";
  out += "</ul>";
}

void event_row(std::string& out, const std::string& name, const stats::EventTypeStats& s,
               const char* row_class) {
  fmt::format_to(std::back_inserter(out),
                 "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>"
                 "<td>{}</td><td>{}</td><td class=\"{}\">{}</td><td class=\"{}\">{}</td><td>{}</td>"
                 "{}{}</tr>",
                 row_class, escape(name), s.expected, s.delivered, s.missing > 0 ? "fail" : "",
                 s.missing, s.duplicate, s.unexpected, s.mismatched > 0 ? "fail" : "", s.mismatched,
                 s.out_of_order > 0 ? "fail" : "", s.out_of_order, s.early,
                 latency_cells(s.delivery, {50, 99, 100}),
                 latency_cells(s.delivery_from_send, {50, 99}));
}

}  // namespace

void append_header(std::string& out, const RunReport& report) {
  auto it = std::back_inserter(out);
  const auto failed = static_cast<std::size_t>(std::count_if(
      report.thresholds.begin(), report.thresholds.end(), [](const auto& t) { return !t.pass; }));
  std::string verdict = "<span>no thresholds</span>";
  if (!report.thresholds.empty()) {
    verdict = failed == 0 ? "<span class=\"pass\">PASS</span>"
                          : fmt::format("<span class=\"fail\">FAIL</span> ({} of {} thresholds)",
                                        failed, report.thresholds.size());
  }
  fmt::format_to(it, "<header><h1>s3storm report: {}</h1><dl class=\"run\">",
                 escape(report.scenario));
  auto item = [&](const char* term, const std::string& value_html) {
    fmt::format_to(it, "<dt>{}</dt><dd>{}</dd>", term, value_html);
  };
  item("Scenario file", "<code>" + escape(report.scenario_path) + "</code>");
  item("Started", escape(format_iso8601(report.started)));
  item("Duration", fmt::format("{:.2f} s", report.duration_s));
  item("Shards", fmt::format("{}", report.shards));
  if (const auto meta = describe_meta(report.meta); !meta.empty()) item("Run by", escape(meta));
  if (!report.stopped_by.empty()) item("Stopped early", escape(report.stopped_by));
  item("Verdict", verdict);
  out += "</dl></header>";
}

void append_thresholds(std::string& out, const RunReport& report) {
  out += "<section id=\"thresholds\"><h2>Thresholds</h2>";
  if (report.thresholds.empty()) {
    out += "<p>No thresholds were set.</p></section>";
    return;
  }
  out += "<table class=\"thresholds\">";
  head_row(out, {"result", "threshold", "measured"});
  out += "<tbody>";
  for (const auto& t : report.thresholds) {
    fmt::format_to(std::back_inserter(out),
                   "<tr><td class=\"{0}\">{0}</td><td><code>{1}</code></td><td>{2}</td></tr>",
                   t.pass ? "pass" : "fail", escape(t.expr), escape(format_measured(t)));
  }
  out += "</tbody></table></section>";
}

void append_timeline(std::string& out, const RunReport& report, std::int64_t run_start) {
  if (report.phases.size() < 2) return;
  const auto chart = phases_timeline_chart(report.phases, run_start);
  if (chart.series.empty()) return;
  out += "<section id=\"timeline\"><h2>Phases over time</h2>";
  figure(out, "When each phase ran (phases that ran together overlap)", chart);
  out += "</section>";
}

void append_phase(std::string& out, const stats::PhaseStats& phase, const std::string& title,
                  const std::string& id, std::int64_t run_start, std::optional<double> started) {
  fmt::format_to(std::back_inserter(out), "<section class=\"phase\" id=\"{}\"><h2>{}</h2><p>",
                 escape(id), escape(title));
  if (started) fmt::format_to(std::back_inserter(out), "Started at {:.3f} s, ", *started);
  fmt::format_to(std::back_inserter(out), "{:.2f} s, dropped iterations: {}</p>", phase.duration_s,
                 phase.dropped);
  if (const auto plan = describe_plan(phase.plan); !plan.empty()) {
    fmt::format_to(std::back_inserter(out), "<p>Planned: {}</p>", escape(plan));
  }
  if (phase.search) append_search(out, *phase.search);
  if (phase.uploads_left_open > 0) {
    fmt::format_to(std::back_inserter(out),
                   "<p class=\"fail\">Multipart uploads possibly left open (abort failed): {}</p>",
                   phase.uploads_left_open);
    keys_list(out, "Open uploads", phase.open_uploads);
  }
  const bool any = std::any_of(phase.ops.begin(), phase.ops.end(),
                               [](const stats::OpStats& op) { return op.count > 0; });
  if (!any) {
    out += "<p>No operations.</p></section>";
    return;
  }
  ops_table(out, phase);
  endpoints_table(out, phase);
  figure(out, "Throughput over time", throughput_chart(phase, run_start));
  const auto errors = errors_chart(phase, run_start);
  if (!errors.series.empty()) figure(out, "Errors over time", errors);
  figure(out, "Latency over time", latency_over_time_chart(phase, run_start));
  std::vector<NamedHistogram> histograms;
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    if (phase.ops[i].latency.count() > 0) {
      histograms.push_back({std::string(kOpNames[i]), &phase.ops[i].latency, static_cast<int>(i)});
    }
  }
  figure(out, "Latency distribution",
         latency_distribution_chart("Latency by percentile, " + phase.name, histograms));
  errors_table(out, phase);
  out += "</section>";
}

void append_events(std::string& out, const stats::EventStats& events, std::int64_t run_start) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "<section id=\"events\"><h2>Events</h2><p>Source: <code>{}</code></p>",
                 escape(events.source));
  if (events.by_type.empty()) {
    out += "<p>No events expected or received.</p>";
  } else {
    out += "<table class=\"events\">";
    head_row(out,
             {"type", "expected", "delivered", "missing", "duplicate", "unexpected", "mismatched",
              "out of order", "early", "p50", "p99", "max", "p50 from send", "p99 from send"});
    out += "<tbody>";
    stats::EventTypeStats all;
    for (const auto& [type, s] : events.by_type) {
      event_row(out, type, s, "");
      all.merge(s);
    }
    event_row(out, "all", all, "total");
    out +=
        "</tbody></table><p class=\"note\">Delivery latency is arrival minus the operation's "
        "completion; <em>from send</em> is arrival minus the moment the request was sent, never "
        "clamped. <em>early</em> counts deliveries (included in <em>delivered</em>) that arrived "
        "before their operation completed; their latency counts as 0. <em>mismatched</em> counts "
        "deliveries whose size, eTag, versionId or eventTime disagree with the operation, or that "
        "lack "
        "a field their eventVersion requires. <em>out of order</em> counts deliveries whose "
        "sequencer is not above that of the previous operation's event on the same key.</p>";
    std::vector<NamedHistogram> histograms;
    for (const auto& [type, s] : events.by_type) {
      if (s.delivery.count() > 0) histograms.push_back({type, &s.delivery});
    }
    if (!events.expected_per_second.empty() || !events.delivered_per_second.empty()) {
      figure(out, "Events over time", events_over_time_chart(events, run_start));
      figure(out, "Delivery backlog over time", event_backlog_chart(events, run_start));
    }
    if (!events.delivered_per_second.empty()) {
      figure(out, "Delivery latency over time",
             delivery_latency_over_time_chart(events, run_start));
    }
    figure(out, "Delivery latency distribution",
           latency_distribution_chart("Event delivery latency by percentile", histograms));
  }
  keys_list(out, "Missing", events.missing_keys);
  keys_list(out, "Unexpected", events.unexpected_keys);
  keys_list(out, "Mismatched", events.mismatched_keys);
  keys_list(out, "Out of order", events.out_of_order_keys);
  keys_list(out, "Delivered for failed operations (the server applied them)",
            events.delivered_for_failed_keys);
  if (events.test_events > 0) {
    fmt::format_to(it, "<p>Test events (counted apart): {}</p>", events.test_events);
  }
  if (events.source == "amqp") {
    fmt::format_to(it,
                   "<p>Broker: {} reconnects; {} redelivered copies of events already counted "
                   "(not counted again).</p>",
                   events.reconnects, events.redelivered);
  }
  if (!events.outages.empty()) {
    out +=
        "<h3>Outages of the receiver</h3><table><tr><th>mode</th><th>at</th><th>for</th>"
        "<th>delivered late</th><th>lost</th><th>duplicated</th><th>first event after</th>"
        "<th>recovered after</th></tr>";
    const auto seconds = [](double s) {
      return s < 0 ? std::string("never") : fmt::format("{:.3f} s", s);
    };
    for (const auto& o : events.outages) {
      fmt::format_to(it,
                     "<tr><td>{}</td><td>{:g} s</td><td>{:g} s</td><td>{}</td><td class=\"{}\">{}"
                     "</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                     escape(o.mode), o.at_s, o.for_s, o.late, o.lost > 0 ? "fail" : "", o.lost,
                     o.duplicated, seconds(o.first_event_s), seconds(o.recovered_s));
    }
    out += "</table>";
  }
  if (!events.receiver_rejects.empty()) {
    out += "<p>Receiver rejected:";
    for (const auto& [status, n] : events.receiver_rejects) {
      fmt::format_to(it, " HTTP {} &#215; {};", status, n);
    }
    out.back() = '.';
    out += "</p>";
  }
  out += "</section>";
}

}  // namespace s3storm::report::html
