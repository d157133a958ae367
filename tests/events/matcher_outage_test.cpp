#include <gtest/gtest.h>

#include <string>

#include "events/matcher.hpp"
#include "matcher_test_clock.hpp"

// What the matcher says of a staged outage of the receiver (events.outages): an operation belongs
// to the first outage that ended after it completed; its event is late when it arrives after that
// end, lost when it never does.
namespace s3storm::events {
namespace {

using matcher_test::at_s;
using matcher_test::put;

void expect_put_sent_10ms_before(Matcher& m, const std::string& key, double completed) {
  m.expect("b", key, EventKind::kObjectCreatedPut, at_s(completed), at_s(completed - 0.01));
}

TEST(MatcherOutage, CountsLateLostDuplicatedAndRecovery) {
  Matcher m;
  expect_put_sent_10ms_before(m, "before", 1);
  m.observe(put("before"), at_s(1.1));  // not affected
  m.outage_began(at_s(2));
  expect_put_sent_10ms_before(
      m, "pending", 1.9);  // completed before, its event not in yet: belongs to the outage
  expect_put_sent_10ms_before(m, "during1", 3);
  expect_put_sent_10ms_before(m, "during2", 4);
  expect_put_sent_10ms_before(m, "lost", 4.5);
  m.outage_ended(at_s(5));
  m.observe(put("pending"), at_s(5.5));  // the first event after the end
  m.observe(put("during1"), at_s(6));
  m.observe(put("during1"), at_s(6.5));  // a retried copy: duplicated
  m.observe(put("during2"), at_s(7));    // the backlog drained
  expect_put_sent_10ms_before(m, "after", 8);
  m.observe(put("after"), at_s(8.1));
  m.observe(put("during1"), at_s(9));  // a duplicate after the backlog drained: not the outage's
  const auto s = m.summarize();
  ASSERT_EQ(s.outages.size(), 1u);
  const auto& o = s.outages[0];
  EXPECT_EQ(o.late, 3u);
  EXPECT_EQ(o.lost, 1u);
  EXPECT_EQ(o.duplicated, 1u);
  EXPECT_NEAR(o.first_event_s, 0.5, 1e-9);
  EXPECT_NEAR(o.recovered_s, 2.0, 1e-9);
}

TEST(MatcherOutage, AnOutageNoEventFollowsNeverRecovered) {
  Matcher m;
  m.outage_began(at_s(1));
  expect_put_sent_10ms_before(m, "k", 1.5);
  m.outage_ended(at_s(2));
  const auto s = m.summarize();
  ASSERT_EQ(s.outages.size(), 1u);
  EXPECT_EQ(s.outages[0].lost, 1u);
  EXPECT_EQ(s.outages[0].first_event_s, -1);
  EXPECT_EQ(s.outages[0].recovered_s, -1);
}

TEST(MatcherOutage, OperationsGoToTheFirstOutageThatEndedAfterThem) {
  Matcher m;
  m.outage_began(at_s(1));
  expect_put_sent_10ms_before(m, "a", 1.5);
  m.outage_ended(at_s(2));
  m.observe(put("a"), at_s(2.5));
  m.outage_began(at_s(3));
  expect_put_sent_10ms_before(m, "b", 2.8);  // after the first outage ended: the second's
  m.outage_ended(at_s(4));
  m.observe(put("b"), at_s(4.2));
  const auto s = m.summarize();
  ASSERT_EQ(s.outages.size(), 2u);
  EXPECT_EQ(s.outages[0].late, 1u);
  EXPECT_EQ(s.outages[1].late, 1u);
  EXPECT_NEAR(s.outages[1].recovered_s, 0.2, 1e-9);
}

}  // namespace
}  // namespace s3storm::events
