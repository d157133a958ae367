#include "report/text_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <iterator>
#include <string_view>

#include "report/error_counts.hpp"
#include "report/search_text.hpp"
#include "report/thresholds.hpp"
#include "stats/size_class.hpp"
#include "util/iso_time.hpp"

namespace s3storm::report {

namespace {

std::string three_digits(double value, const char* unit) {
  if (value < 10) return fmt::format("{:.2f}{}", value, unit);
  if (value < 100) return fmt::format("{:.1f}{}", value, unit);
  return fmt::format("{:.0f}{}", value, unit);
}

std::string percentile_cells(const stats::Histogram& h) {
  return fmt::format("{:>9}{:>9}{:>9}{:>9}{:>9}", format_duration_us(h.value_at_percentile(50)),
                     format_duration_us(h.value_at_percentile(90)),
                     format_duration_us(h.value_at_percentile(99)),
                     format_duration_us(h.value_at_percentile(99.9)), format_duration_us(h.max()));
}

// One row of the endpoints table: `name`'s operations (an endpoint's, or one kind of them).
void append_endpoint_row(std::string& out, std::string_view name, const stats::OpStats& ops,
                         double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(ops.count) / seconds : 0.0;
  fmt::format_to(std::back_inserter(out), "  {:<40}{:>10}{:>8}{:>10.1f}{:>9}{:>9}  {}\n", name,
                 ops.count, ops.errors, rate,
                 format_duration_us(ops.latency.value_at_percentile(50)),
                 format_duration_us(ops.latency.value_at_percentile(99)),
                 ops.errors > 0 ? format_error_counts(ops) : std::string("-"));
}

// target.endpoints: each endpoint's operations, all kinds together, then per kind when it ran
// more than one (a single kind's row would repeat the endpoint's).
void append_endpoints(std::string& out, const stats::PhaseStats& phase) {
  if (phase.endpoints.empty()) return;
  fmt::format_to(std::back_inserter(out), "  {:<40}{:>10}{:>8}{:>10}{:>9}{:>9}  {}\n", "endpoint",
                 "count", "err", "ops/s", "p50", "p99", "errors by code");
  for (const auto& endpoint : phase.endpoints) {
    append_endpoint_row(out, endpoint.url, endpoint.all, phase.duration_s);
    const auto kinds = std::count_if(endpoint.ops.begin(), endpoint.ops.end(),
                                     [](const stats::OpStats& op) { return op.count > 0; });
    if (kinds < 2) continue;
    for (std::size_t k = 0; k < kOpKinds; ++k) {
      if (endpoint.ops[k].count == 0) continue;
      append_endpoint_row(out, fmt::format("  {}", kOpNames[k]), endpoint.ops[k], phase.duration_s);
    }
  }
}

void append_phase(std::string& out, const stats::PhaseStats& phase, const char* title,
                  std::optional<double> started = std::nullopt) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "\n{} (", title);
  if (started) fmt::format_to(it, "started at {:.3f} s, ", *started);
  fmt::format_to(it, "{:.2f} s", phase.duration_s);
  fmt::format_to(it, ", dropped iterations: {})\n", phase.dropped);
  if (const auto plan = describe_plan(phase.plan); !plan.empty()) {
    fmt::format_to(it, "  planned: {}\n", plan);
  }
  if (phase.search) out += format_search_table(*phase.search);
  if (phase.uploads_left_open > 0) {
    fmt::format_to(
        it, "  multipart uploads possibly left open (abort failed): {}:", phase.uploads_left_open);
    for (const auto& upload : phase.open_uploads) fmt::format_to(it, " {}", upload);
    out += '\n';
  }
  bool any = false;
  std::string errors;
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    const auto& op = phase.ops[i];
    if (op.count == 0) continue;
    if (!any) {
      fmt::format_to(it, "  {:<15}{:>10}{:>10}{:>8}{:>10}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}\n", "op",
                     "count", "ok", "err", "ops/s", "MB/s", "p50", "p90", "p99", "p99.9", "max");
      any = true;
    }
    const double seconds = phase.duration_s;
    const double rate = seconds > 0 ? static_cast<double>(op.count) / seconds : 0.0;
    const double mbps = seconds > 0 ? static_cast<double>(op.bytes) / 1e6 / seconds : 0.0;
    fmt::format_to(it, "  {:<15}{:>10}{:>10}{:>8}{:>10.1f}{:>9.2f}{}\n", kOpNames[i], op.count,
                   op.ok, op.errors, rate, mbps, percentile_cells(op.latency));
    // In open loop latency counts from the intended start; show the raw service time beside it.
    if (!(op.service == op.latency)) {
      fmt::format_to(it, "  {:<15}{:>47}{}\n", "  service", "", percentile_cells(op.service));
    }
    // Time to the answer's first byte, from the latency's start.
    if (op.ttfb.count() > 0) {
      fmt::format_to(it, "  {:<15}{:>47}{}\n", "  ttfb", "", percentile_cells(op.ttfb));
    }
    // Latency by object-size class, when the operation moved bodies of more than one class.
    if (op.latency_by_size.size() > 1) {
      for (const auto& [size_class, histogram] : op.latency_by_size) {
        fmt::format_to(it, "  {:<15}{:>10}{:>37}{}\n",
                       fmt::format("  {}", stats::kSizeClassNames[size_class]), histogram.count(),
                       "", percentile_cells(histogram));
      }
    }
    if (op.errors > 0) {
      errors += fmt::format("  {} errors: {}\n", kOpNames[i], format_error_counts(op));
    }
  }
  if (!any) out += "  no operations\n";
  out += errors;
  append_endpoints(out, phase);
}

