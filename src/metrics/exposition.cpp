#include "metrics/exposition.hpp"

#include <fmt/core.h>

#include <iterator>

namespace s3storm::metrics {

namespace {

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void line(std::string& out, std::string_view name, const std::string& labels, auto value) {
  if (labels.empty()) {
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
  } else {
    fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
  }
}

std::string op_labels(const stats::PhaseStats& phase, std::size_t op) {
  return fmt::format("op=\"{}\",phase=\"{}\"", kOpNames[op], escape_label(phase.name));
}

// One histogram's samples: cumulative `_bucket`s at kLatencyBounds and +Inf, `_sum`, `_count`,
// from a microsecond stats::Histogram.
void histogram_samples(std::string& out, std::string_view name, const std::string& labels,
                       const stats::Histogram& histogram) {
  static const auto kBoundsUs = [] {
    std::array<std::uint64_t, kLatencyBounds.size()> us{};
    for (std::size_t i = 0; i < us.size(); ++i) {
      us[i] = static_cast<std::uint64_t>(kLatencyBounds[i] * 1e6 + 0.5);
    }
    return us;
  }();
  std::array<std::uint64_t, kLatencyBounds.size()> counts{};
  histogram.counts_at_or_below(kBoundsUs.data(), kBoundsUs.size(), counts.data());
  const std::string bucket = fmt::format("{}_bucket", name);
  const std::string prefix = labels.empty() ? "" : labels + ",";
  for (std::size_t i = 0; i < counts.size(); ++i) {
    line(out, bucket, fmt::format("{}le=\"{}\"", prefix, kLatencyBounds[i]), counts[i]);
  }
  line(out, bucket, prefix + "le=\"+Inf\"", histogram.count());
  line(out, fmt::format("{}_sum", name), labels, static_cast<double>(histogram.sum()) / 1e6);
  line(out, fmt::format("{}_count", name), labels, histogram.count());
}

void event_families(std::string& out, const LiveView& view) {
  struct Column {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::uint64_t events::EventTypeSummary::*field;
  };
  static constexpr Column kColumns[] = {
      {"s3storm_events_expected_total", "counter", "Events our successful operations cause.",
       &events::EventTypeSummary::expected},
      {"s3storm_events_delivered_total", "counter", "Expected events that arrived.",
       &events::EventTypeSummary::delivered},
      {"s3storm_events_missing", "gauge",
       "Expected events not arrived yet (missing once the grace period is over).",
       &events::EventTypeSummary::missing},
      {"s3storm_events_duplicate_total", "counter", "Further copies of delivered events.",
       &events::EventTypeSummary::duplicate},
      {"s3storm_events_unexpected_total", "counter", "Events nothing this run did explains.",
       &events::EventTypeSummary::unexpected},
      {"s3storm_events_unmatched", "gauge",
       "Arrivals waiting for their operation (duplicate or unexpected once the run is over).",
       &events::EventTypeSummary::unmatched},
  };
  for (const auto& column : kColumns) {
    header(out, column.name, column.type, column.help);
    for (const auto& type : view.events.types) {
      line(out, column.name, fmt::format("type=\"{}\"", escape_label(type.name)),
           type.*column.field);
    }
  }
  header(out, "s3storm_event_delivery_seconds", "histogram",
         "From an operation's completion to the arrival of its event (early events count 0).");
  for (const auto& type : view.events.types) {
    histogram_samples(out, "s3storm_event_delivery_seconds",
                      fmt::format("type=\"{}\"", escape_label(type.name)), type.delivery_us);
  }
  header(out, "s3storm_events_foreign_total", "counter",
         "Events for other shards' keys, left to those shards.");
  line(out, "s3storm_events_foreign_total", "", view.foreign_events);
}

// target.endpoints: operations per endpoint (a multipart upload once), and their latency all
// kinds together (the per-kind latency per endpoint is added up only when a phase ends).
void endpoint_families(std::string& out, const LiveView& view) {
  const auto endpoint_labels = [](const stats::PhaseStats& phase,
                                  const stats::EndpointStats& endpoint) {
    return fmt::format("endpoint=\"{}\",phase=\"{}\"", escape_label(endpoint.url),
                       escape_label(phase.name));
  };
  header(out, "s3storm_endpoint_ops_total", "counter",
         "Finished operations per endpoint (target.endpoints) by outcome.");
  for (const auto& phase : view.phases) {
    for (const auto& endpoint : phase.stats.endpoints) {
      for (std::size_t op = 0; op < kOpKinds; ++op) {
        const auto& s = endpoint.ops[op];
        if (s.count == 0) continue;
        const auto labels =
            endpoint_labels(phase.stats, endpoint) + fmt::format(",op=\"{}\"", kOpNames[op]);
        line(out, "s3storm_endpoint_ops_total", labels + ",outcome=\"ok\"", s.ok);
        line(out, "s3storm_endpoint_ops_total", labels + ",outcome=\"error\"", s.errors);
      }
    }
  }
  header(out, "s3storm_endpoint_latency_seconds", "histogram",
         "Latency per endpoint (target.endpoints), every operation kind together.");
  for (const auto& phase : view.phases) {
    for (const auto& endpoint : phase.stats.endpoints) {
      if (endpoint.all.count == 0) continue;
      histogram_samples(out, "s3storm_endpoint_latency_seconds",
                        endpoint_labels(phase.stats, endpoint), endpoint.all.latency);
    }
  }
}

}  // namespace

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_exposition(const LiveView& view) {
  std::string out;
  auto each_op = [&view](auto&& body) {
    for (const auto& phase : view.phases) {
      for (std::size_t op = 0; op < kOpKinds; ++op) {
        if (phase.stats.ops[op].count > 0) body(phase.stats, op, phase.stats.ops[op]);
      }
    }
  };

  header(out, "s3storm_build_info", "gauge",
         "The s3storm version serving these numbers (always 1).");
  line(out, "s3storm_build_info",
       fmt::format("version=\"{}\"", escape_label(std::string(view.version))), 1);

  header(out, "s3storm_ops_total", "counter", "Finished operations by outcome.");
  each_op([&](const stats::PhaseStats& phase, std::size_t op, const stats::OpStats& s) {
    line(out, "s3storm_ops_total", op_labels(phase, op) + ",outcome=\"ok\"", s.ok);
    line(out, "s3storm_ops_total", op_labels(phase, op) + ",outcome=\"error\"", s.errors);
  });

  header(out, "s3storm_errors_total", "counter", "Failed operations by S3 error code.");
  each_op([&](const stats::PhaseStats& phase, std::size_t op, const stats::OpStats& s) {
    for (const auto& [code, n] : s.errors_by_code) {
      line(out, "s3storm_errors_total",
           op_labels(phase, op) + fmt::format(",code=\"{}\"", escape_label(code)), n);
    }
  });

  header(out, "s3storm_bytes_total", "counter", "Payload bytes moved by successful operations.");
  each_op([&](const stats::PhaseStats& phase, std::size_t op, const stats::OpStats& s) {
    line(out, "s3storm_bytes_total", op_labels(phase, op), s.bytes);
  });

  header(out, "s3storm_latency_seconds", "histogram",
         "Latency from the intended start (open loop: the scheduled slot) to completion.");
  each_op([&](const stats::PhaseStats& phase, std::size_t op, const stats::OpStats& s) {
    histogram_samples(out, "s3storm_latency_seconds", op_labels(phase, op), s.latency);
  });

  header(out, "s3storm_ttfb_seconds", "histogram",
         "Time to the answer's first byte, from the same start as the latency.");
  each_op([&](const stats::PhaseStats& phase, std::size_t op, const stats::OpStats& s) {
    if (s.ttfb.count() > 0) {
      histogram_samples(out, "s3storm_ttfb_seconds", op_labels(phase, op), s.ttfb);
    }
  });

  endpoint_families(out, view);

  header(out, "s3storm_in_flight", "gauge", "Operations sent and not yet answered.");
  line(out, "s3storm_in_flight", "", view.in_flight);
  header(out, "s3storm_elapsed_seconds", "gauge", "Time since the run started.");
  line(out, "s3storm_elapsed_seconds", "", view.elapsed_s);

  if (view.events_checked) event_families(out, view);
  return out;
}

}  // namespace s3storm::metrics
