#pragma once

#include <random>
#include <string>

#include "report/run_report.hpp"

namespace s3storm::report::testing {

// Deterministic pseudo-random operations, so a report can be built whole or in shards.
inline stats::OpOutcome sample_outcome(std::mt19937_64& rng, std::int64_t base_second) {
  std::lognormal_distribution<double> latency(std::log(3000.0), 1.2);
  std::uniform_int_distribution<int> percent(0, 99);
  stats::OpOutcome o;
  o.latency_us = static_cast<std::uint64_t>(latency(rng));
  o.service_us = o.latency_us - o.latency_us / 10;
  o.ok = percent(rng) >= 3;
  o.http_status = o.ok ? 200 : (percent(rng) < 50 ? 503 : 404);
  o.error_code = o.ok ? "" : (o.http_status == 503 ? "SlowDown" : "NoSuchKey");
  o.retries = o.http_status == 503 ? 1 : 0;
  o.bytes = 4096;
  o.epoch_second = base_second + percent(rng) / 10;
  return o;
}

// A two-phase report. `part`/`parts` pick every parts-th operation, so the shards of a split add
// up exactly to the whole (parts == 1).
inline RunReport sample_report(int part = 0, int parts = 1, int ops_per_phase = 3000) {
  RunReport r;
  r.scenario = "sample";
  r.scenario_path = "examples/sample.yaml";
  r.started = Timestamp{std::chrono::milliseconds{1'764'100'000'000}};
  r.duration_s = 20.5;
  std::mt19937_64 rng(2024);
  const char* names[] = {"warmup", "storm"};
  int n = 0;
  for (int p = 0; p < 2; ++p) {
    stats::PhaseStats phase;
    phase.name = names[p];
    phase.duration_s = p == 0 ? 5.0 : 15.25;
    phase.started_epoch_s = 1'764'100'000.25 + p * 5;
    for (int i = 0; i < ops_per_phase; ++i, ++n) {
      const auto kind = static_cast<OpKind>(i % 4 == 3 ? 2 : i % 3);
      const auto o = sample_outcome(rng, 1'764'100'000 + p * 5);
      if (n % parts == part) phase.op(kind).record(o);
    }
    if (part == 0) phase.dropped = static_cast<std::uint64_t>(p * 7);
    r.phases.push_back(std::move(phase));
  }
  r.events.source = "webhook";
  auto& put = r.events.by_type["ObjectCreated:Put"];
  auto& del = r.events.by_type["ObjectRemoved:Delete"];
  // Events over time: expected by their PUT's second, delivered a second or two later.
  const std::int64_t event_second = 1'764'100'000;
  for (int i = 0; i < 500; ++i) {
    if (i % parts != part) continue;
    ++put.expected;
    r.events.expected_per_second.add_counts(event_second + i % 20, 1, 0);
    if (i % 50 == 0) {
      ++put.missing;
      r.events.expected_per_second.add_counts(event_second + i % 20, 0, 1);
      r.events.note_missing_key("test-bucket/obj-" + std::to_string(i));
    } else {
      ++put.delivered;
      // A few arrive before their PUT completed, as a synchronous notifier makes them.
      if (i % 40 == 5) {
        ++put.early;
        put.delivery.record(0);
        r.events.delivered_per_second.record(event_second + i % 20, true, 0, 0);
      } else {
        put.delivery.record(static_cast<std::uint64_t>(20'000 + i * 97));
        r.events.delivered_per_second.record(event_second + i % 20 + 1 + i % 2, true, 0,
                                             static_cast<std::uint64_t>(20'000 + i * 97));
      }
      put.delivery_from_send.record(static_cast<std::uint64_t>(25'000 + i * 97));
      // A few say another eTag than the PUT answered.
      if (i % 60 == 7) {
        ++put.mismatched;
        ++put.mismatch_by_field["eTag"];
        r.events.note_mismatched_key("test-bucket/obj-" + std::to_string(i) +
                                     " (ObjectCreated:Put: eTag 0badc0de)");
      }
    }
    if (i % 100 == 1) ++put.duplicate;
    if (i % 125 == 2) {
      ++del.unexpected;
      r.events.note_unexpected_key("test-bucket/ghost-" + std::to_string(i));
    }
  }
  if (part == 0) {
    r.events.test_events = 1;
    r.events.receiver_rejects[400] = 2;
    r.thresholds.push_back({"put.p99 < 50ms", 0.0415, true, "s"});
    r.thresholds.push_back({"events.missing == 0", 10, false, ""});
  }
  return r;
}

}  // namespace s3storm::report::testing
