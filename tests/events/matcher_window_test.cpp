#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

// Failed operations (a timeout, a reset, a 5xx) wait for a possible event only as long as the
// window: a long run with many failed PUTs holds one window of them, not all.
TEST(MatcherWindow, FailedOperationsAreForgottenAWindowAfterTheyStarted) {
  Matcher m = windowed();
  // 100 s of failed PUTs at 100/s, none of whose events ever comes.
  for (int i = 0; i < 10'000; ++i) {
    const double t = i / 100.0;
    m.expect_failed("b", "f" + std::to_string(i), EventKind::kObjectCreatedPut, at_s(t));
  }
  // At most a window and a quarter of them are held: 1,250 of 10,000.
  EXPECT_LE(m.waiting_failed(), 1'250u);
  EXPECT_GE(m.waiting_failed(), 1'000u);
  EXPECT_EQ(m.summarize().find("ObjectCreated:Put"), nullptr);  // nothing counted of them
}

// One rule for everything past the window: the matcher no longer knows it, so an event of a
// failed operation that comes after it is judged as one nothing waited for (unexpected), as a
// copy of an event delivered a window ago is.
TEST(MatcherWindow, AnEventOfAFailedOperationAfterTheWindowIsUnexpected) {
  Matcher m = windowed();
  m.expect_failed("b", "applied-late", EventKind::kObjectCreatedPut, at_s(0));
  m.expect_failed("b", "applied", EventKind::kObjectCreatedPut, at_s(0));
  m.observe(put("applied"), at_s(9));  // inside the window: the failed operation's event
  deliver(m, "tick", 30);              // time passes: "applied-late" is forgotten
  EXPECT_EQ(m.waiting_failed(), 0u);
  m.observe(put("applied-late"), at_s(31));
  const auto s = m.summarize();
  const auto& t = put_type(s);
  EXPECT_EQ(t.delivered_for_failed, 1u);
  EXPECT_EQ(t.unexpected, 1u);
  ASSERT_EQ(s.unexpected_keys.size(), 1u);
  EXPECT_EQ(s.unexpected_keys[0].key, "applied-late");
}

// The order history's flat table keeps each key's events exactly, in whichever form they fit:
// inline (one or two, short spans, sequencers up to 80 bits) or spilled (more, or larger values).
TEST(OrderHistory, GivesBackWhatWasStoredInEitherForm) {
  OrderHistory history;
  using Entry = OrderHistory::Entry;
  const auto entry = [](double started, double completed, std::uint64_t high, std::uint64_t low,
                        std::uint32_t type, bool out_of_order) {
    // Arrived a quarter second after it was sent; "content" from the sequencer, to tell them apart.
    return Entry{at_s(started),
                 at_s(completed),
                 {high, low},
                 type,
                 out_of_order,
                 at_s(started + 0.25),
                 static_cast<std::uint16_t>(low)};
  };
  const auto same = [](const std::vector<Entry>& a, const std::vector<Entry>& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](const Entry& x, const Entry& y) {
             return x.started == y.started && x.completed == y.completed &&
                    x.sequencer == y.sequencer && x.type_index == y.type_index &&
                    x.out_of_order == y.out_of_order && x.arrival == y.arrival &&
                    x.content == y.content;
           });
  };
  const std::vector<std::vector<Entry>> forms = {
      {entry(1, 1.5, 0, 10, 0, false)},
      {entry(1, 1.000000001, 0xFFFF, ~0ull, 3, true), entry(2, 2, 0, 1, 255, false)},
      {entry(1, 2, 0, 1, 0, false), entry(3, 4, 0, 2, 1, true), entry(5, 6, 0, 3, 0, false)},
      {entry(1, 6, 0, 1, 0, false)},        // a span over 4.29 s
      {entry(1, 2, 0x10000, 0, 0, false)},  // a sequencer over 80 bits
      {entry(1, 2, 0, 1, 300, false)},      // a type index over 255
      {[&] {                                // an arrival over 65 s after the operation was sent
        auto late = entry(1, 2, 0, 1, 0, false);
        late.arrival = at_s(1 + 66);
        return late;
      }()},
  };
  for (std::size_t i = 0; i < forms.size(); ++i) history.store(i + 1, forms[i]);
  std::vector<Entry> out;
  for (std::size_t i = 0; i < forms.size(); ++i) {
    history.load(i + 1, out);
    EXPECT_TRUE(same(out, forms[i])) << i;
  }
  EXPECT_EQ(history.keys(), forms.size());
  // A key moves between the forms as its history changes.
  history.store(3, forms[0]);
  history.store(1, forms[2]);
  history.load(3, out);
  EXPECT_TRUE(same(out, forms[0]));
  history.load(1, out);
  EXPECT_TRUE(same(out, forms[2]));
  // Expiry drops what completed before the time, and what is left of a spilled key comes back.
  history.expire(at_s(3));
  history.load(1, out);
  EXPECT_TRUE(same(out, {forms[2][1], forms[2][2]}));
  history.load(4, out);
  EXPECT_TRUE(same(out, forms[3]));
  for (const std::size_t gone : {2u, 3u, 5u, 6u, 7u}) {
    history.load(gone, out);
    EXPECT_TRUE(out.empty()) << gone;
  }
  EXPECT_EQ(history.keys(), 2u);
}

// Keys that collide in the table's probe runs survive the erasure of their neighbours.
TEST(OrderHistory, ErasingKeepsTheOtherKeysOfAProbeRun) {
  OrderHistory history;
  const std::vector<OrderHistory::Entry> one = {{at_s(0), at_s(1), {0, 7}, 0, false, at_s(1), 1}};
  // Multiples of 4096 all start their probe at slot 0 while the table is small.
  constexpr std::uint64_t kKeys = 2000;
  for (std::uint64_t k = 1; k <= kKeys; ++k) history.store(k * 4096, one);
  for (std::uint64_t k = 1; k <= kKeys; k += 2) history.store(k * 4096, {});
  std::vector<OrderHistory::Entry> out;
  for (std::uint64_t k = 1; k <= kKeys; ++k) {
    history.load(k * 4096, out);
    EXPECT_EQ(out.size(), k % 2 == 0 ? 1u : 0u) << k;
  }
  EXPECT_EQ(history.keys(), kKeys / 2);
}

}  // namespace
}  // namespace s3storm::events
