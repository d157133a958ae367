#include "stats/op_stats.hpp"

#include <gtest/gtest.h>

#include <string>

#include "util/op_kind.hpp"

namespace s3storm::stats {
namespace {

OpOutcome success(std::uint64_t latency_us, std::uint64_t bytes, std::int64_t second) {
  OpOutcome o;
  o.ok = true;
  o.http_status = 200;
  o.latency_us = latency_us;
  o.service_us = latency_us / 2;
  o.bytes = bytes;
  o.epoch_second = second;
  return o;
}

OpOutcome failure(std::uint16_t status, std::string_view code, std::int64_t second) {
  OpOutcome o;
  o.ok = false;
  o.http_status = status;
  o.error_code = code;
  o.latency_us = 900;
  o.service_us = 800;
  o.bytes = 4096;  // attempted, not moved
  o.retries = 2;
  o.epoch_second = second;
  return o;
}

TEST(OpKind, NamesRoundTrip) {
  for (std::size_t i = 0; i < kOpKinds; ++i) {
    const auto kind = static_cast<OpKind>(i);
    EXPECT_EQ(parse_op_kind(op_name(kind)), kind);
  }
  EXPECT_EQ(op_name(OpKind::kMultipartPart), "multipart_part");
  EXPECT_EQ(parse_op_kind("PUT"), std::nullopt);
}

TEST(OpStats, CountsSuccessesAndFailuresApart) {
  OpStats s;
  s.record(success(1000, 100, 50));
  s.record(success(3000, 200, 50));
  s.record(failure(503, "SlowDown", 51));
  s.record(failure(503, "SlowDown", 51));
  s.record(failure(0, "", 52));
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.ok, 2u);
  EXPECT_EQ(s.errors, 3u);
  EXPECT_EQ(s.retries, 6u);
  EXPECT_EQ(s.bytes, 300u);  // failed requests moved nothing worth counting
  EXPECT_EQ(s.errors_by_code.size(), 1u);
  EXPECT_EQ(s.errors_by_code.at("SlowDown"), 2u);
  EXPECT_EQ(s.errors_by_status.at(503), 2u);
  EXPECT_EQ(s.errors_by_status.at(0), 1u);
  EXPECT_EQ(s.latency.count(), 5u);
  EXPECT_EQ(s.latency.max(), 3000u);
  EXPECT_EQ(s.service.max(), 1500u);
  ASSERT_EQ(s.per_second.seconds().size(), 3u);
  EXPECT_EQ(s.per_second.start(), 50);
  EXPECT_EQ(s.per_second.seconds()[0].count, 2u);
  EXPECT_EQ(s.per_second.seconds()[0].bytes, 300u);
  EXPECT_EQ(s.per_second.seconds()[0].latency_max_us, 3000u);
  EXPECT_EQ(s.per_second.seconds()[1].errors, 2u);
}

TEST(OpStats, MergeOfSplitsEqualsTheWhole) {
  OpStats a, b, all;
  for (int i = 0; i < 100; ++i) {
    const auto o =
        (i % 7 == 0)
            ? failure(i % 2 ? 500 : 404, i % 2 ? "InternalError" : "NoSuchKey", 1000 + i / 10)
            : success(static_cast<std::uint64_t>(100 + i * 37), 10, 1000 + i / 10);
    (i % 2 ? a : b).record(o);
    all.record(o);
  }
  OpStats merged = a;
  merged.merge(b);
  EXPECT_EQ(merged, all);
}

TEST(PhaseStats, MergeAddsOpsAndDroppedAndKeepsTheLongestDuration) {
  PhaseStats a, b;
  a.name = b.name = "storm";
  a.duration_s = 10;
  b.duration_s = 12;
  a.dropped = 3;
  b.dropped = 4;
  a.op(OpKind::kPut).record(success(10, 1, 1));
  b.op(OpKind::kPut).record(success(20, 1, 1));
  b.op(OpKind::kDelete).record(success(30, 0, 1));
  a.merge(b);
  EXPECT_EQ(a.duration_s, 12);
  EXPECT_EQ(a.dropped, 7u);
  EXPECT_EQ(a.op(OpKind::kPut).count, 2u);
  EXPECT_EQ(a.op(OpKind::kDelete).count, 1u);
  EXPECT_EQ(a.op(OpKind::kGet).count, 0u);
}

}  // namespace
}  // namespace s3storm::stats
