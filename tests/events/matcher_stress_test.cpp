#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "events/matcher.hpp"

namespace s3storm::events {
namespace {

constexpr EventKind kKinds[] = {
    EventKind::kObjectCreatedPut, EventKind::kObjectCreatedCopy, EventKind::kObjectCreatedPost,
    EventKind::kObjectCreatedCompleteMultipartUpload, EventKind::kObjectRemovedDelete};

// Every fifth key has a space, written to the event as AWS would ('+').
std::string key_for(int i) {
  return i % 5 == 0 ? "dir/obj " + std::to_string(i) : "obj-" + std::to_string(i);
}
std::string event_key_for(int i) {
  std::string key = key_for(i);
  std::replace(key.begin(), key.end(), ' ', '+');
  return key;
}

EventRecord record_for(int i) {
  EventRecord r;
  r.kind = kKinds[i % 5];
  r.name = std::string(event_kind_name(r.kind));
  r.bucket = "bucket-" + std::to_string(i % 3);
  r.key = event_key_for(i);
  return r;
}

// Drop one event in N and send one in M twice, in a shuffled order, some before their operation
// is recorded: the counts must come out exactly as dropped and duplicated.
TEST(MatcherStatistics, DropsAndDuplicatesAreCountedExactly) {
  constexpr int kOperations = 12'000;
  constexpr int kDropEvery = 97;
  constexpr int kDuplicateEvery = 89;
  const TimePoint t0 = TimePoint{} + std::chrono::hours(1);

  struct Arrival {
    int op;
    TimePoint at;
  };
  std::vector<Arrival> arrivals;
  int dropped = 0;
  int duplicated = 0;
  for (int i = 0; i < kOperations; ++i) {
    if (i % kDropEvery == 0) {
      ++dropped;
      continue;
    }
    const TimePoint at = t0 + std::chrono::milliseconds(i + 50);
    arrivals.push_back({i, at});
    if (i % kDuplicateEvery == 0) {
      ++duplicated;
      arrivals.push_back({i, at + std::chrono::milliseconds(7)});
    }
  }
  std::mt19937 shuffle_rng(12345);
  std::shuffle(arrivals.begin(), arrivals.end(), shuffle_rng);

  Matcher m;
  // Interleave: expectations go in in operation order while the shuffled arrivals stream in, so
  // some arrive before their operation is recorded.
  std::size_t next_arrival = 0;
  for (int i = 0; i < kOperations; ++i) {
    const TimePoint completed = t0 + std::chrono::milliseconds(i);
    m.expect("bucket-" + std::to_string(i % 3), key_for(i), kKinds[i % 5], completed,
             completed - std::chrono::milliseconds(1));
    for (int k = 0; k < 2 && next_arrival < arrivals.size(); ++k, ++next_arrival) {
      m.observe(record_for(arrivals[next_arrival].op), arrivals[next_arrival].at);
    }
    // The counter the grace wait polls says what a summary would, at every step.
    if (i % 997 == 0) {
      ASSERT_EQ(m.missing_so_far(), m.summarize().total_missing()) << i;
    }
  }
  for (; next_arrival < arrivals.size(); ++next_arrival) {
    m.observe(record_for(arrivals[next_arrival].op), arrivals[next_arrival].at);
  }

  const auto s = m.summarize();
  EXPECT_EQ(s.total_expected(), static_cast<std::uint64_t>(kOperations));
  EXPECT_EQ(s.total_missing(), static_cast<std::uint64_t>(dropped));
  EXPECT_EQ(m.missing_so_far(), static_cast<std::uint64_t>(dropped));
  EXPECT_EQ(s.total_duplicate(), static_cast<std::uint64_t>(duplicated));
  EXPECT_EQ(s.total_unexpected(), 0u);
  EXPECT_EQ(s.total_delivered(), static_cast<std::uint64_t>(kOperations - dropped));
  EXPECT_GT(dropped, 100);
  EXPECT_GT(duplicated, 100);
  for (const auto& type : s.types) {
    EXPECT_EQ(type.expected, type.delivered + type.missing) << type.name;
    EXPECT_EQ(type.delivery_us.count(), type.delivered) << type.name;
  }
  ASSERT_EQ(s.missing_keys.size(), MatchSummary::kListedKeys);
  EXPECT_EQ(s.missing_keys[0].key, key_for(0));
  EXPECT_EQ(s.missing_keys[1].key, key_for(kDropEvery));
}

// Workers record expectations while receivers record arrivals, in any interleaving.
TEST(MatcherThreads, ConcurrentExpectAndObserveAgree) {
  constexpr int kWorkers = 4;
  constexpr int kReceivers = 2;
  constexpr int kPerWorker = 5'000;
  Matcher m;
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&m, w] {
      for (int i = w * kPerWorker; i < (w + 1) * kPerWorker; ++i) {
        m.expect("bucket-" + std::to_string(i % 3), key_for(i), kKinds[i % 5], Clock::now());
      }
    });
  }
  for (int r = 0; r < kReceivers; ++r) {
    threads.emplace_back([&m, r] {
      for (int i = r; i < kWorkers * kPerWorker; i += kReceivers) {
        m.observe(record_for(i), Clock::now());
      }
    });
  }
  std::thread reader([&m] {
    for (int i = 0; i < 50; ++i) (void)m.summarize().total_delivered();
  });
  for (auto& t : threads) t.join();
  reader.join();

  const auto s = m.summarize();
  EXPECT_EQ(s.total_expected(), static_cast<std::uint64_t>(kWorkers * kPerWorker));
  EXPECT_EQ(s.total_delivered(), static_cast<std::uint64_t>(kWorkers * kPerWorker));
  EXPECT_EQ(s.total_missing() + s.total_duplicate() + s.total_unexpected(), 0u);
  EXPECT_EQ(m.missing_so_far(), 0u);
  EXPECT_EQ(m.observed_count(), static_cast<std::uint64_t>(kWorkers * kPerWorker));
}

}  // namespace
}  // namespace s3storm::events