// Nothing delivered means no latency to show, which is not the same as zero latency.
std::string delivery_cell(const stats::Histogram& h, double percentile) {
  return h.count() == 0 ? std::string("-") : format_duration_us(h.value_at_percentile(percentile));
}

void append_events(std::string& out, const stats::EventStats& events) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "\nEvents (source: {})\n", events.source);
  if (events.by_type.empty()) {
    out += "  no events expected or received\n";
  } else {
    // "early" and "mismatch" are parts of "delivered": events that arrived before their
    // operation completed, and events whose size or eTag differs from what it wrote. "send p99"
    // is the delivery latency from the request's sending, never clamped.
    fmt::format_to(it, "  {:<40}{:>10}{:>10}{:>9}{:>7}{:>11}{:>9}{:>7}{:>9}{:>9}{:>9}{:>10}\n",
                   "type", "expected", "delivered", "missing", "dup", "unexpected", "mismatch",
                   "early", "p50", "p99", "max", "send p99");
    for (const auto& [type, s] : events.by_type) {
      fmt::format_to(it, "  {:<40}{:>10}{:>10}{:>9}{:>7}{:>11}{:>9}{:>7}{:>9}{:>9}{:>9}{:>10}\n",
                     type, s.expected, s.delivered, s.missing, s.duplicate, s.unexpected,
                     s.mismatched, s.early, delivery_cell(s.delivery, 50),
                     delivery_cell(s.delivery, 99), delivery_cell(s.delivery, 100),
                     delivery_cell(s.delivery_from_send, 99));
    }
  }
  auto list = [&](const char* what, const std::vector<std::string>& keys) {
    if (keys.empty()) return;
    fmt::format_to(it, "  {} (first {}):", what, stats::EventStats::kMaxListedKeys);
    for (const auto& key : keys) fmt::format_to(it, " {}", key);
    out += '\n';
  };
  list("missing", events.missing_keys);
  list("unexpected", events.unexpected_keys);
  list("mismatched", events.mismatched_keys);
  std::uint64_t for_failed = 0;
  std::uint64_t out_of_order = 0;
  for (const auto& [type, s] : events.by_type) {
    for_failed += s.delivered_for_failed;
    out_of_order += s.out_of_order;
  }
  if (out_of_order > 0) {
    fmt::format_to(it, "  out of order (sequencer not above the previous operation's): {}\n",
                   out_of_order);
  }
  list("out of order", events.out_of_order_keys);
  if (for_failed > 0) {
    fmt::format_to(it, "  delivered for failed operations (the server applied them): {}\n",
                   for_failed);
  }
  list("delivered for failed operations", events.delivered_for_failed_keys);
  if (events.test_events > 0) fmt::format_to(it, "  test events: {}\n", events.test_events);
  if (events.source == "amqp") {
    fmt::format_to(it, "  broker: {} reconnect(s), {} redelivered (already counted)\n",
                   events.reconnects, events.redelivered);
  }
  if (events.foreign > 0) {
    fmt::format_to(it, "  other shards' events (left to them): {}\n", events.foreign);
  }
  for (const auto& o : events.outages) {
    const auto seconds = [](double s) {
      return s < 0 ? std::string("never") : fmt::format("{:.3f}s", s);
    };
    fmt::format_to(it,
                   "  outage {} at {:g}s for {:g}s: {} delivered late, {} lost, {} duplicated; "
                   "first event after {}, recovered after {}\n",
                   o.mode, o.at_s, o.for_s, o.late, o.lost, o.duplicated, seconds(o.first_event_s),
                   seconds(o.recovered_s));
  }
  if (!events.receiver_rejects.empty()) {
    out += "  receiver rejected:";
    for (const auto& [status, n] : events.receiver_rejects) {
      fmt::format_to(it, " HTTP {} {},", status, n);
    }
    out.back() = '\n';
  }
}

}  // namespace

