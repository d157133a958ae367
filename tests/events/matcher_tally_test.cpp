#include <gtest/gtest.h>

#include <string>

#include "events/matcher.hpp"
#include "matcher_test_clock.hpp"

// A capacity search's probes are tally windows over completion time: each probe's events are its
// own, also when they arrive during the next probe, and operations outside every window (another
// phase's) are in none.
namespace s3storm::events {
namespace {

using matcher_test::at_s;
using matcher_test::put;

void expect_put_sent_500ms_before(Matcher& m, const std::string& key, double completed) {
  m.expect("b", key, EventKind::kObjectCreatedPut, at_s(completed), at_s(completed - 0.5));
}

TEST(MatcherTally, EachWindowCountsItsOwnOperationsWhereverTheirEventsArrive) {
  Matcher m;
  expect_put_sent_500ms_before(m, "before", 0.5);  // an earlier phase: in no window
  const auto first = m.open_tally(at_s(1));
  expect_put_sent_500ms_before(m, "a1", 1.5);
  expect_put_sent_500ms_before(m, "a2", 1.8);
  m.observe(put("a1"), at_s(2.5));  // 1 s after completion, 1.5 s after sending
  const auto second = m.open_tally(at_s(3));
  EXPECT_EQ(m.tally(first).missing, 1u);
  expect_put_sent_500ms_before(m, "b1", 3.5);
  m.observe(put("a2"), at_s(5.8));  // the first probe's event, during the second
  m.observe(put("b1"), at_s(3.6));
  m.observe(put("before"), at_s(3.7));
  m.close_tally(at_s(4));
  expect_put_sent_500ms_before(m, "after", 4.5);  // after the last window closed: in none

  const auto a = m.tally(first);
  EXPECT_EQ(a.expected, 2u);
  EXPECT_EQ(a.delivered, 2u);
  EXPECT_EQ(a.missing, 0u);
  EXPECT_EQ(a.delivery.max() / 1000, 4000u);  // a2: 5.8 - 1.8 s, within the histogram's precision
  EXPECT_EQ(a.delivery_from_send.min() / 1000, 1500u);  // a1: 2.5 - 1.0 s
  const auto b = m.tally(second);
  EXPECT_EQ(b.expected, 1u);
  EXPECT_EQ(b.delivered, 1u);
  EXPECT_EQ(b.delivery.max() / 1000, 100u);
  // The run's own counts are unchanged by the windows.
  std::uint64_t expected = 0;
  std::uint64_t missing = 0;
  for (const auto& type : m.summarize().types) {
    expected += type.expected;
    missing += type.missing;
  }
  EXPECT_EQ(expected, 5u);  // before, a1, a2, b1, after
  EXPECT_EQ(missing, 1u);
}

TEST(MatcherTally, AnEarlyArrivalIsDeliveredToTheWindowOfItsOperation) {
  Matcher m;
  const auto window = m.open_tally(at_s(1));
  m.observe(put("k"), at_s(1.2));  // before the operation is recorded, as synchronous notifiers do
  expect_put_sent_500ms_before(m, "k", 1.5);
  const auto t = m.tally(window);
  EXPECT_EQ(t.expected, 1u);
  EXPECT_EQ(t.delivered, 1u);
  EXPECT_EQ(t.early, 1u);
  EXPECT_EQ(t.missing, 0u);
}

}  // namespace
}  // namespace s3storm::events
