// stats::PhaseRecorder: the one statistic of a phase. Workers record into their own share; a live
// reader on another thread sees growing, self-consistent numbers; the merged result is exact.
#include "stats/phase_recorder.hpp"

#include <gtest/gtest.h>

#include <atomic>
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

}  // namespace
}  // namespace s3storm::stats
