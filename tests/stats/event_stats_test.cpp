#include "stats/event_stats.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

}  // namespace
}  // namespace s3storm::stats
