// stats::PhaseRecorder: the one statistic of a phase. Workers record into their own share; a live
// reader on another thread sees growing, self-consistent numbers; the merged result is exact.
#include "stats/phase_recorder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace s3storm::stats {
namespace {

OpOutcome outcome(bool ok, std::uint64_t latency_us, std::string_view code = {}) {
  OpOutcome o;
  o.ok = ok;
  o.latency_us = latency_us;
  o.service_us = latency_us / 2;
  o.bytes = ok ? 100 : 0;
  o.http_status = ok ? 200 : 503;
  o.error_code = code;
  o.epoch_second = 1'700'000'000 + static_cast<std::int64_t>(latency_us % 3);
  return o;
}

TEST(PhaseRecorder, MergedIsExactlyWhatEachWorkerRecorded) {
  PhaseRecorder phase("storm");
  OpStats expected;
  std::vector<WorkerRecorder*> workers;
  for (int w = 0; w < 3; ++w) workers.push_back(&phase.add_worker());
  for (int i = 0; i < 3000; ++i) {
    const auto o = outcome(i % 7 != 0, 100 + static_cast<std::uint64_t>(i) * 13, "SlowDown");
    workers[static_cast<std::size_t>(i % 3)]->record(OpKind::kPut, o);
    expected.record(o);
  }
  workers[0]->own().dropped = 4;
  const auto merged = phase.merged();
  EXPECT_EQ(merged.name, "storm");
  EXPECT_EQ(merged.op(OpKind::kPut), expected);  // histograms, error maps and time series alike
  EXPECT_EQ(merged.dropped, 4u);
  // The live view reads the same data: the same counts and latency histogram, without the time
  // series and the histograms no live reader shows.
  const auto live = phase.live(LiveDetail::kLatency);
  const auto& put = live.stats.op(OpKind::kPut);
  EXPECT_EQ(put.count, expected.count);
  EXPECT_EQ(put.errors, expected.errors);
  EXPECT_EQ(put.latency, expected.latency);
  EXPECT_EQ(put.service.count(), 0u);
  EXPECT_EQ(put.errors_by_code, expected.errors_by_code);
  EXPECT_EQ(put.errors_by_status, expected.errors_by_status);
  EXPECT_TRUE(put.per_second.empty());
}

TEST(PhaseRecorder, ACountersReadCopiesNoHistogram) {
  PhaseRecorder phase("storm");
  auto& worker = phase.add_worker();
  worker.record(OpKind::kPut, outcome(true, 120));
  worker.record(OpKind::kPut, outcome(false, 300, "SlowDown"));
  const auto live = phase.live(LiveDetail::kCounters);
  const auto& put = live.stats.op(OpKind::kPut);
  EXPECT_EQ(put.count, 2u);
  EXPECT_EQ(put.ok, 1u);
  EXPECT_EQ(put.errors_by_code.at("SlowDown"), 1u);
  EXPECT_EQ(put.latency.count(), 0u);
  // An unallocated histogram reads as empty everywhere a view looks.
  EXPECT_EQ(put.latency, Histogram());
  EXPECT_EQ(put.latency.value_at_percentile(99), 0u);
  EXPECT_TRUE(put.latency.export_data().counts.empty());
  EXPECT_EQ(phase.live(LiveDetail::kLatency).stats.op(OpKind::kPut).latency.count(), 2u);
}

TEST(PhaseRecorder, InFlightAndIterationsCountOperationsNotParts) {
  PhaseRecorder phase("p");
  auto& worker = phase.add_worker();
  for (int i = 0; i < 5; ++i) worker.started();
  worker.record(OpKind::kMultipartPart, outcome(true, 10));
  worker.record(OpKind::kMultipart, outcome(true, 10));
  worker.iteration_done();
  const auto live = phase.live(LiveDetail::kLatency);
  EXPECT_EQ(live.in_flight, 4u);
  EXPECT_EQ(live.iterations_done, 1u);
}

TEST(PhaseRecorder, ALiveReaderSeesGrowingConsistentNumbersWhileWorkersRecord) {
  PhaseRecorder phase("p");
  constexpr int kWorkers = 4;
  constexpr int kEach = 20'000;
  std::vector<WorkerRecorder*> workers;
  for (int w = 0; w < kWorkers; ++w) workers.push_back(&phase.add_worker());
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      while (reads.load() == 0) std::this_thread::yield();  // the reader is there from the start
      for (int i = 0; i < kEach; ++i) {
        // Halfway, a read must have happened with every worker mid-run.
        if (i == kEach / 2) {
          const int seen = reads.load();
          while (reads.load() < seen + 1) std::this_thread::yield();
        }
        workers[static_cast<std::size_t>(w)]->started();
        workers[static_cast<std::size_t>(w)]->record(
            OpKind::kGet, outcome(i % 100 != 0, 50 + static_cast<std::uint64_t>(i % 5000),
                                  i % 200 == 0 ? "SlowDown" : "InternalError"));
      }
    });
  }
  std::uint64_t last = 0;
  std::thread reader([&] {
    do {
      const auto live = phase.live(LiveDetail::kLatency);
      const auto& get = live.stats.op(OpKind::kGet);
      EXPECT_GE(get.count, last);
      EXPECT_LE(get.ok + get.errors, get.count + kWorkers);
      EXPECT_LE(get.latency.value_at_percentile(99), get.latency.max());
      std::uint64_t coded = 0;
      for (const auto& [code, n] : get.errors_by_code) coded += n;
      EXPECT_LE(coded, get.errors + kWorkers);
      last = get.count;
      ++reads;
    } while (!done.load());
  });
  for (auto& t : threads) t.join();
  done.store(true);
  reader.join();
  EXPECT_GE(reads.load(), 2);
  const auto live = phase.live(LiveDetail::kLatency);
  const auto& get = live.stats.op(OpKind::kGet);
  EXPECT_EQ(get.count, std::uint64_t{kWorkers} * kEach);
  EXPECT_EQ(get.latency.count(), get.count);
  EXPECT_EQ(get.errors, std::uint64_t{kWorkers} * kEach / 100);
  EXPECT_EQ(get.errors_by_code.at("SlowDown"), std::uint64_t{kWorkers} * kEach / 200);
  EXPECT_EQ(live.in_flight, 0u);
  EXPECT_EQ(phase.merged().op(OpKind::kGet).latency, get.latency);
}

