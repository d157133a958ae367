#include "metrics/live_ops.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace s3storm::metrics {
namespace {

stats::OpOutcome outcome(std::uint64_t latency_us, bool ok, std::string_view code = {},
                         std::uint64_t bytes = 0) {
  stats::OpOutcome o;
  o.latency_us = latency_us;
  o.ok = ok;
  o.error_code = code;
  o.bytes = bytes;
  return o;
}

TEST(LiveBuckets, EveryValueFallsInABucketThatHoldsItWithin1Of16) {
  std::size_t previous = 0;
  for (std::uint64_t v = 0; v < 5'000'000; v = v < 100 ? v + 1 : v + v / 37) {
    const std::size_t index = LiveBuckets::index(v);
    ASSERT_LT(index, LiveBuckets::kCount);
    EXPECT_GE(index, previous) << v;  // monotonic
    previous = index;
    const std::uint64_t high = LiveBuckets::highest(index);
    EXPECT_GE(high, v);
    EXPECT_LE(static_cast<double>(high - v), static_cast<double>(v) / 16 + 1) << v;
    if (index > 0) {
      EXPECT_LT(LiveBuckets::highest(index - 1), v) << v;
    }
  }
  EXPECT_EQ(LiveBuckets::index(0xffffffffull), LiveBuckets::kCount - 1);
  EXPECT_EQ(LiveBuckets::index(1ull << 40), LiveBuckets::kCount - 1);
  EXPECT_EQ(LiveBuckets::highest(LiveBuckets::kCount - 1), 0xffffffffull);
}

TEST(LivePhase, CountsOutcomesBytesAndErrorCodesPerOperation) {
  LivePhase phase("storm");
  phase.record(stats::OpKind::kPut, outcome(1000, true, {}, 10));
  phase.record(stats::OpKind::kPut, outcome(2000, true, {}, 20));
  phase.record(stats::OpKind::kPut, outcome(3000, false, "SlowDown"));
  phase.record(stats::OpKind::kGet, outcome(500, false, "NoSuchKey"));
  phase.record(stats::OpKind::kGet, outcome(500, false, ""));
  const auto snap = phase.snapshot();
  EXPECT_EQ(snap.name, "storm");
  const auto& put = snap.ops[static_cast<std::size_t>(stats::OpKind::kPut)];
  EXPECT_EQ(put.count, 3u);
  EXPECT_EQ(put.ok, 2u);
  EXPECT_EQ(put.errors, 1u);
  EXPECT_EQ(put.bytes, 30u);
  EXPECT_EQ(put.latency_sum_us, 6000u);
  EXPECT_EQ(put.errors_by_code, (std::map<std::string, std::uint64_t>{{"SlowDown", 1}}));
  const auto& get = snap.ops[static_cast<std::size_t>(stats::OpKind::kGet)];
  EXPECT_EQ(get.errors_by_code, (std::map<std::string, std::uint64_t>{{"", 1}, {"NoSuchKey", 1}}));
  EXPECT_EQ(snap.ops[static_cast<std::size_t>(stats::OpKind::kCopy)].count, 0u);
}

TEST(LivePhase, QuantilesErOnTheSlowSideByAtMostOneBucket) {
  LivePhase phase("p");
  for (std::uint64_t v = 1; v <= 1000; ++v)
    phase.record(stats::OpKind::kPut, outcome(v * 100, true));
  const auto snapshot = phase.snapshot();
  const auto& put = snapshot.ops[0];
  for (const double q : {0.5, 0.9, 0.99}) {
    const double exact = q * 1000 * 100;
    EXPECT_GE(static_cast<double>(put.quantile_us(q)), exact) << q;
    EXPECT_LE(static_cast<double>(put.quantile_us(q)), exact * (1 + 1.0 / 16) + 1) << q;
  }
  const auto stats = put.to_op_stats();
  EXPECT_EQ(stats.count, 1000u);
  EXPECT_EQ(stats.latency.count(), 1000u);
  EXPECT_EQ(stats.latency.value_at_percentile(99), put.quantile_us(0.99));
  EXPECT_EQ(LiveOpSnapshot{}.quantile_us(0.5), 0u);
}

TEST(LivePhase, ManyThreadsLoseNothingAndSnapshotsRunAlongside) {
  LivePhase phase("p");
  constexpr int kThreads = 24;  // more than the stripes: some threads share one
  constexpr int kEach = 20000;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    std::uint64_t last = 0;
    while (!done.load()) {
      const auto snap = phase.snapshot();
      const auto& put = snap.ops[0];
      EXPECT_GE(put.count, last);  // counters only grow
      EXPECT_LE(put.ok, put.count);
      last = put.count;
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      const std::string code = "Code" + std::to_string(t % 40);  // more codes than slots
      for (int i = 0; i < kEach; ++i) {
        phase.record(stats::OpKind::kPut, outcome(static_cast<std::uint64_t>(i), i % 4 != 0, code));
      }
    });
  }
  for (auto& w : writers) w.join();
  done.store(true);
  reader.join();
  const auto snapshot = phase.snapshot();
  const auto& put = snapshot.ops[0];
  EXPECT_EQ(put.count, std::uint64_t{kThreads} * kEach);
  EXPECT_EQ(put.errors, std::uint64_t{kThreads} * kEach / 4);
  std::uint64_t by_code = 0;
  for (const auto& [code, n] : put.errors_by_code) by_code += n;
  EXPECT_EQ(by_code, put.errors);
}

}  // namespace
}  // namespace s3storm::metrics