std::string format_duration_us(std::uint64_t us) {
  if (us < 1000) return fmt::format("{}µs", us);
  if (us < 1'000'000) return three_digits(static_cast<double>(us) / 1e3, "ms");
  return three_digits(static_cast<double>(us) / 1e6, "s");
}

std::string describe_meta(const RunMeta& meta) {
  if (meta.tool_version.empty()) return {};
  std::string out = fmt::format("s3storm {}, endpoint {}, region {}, seed {}, {} thread{}",
                                meta.tool_version, meta.endpoint, meta.region, meta.seed,
                                meta.threads, meta.threads == 1 ? "" : "s");
  if (!meta.shard.empty()) out += ", shard " + meta.shard;
  if (!meta.start_at.empty()) out += ", started at --start-at " + meta.start_at;
  return out;
}

std::string describe_plan(const stats::PhasePlan& plan) {
  if (plan.concurrency == 0) return {};
  std::string out = fmt::format("concurrency {}", plan.concurrency);
  if (plan.rate_per_s > 0) out += fmt::format(", {:g}/s", plan.rate_per_s);
  if (plan.iterations > 0) out += fmt::format(", {} iterations", plan.iterations);
  if (plan.duration_s > 0) out += fmt::format(", {:g} s", plan.duration_s);
  return out;
}

std::string format_text_report(const RunReport& report) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "Scenario {}", report.scenario);
  if (!report.scenario_path.empty()) fmt::format_to(it, " ({})", report.scenario_path);
  fmt::format_to(it, "\nStarted {}, ran {:.2f} s", format_iso8601(report.started),
                 report.duration_s);
  if (report.shards > 1) fmt::format_to(it, ", {} shards merged", report.shards);
  out += '\n';
  if (const auto meta = describe_meta(report.meta); !meta.empty()) out += meta + '\n';
  if (!report.stopped_by.empty()) fmt::format_to(it, "Stopped early: {}\n", report.stopped_by);
  for (const auto& phase : report.phases) {
    append_phase(out, phase, fmt::format("Phase {}", phase.name).c_str(), started_s(report, phase));
  }
  if (report.phases.size() > 1) append_phase(out, totals(report), "All phases");
  append_events(out, report.events);
  if (report.cleanup) {
    fmt::format_to(it, "\nCleanup: {} objects deleted", report.cleanup->deleted);
    if (report.cleanup->failed > 0) fmt::format_to(it, ", {} not deleted", report.cleanup->failed);
    out += '\n';
  }
  if (!report.thresholds.empty()) {
    out += "\nThresholds\n";
    for (const auto& t : report.thresholds) {
      fmt::format_to(it, "  {}  {}  (measured {})\n", t.pass ? "pass" : "FAIL", t.expr,
                     format_measured(t));
    }
  }
  return out;
}

}  // namespace s3storm::report