// target.endpoints: a worker records each operation into its endpoint's kind only; the endpoint's
// all-kinds stats are added up from them, exactly what recording every operation into them would
// make, after merged(), in a live read and after merging phases.
TEST(PhaseRecorder, AnEndpointsAllKindsIsTheExactSumOfItsKinds) {
  const std::vector<std::string> urls{"http://a", "http://b"};
  PhaseRecorder phase("spread");
  std::vector<WorkerRecorder*> workers;
  for (int w = 0; w < 2; ++w) workers.push_back(&phase.add_worker(urls));
  std::array<OpStats, 2> expected;  // every operation of each endpoint, recorded as it came
  std::array<OpStats, 2> expected_puts;
  for (int i = 0; i < 2000; ++i) {
    auto o = outcome(i % 11 != 0, 70 + static_cast<std::uint64_t>(i) * 7, "SlowDown");
    o.endpoint = static_cast<std::uint32_t>(i % 2);
    o.has_ttfb = true;
    o.ttfb_us = o.latency_us / 3;
    o.sized = i % 3 == 0;
    o.object_bytes = static_cast<std::uint64_t>(i) * 1000;
    const OpKind kind = i % 3 == 0 ? OpKind::kPut : i % 3 == 1 ? OpKind::kGet : OpKind::kDelete;
    workers[static_cast<std::size_t>(i / 7 % 2)]->record(kind, o);
    // A multipart upload's part counts in its upload, not apart.
    workers[0]->record(OpKind::kMultipartPart, o);
    expected[o.endpoint].record(o);
    if (kind == OpKind::kPut) expected_puts[o.endpoint].record(o);
  }
  const auto merged = phase.merged();
  ASSERT_EQ(merged.endpoints.size(), 2u);
  for (std::size_t e = 0; e < 2; ++e) {
    EXPECT_EQ(merged.endpoints[e].url, urls[e]);
    EXPECT_EQ(merged.endpoints[e].all, expected[e]);  // histograms, error maps, time series
    EXPECT_EQ(merged.endpoints[e].op(OpKind::kPut), expected_puts[e]);
    EXPECT_EQ(merged.endpoints[e].op(OpKind::kMultipartPart).count, 0u);
  }
  // Live: the counters and the latency of all kinds together.
  const auto live = phase.live(LiveDetail::kLatency);
  for (std::size_t e = 0; e < 2; ++e) {
    const auto& all = live.stats.endpoints[e].all;
    EXPECT_EQ(all.count, expected[e].count);
    EXPECT_EQ(all.errors, expected[e].errors);
    EXPECT_EQ(all.latency, expected[e].latency);
    EXPECT_EQ(live.stats.endpoints[e].op(OpKind::kGet).count,
              merged.endpoints[e].op(OpKind::kGet).count);
  }
  EXPECT_EQ(phase.live(LiveDetail::kCounters).stats.endpoints[1].all.latency.count(), 0u);
  // Phases (or shards) merged: the sums still agree.
  auto twice = merged;
  twice.merge(merged);
  for (std::size_t e = 0; e < 2; ++e) {
    auto again = expected[e];
    again.merge(expected[e]);
    EXPECT_EQ(twice.endpoints[e].all, again);
    auto added = twice.endpoints[e];
    added.add_up_kinds();
    EXPECT_EQ(added.all, again);
  }
}

