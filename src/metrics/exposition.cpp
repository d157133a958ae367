#include "metrics/exposition.hpp"

#include <fmt/core.h>

#include <iterator>

namespace s3storm::metrics {

namespace {

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string op_labels(const LivePhaseSnapshot& phase, std::size_t op) {
  return fmt::format("op=\"{}\",phase=\"{}\"", stats::kOpNames[op], escape_label(phase.name));
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
  auto line = [&out](std::string_view name, const std::string& labels, auto value) {
    if (labels.empty()) {
      fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
    } else {
      fmt::format_to(std::back_inserter(out), "{}{{{}}} {}\n", name, labels, value);
    }
  };
  auto each_op = [&view](auto&& body) {
    for (const auto& phase : view.phases) {
      for (std::size_t op = 0; op < stats::kOpKinds; ++op) {
        if (phase.ops[op].count > 0) body(phase, op, phase.ops[op]);
      }
    }
  };

  header(out, "s3storm_ops_total", "counter", "Finished operations by outcome.");
  each_op([&](const LivePhaseSnapshot& phase, std::size_t op, const LiveOpSnapshot& s) {
    line("s3storm_ops_total", op_labels(phase, op) + ",outcome=\"ok\"", s.ok);
    line("s3storm_ops_total", op_labels(phase, op) + ",outcome=\"error\"", s.errors);
  });

  header(out, "s3storm_errors_total", "counter", "Failed operations by S3 error code.");
  each_op([&](const LivePhaseSnapshot& phase, std::size_t op, const LiveOpSnapshot& s) {
    for (const auto& [code, n] : s.errors_by_code) {
      line("s3storm_errors_total",
           op_labels(phase, op) + fmt::format(",code=\"{}\"", escape_label(code)), n);
    }
  });

  header(out, "s3storm_bytes_total", "counter", "Payload bytes moved by successful operations.");
  each_op([&](const LivePhaseSnapshot& phase, std::size_t op, const LiveOpSnapshot& s) {
    line("s3storm_bytes_total", op_labels(phase, op), s.bytes);
  });

  header(out, "s3storm_latency_seconds", "summary",
         "Latency from the intended start (open loop: the scheduled slot) to completion.");
  each_op([&](const LivePhaseSnapshot& phase, std::size_t op, const LiveOpSnapshot& s) {
    const auto labels = op_labels(phase, op);
    for (const double q : {0.5, 0.9, 0.99}) {
      line("s3storm_latency_seconds", labels + fmt::format(",quantile=\"{}\"", q),
           static_cast<double>(s.quantile_us(q)) / 1e6);
    }
    line("s3storm_latency_seconds_sum", labels, static_cast<double>(s.latency_sum_us) / 1e6);
    line("s3storm_latency_seconds_count", labels, s.count);
  });

  header(out, "s3storm_in_flight", "gauge", "Operations sent and not yet answered.");
  line("s3storm_in_flight", "", view.in_flight);
  header(out, "s3storm_elapsed_seconds", "gauge", "Time since the run started.");
  line("s3storm_elapsed_seconds", "", view.elapsed_s);

  if (view.events_checked) {
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
    };
    for (const auto& column : kColumns) {
      header(out, column.name, column.type, column.help);
      for (const auto& type : view.events.types) {
        line(column.name, fmt::format("type=\"{}\"", escape_label(type.name)), type.*column.field);
      }
    }
    header(out, "s3storm_events_foreign_total", "counter",
           "Events for other shards' keys, left to those shards.");
    line("s3storm_events_foreign_total", "", view.foreign_events);
  }
  return out;
}

}  // namespace s3storm::metrics
