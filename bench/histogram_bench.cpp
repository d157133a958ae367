// Costs of measuring: what one recorded operation costs a worker, and what merging and
// serializing cost at the end of a run.
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "report/json_reader.hpp"
#include "report/json_writer.hpp"
#include "stats/histogram.hpp"
#include "stats/op_stats.hpp"
#include "stats/phase_recorder.hpp"

namespace {

using s3storm::stats::Histogram;

// Latencies spread like a real run (median 2 ms, long tail), so bucket indexes vary.
std::vector<std::uint64_t> latencies(std::size_t n) {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(std::log(2000.0), 1.3);
  std::vector<std::uint64_t> values(n);
  for (auto& v : values) v = static_cast<std::uint64_t>(dist(rng));
  return values;
}

Histogram filled(std::size_t n) {
  Histogram h;
  for (auto v : latencies(n)) h.record(v);
  return h;
}

void BM_HistogramRecord(benchmark::State& state) {
  const auto values = latencies(4096);
  Histogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

s3storm::stats::OpOutcome successful_put() {
  s3storm::stats::OpOutcome outcome;
  outcome.ok = true;
  outcome.http_status = 200;
  outcome.bytes = 4096;
  outcome.epoch_second = 1'700'000'000;
  return outcome;
}

void BM_OpStatsRecordSuccess(benchmark::State& state) {
  const auto values = latencies(4096);
  s3storm::stats::OpStats stats;
  auto outcome = successful_put();
  std::size_t i = 0;
  for (auto _ : state) {
    outcome.latency_us = values[i & 4095];
    outcome.service_us = outcome.latency_us;
    outcome.epoch_second += (++i & 0xFFFF) == 0;  // a new second now and then
    stats.record(outcome);
  }
  benchmark::DoNotOptimize(stats.count);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpStatsRecordSuccess);

// The whole record path of one operation: what FlowRunner::record costs beyond the outcome.
// Arg: target.endpoints (0: one endpoint; 2: two, taken in turn, each recorded per endpoint too).
void BM_WorkerRecorderOneOp(benchmark::State& state) {
  const auto values = latencies(4096);
  s3storm::stats::PhaseRecorder phase("bench");
  std::vector<std::string> endpoints;
  for (std::int64_t e = 0; e < state.range(0); ++e) {
    endpoints.push_back("http://10.0.0." + std::to_string(e + 1));
  }
  auto& worker = phase.add_worker(endpoints);
  auto outcome = successful_put();
  std::size_t i = 0;
  for (auto _ : state) {
    outcome.latency_us = values[i & 4095];
    outcome.service_us = outcome.latency_us;
    outcome.endpoint = endpoints.empty() ? 0 : static_cast<std::uint32_t>(i % endpoints.size());
    ++i;
    worker.started();
    worker.record(s3storm::OpKind::kPut, outcome);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WorkerRecorderOneOp)->Arg(0)->Arg(2);

// A phase whose 4 workers ran puts and gets.
void run_puts_and_gets(s3storm::stats::PhaseRecorder& phase) {
  const auto values = latencies(4096);
  for (int w = 0; w < 4; ++w) {
    auto& worker = phase.add_worker();
    s3storm::stats::OpOutcome outcome;
    outcome.ok = true;
    for (std::size_t i = 0; i < 4096; ++i) {
      outcome.latency_us = values[i];
      worker.record(s3storm::OpKind::kPut, outcome);
      worker.record(s3storm::OpKind::kGet, outcome);
    }
  }
}

// One live read of such a phase: with the latency histograms (a scrape, a progress tick, a latency
// threshold), or counters only (a counter threshold).
void BM_PhaseRecorderLive(benchmark::State& state) {
  s3storm::stats::PhaseRecorder phase("bench");
  run_puts_and_gets(phase);
  const auto detail = state.range(0) == 0 ? s3storm::stats::LiveDetail::kCounters
                                          : s3storm::stats::LiveDetail::kLatency;
  for (auto _ : state) {
    auto live = phase.live(detail);
    benchmark::DoNotOptimize(live.stats.ops[0].count);
  }
  state.SetLabel(state.range(0) == 0 ? "counters" : "latency");
}
BENCHMARK(BM_PhaseRecorderLive)->Arg(0)->Arg(1);

void BM_HistogramMerge(benchmark::State& state) {
  const Histogram other = filled(100'000);
  Histogram into;
  for (auto _ : state) {
    into.merge(other);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramMerge);

void BM_HistogramPercentile(benchmark::State& state) {
  const Histogram h = filled(100'000);
  for (auto _ : state) benchmark::DoNotOptimize(h.value_at_percentile(99.9));
}
BENCHMARK(BM_HistogramPercentile);

// Serialization cost grows with the number of occupied buckets, not with the number of values.
void BM_HistogramToJson(benchmark::State& state) {
  const Histogram h = filled(static_cast<std::size_t>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto text = s3storm::report::histogram_to_json(h).dump();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["json_bytes"] = static_cast<double>(bytes);
  state.counters["buckets"] = static_cast<double>(h.export_data().counts.size());
}
BENCHMARK(BM_HistogramToJson)->Arg(1'000)->Arg(1'000'000);

void BM_HistogramFromJson(benchmark::State& state) {
  const Histogram h = filled(static_cast<std::size_t>(state.range(0)));
  const auto text = s3storm::report::histogram_to_json(h).dump();
  for (auto _ : state) {
    const auto j = nlohmann::json::parse(text);
    benchmark::DoNotOptimize(s3storm::report::histogram_from_json(j, "bench", "h").count());
  }
}
BENCHMARK(BM_HistogramFromJson)->Arg(1'000)->Arg(1'000'000);

}  // namespace
