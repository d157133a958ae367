#include "stats/event_stats.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "stats/live_counters.hpp"

namespace s3storm::stats {
namespace {

TEST(EventStats, MergeAddsPerTypeAndKeepsAtMostTwentyKeys) {
  EventStats a, b;
  a.source = b.source = "webhook";
  auto& put_a = a.by_type["ObjectCreated:Put"];
  put_a.expected = 10;
  put_a.delivered = 9;
  put_a.missing = 1;
  put_a.delivery.record(1500);
  auto& put_b = b.by_type["ObjectCreated:Put"];
  put_b.expected = 5;
  put_b.delivered = 5;
  put_b.duplicate = 1;
  put_b.delivery.record(2500);
  b.by_type["ObjectRemoved:Delete"].unexpected = 2;
  for (int i = 0; i < 15; ++i) a.note_missing_key("b/a" + std::to_string(i));
  for (int i = 0; i < 15; ++i) b.note_missing_key("b/b" + std::to_string(i));
  b.test_events = 1;
  b.receiver_rejects[400] = 3;

  a.merge(b);
  const auto& put = a.by_type.at("ObjectCreated:Put");
  EXPECT_EQ(put.expected, 15u);
  EXPECT_EQ(put.delivered, 14u);
  EXPECT_EQ(put.missing, 1u);
  EXPECT_EQ(put.duplicate, 1u);
  EXPECT_EQ(put.delivery.count(), 2u);
  EXPECT_EQ(put.delivery.max(), 2500u);
  EXPECT_EQ(a.by_type.at("ObjectRemoved:Delete").unexpected, 2u);
  ASSERT_EQ(a.missing_keys.size(), EventStats::kMaxListedKeys);
  EXPECT_EQ(a.missing_keys.front(), "b/a0");
  EXPECT_EQ(a.missing_keys.back(), "b/b4");
  EXPECT_EQ(a.test_events, 1u);
  EXPECT_EQ(a.receiver_rejects.at(400), 3u);
}

TEST(LiveCounters, ManyThreadsAddUpExactly) {
  LiveCounters live;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&live] {
      for (int i = 0; i < 10'000; ++i) {
        live.op_started();
        live.op_finished(i % 10 != 0);
      }
      live.op_started();  // left in flight
      live.event_seen();
    });
  }
  for (auto& t : threads) t.join();
  const auto s = live.snapshot();
  EXPECT_EQ(s.started, 40'004u);
  EXPECT_EQ(s.completed, 40'000u);
  EXPECT_EQ(s.errors, 4'000u);
  EXPECT_EQ(s.in_flight, 4u);
  EXPECT_EQ(s.events_seen, 4u);
}

}  // namespace
}  // namespace s3storm::stats