// A live reader of an endpoint's latency while its worker meets each kind for the first time:
// the worker allocates a kind's histogram as it first runs, the reader reads only those it was
// told of (ThreadSanitizer checks the handover in the tsan preset: each kind's first operation is
// read before the next is recorded, and nothing but the handover orders the worker's allocation
// before the reader's look).
TEST(PhaseRecorder, ALiveReaderOfAnEndpointMeetsEachKindAsItStarts) {
  const std::vector<std::string> urls{"http://a", "http://b"};
  PhaseRecorder phase("p");
  auto& worker = phase.add_worker(urls);
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::thread reader([&] {
    std::uint64_t last = 0;
    while (!done.load()) {
      const auto live = phase.live(LiveDetail::kLatency);
      const auto& all = live.stats.endpoints[1].all;
      EXPECT_GE(all.count, last);
      // The worker goes on during the read: the histogram may hold more than the count read
      // before it, but agrees with itself.
      EXPECT_LE(all.latency.value_at_percentile(99), all.latency.max());
      last = all.count;
      ++reads;
    }
  });
  constexpr OpKind kKinds[] = {OpKind::kPut, OpKind::kGet, OpKind::kHead, OpKind::kDelete};
  for (int i = 0; i < 4000; ++i) {
    auto o = outcome(true, 100 + static_cast<std::uint64_t>(i));
    o.endpoint = 1;
    worker.record(kKinds[i / 1000], o);
    if (i % 1000 == 0) {  // a whole read after the kind's first operation
      const int seen = reads.load();
      while (reads.load() < seen + 2) std::this_thread::yield();
    }
  }
  done.store(true);
  reader.join();
  const auto live = phase.live(LiveDetail::kLatency);
  EXPECT_EQ(live.stats.endpoints[1].all.latency.count(), 4000u);
  EXPECT_EQ(live.stats.endpoints[1].all.latency, phase.merged().endpoints[1].all.latency);
}

}  // namespace
}  // namespace s3storm::stats
