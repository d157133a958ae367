#include <gtest/gtest.h>

#include <string>

#include "events/matcher.hpp"
#include "matcher_test_clock.hpp"

// The matcher's memory is bounded by events.dedup_window: the times it is given (completions,
// arrivals) are its clock, so these tests move time by the arguments alone.
namespace s3storm::events {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

using matcher_test::at_s;
using matcher_test::kT0;
using matcher_test::put;
constexpr seconds kWindow{10};

Matcher windowed() {
  return Matcher(KeyForm::kAuto, kDefaultClockSkew,
                 std::chrono::duration_cast<milliseconds>(kWindow));
}

const EventTypeSummary& put_type(const MatchSummary& s) {
  const auto* found = s.find("ObjectCreated:Put");
  EXPECT_NE(found, nullptr);
  static const EventTypeSummary kEmpty;
  return found != nullptr ? *found : kEmpty;
}

// Delivers one event of a fresh key at `t`, which also moves the matcher's clock to `t`.
void deliver(Matcher& m, const std::string& key, double t) {
  m.expect("b", key, EventKind::kObjectCreatedPut, at_s(t), at_s(t));
  m.observe(put(key), at_s(t));
}

TEST(MatcherWindow, DuplicateInsideTheWindowCountsAndOneAfterItIsNotHeld) {
  Matcher m = windowed();
  deliver(m, "k", 0);
  m.observe(put("k"), at_s(9));   // 9 s after its delivery: inside the 10 s window
  deliver(m, "tick", 30);         // time passes: "k" is forgotten
  m.observe(put("k"), at_s(31));  // 31 s after: outside, nothing is held for it
  const auto s = m.summarize();
  const auto& t = put_type(s);
  EXPECT_EQ(t.delivered, 2u);
  EXPECT_EQ(t.duplicate, 1u);
  EXPECT_EQ(t.unexpected, 1u);
  ASSERT_EQ(s.unexpected_keys.size(), 1u);
  EXPECT_EQ(s.unexpected_keys[0].key, "k");
}

TEST(MatcherWindow, DuplicateArrivingLateInTheWindowOfItsDeliveryStillCounts) {
  Matcher m = windowed();
  deliver(m, "k", 0);
  m.observe(put("k"), at_s(9.5));
  // The copy waits as a surplus arrival; when the window passes it is let go, counted as what it
  // was when it came.
  for (int t = 10; t <= 40; t += 5) deliver(m, "tick" + std::to_string(t), t);
  EXPECT_EQ(m.outstanding_identities(), 0u);
  const MatchSummary summary = m.summarize();
  const auto& t = put_type(summary);
  EXPECT_EQ(t.duplicate, 1u);
  EXPECT_EQ(t.unexpected, 0u);
}

TEST(MatcherWindow, MemoryCoversTheWindowNotTheRun) {
  Matcher m = windowed();
  // 100 s of events at 100/s, each key once, with sequencers (so each has an order history).
  for (int i = 0; i < 10'000; ++i) {
    const double t = i / 100.0;
    const std::string key = "k" + std::to_string(i);
    m.expect("b", key, EventKind::kObjectCreatedPut, at_s(t), at_s(t));
    m.observe(put(key, "0A"), at_s(t));
  }
  // At most a window and a quarter of it are held: 1,250 of 10,000.
  EXPECT_LE(m.remembered_identities(), 1'250u);
  EXPECT_GE(m.remembered_identities(), 1'000u);
  EXPECT_LE(m.ordered_keys(), 1'250u);
  EXPECT_GE(m.ordered_keys(), 1'000u);
  const MatchSummary summary = m.summarize();
  const auto& t = put_type(summary);
  EXPECT_EQ(t.delivered, 10'000u);
  EXPECT_EQ(t.missing + t.duplicate + t.unexpected, 0u);
}

TEST(MatcherWindow, OrderIsStillJudgedInsideTheWindow) {
  Matcher m = windowed();
  m.expect("b", "k", EventKind::kObjectCreatedPut, at_s(1), at_s(0));
  m.observe(put("k", "B0"), at_s(1));
  m.expect("b", "k", EventKind::kObjectCreatedPut, at_s(6), at_s(5));
  m.observe(put("k", "A0"), at_s(6));  // later operation, lower sequencer
  // After the window the first operation is forgotten: nothing to compare a third one with.
  deliver(m, "tick", 40);
  m.expect("b", "k", EventKind::kObjectCreatedPut, at_s(41), at_s(40.5));
  m.observe(put("k", "01"), at_s(41));
  EXPECT_EQ(put_type(m.summarize()).out_of_order, 1u);
}

TEST(MatcherWindow, OutstandingExpectationsAreNeverForgotten) {
  Matcher m = windowed();
  m.expect("b", "lost", EventKind::kObjectCreatedPut, at_s(0), at_s(0));
  deliver(m, "tick", 100);
  const auto s = m.summarize();
  EXPECT_EQ(put_type(s).missing, 1u);
  ASSERT_EQ(s.missing_keys.size(), 1u);
  EXPECT_EQ(s.missing_keys[0].key, "lost");
}

}  // namespace
}  // namespace s3storm::events
