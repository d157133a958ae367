// EventDispatcher's webhook side against an http::Server on loopback: batches carry whole
// records and only what was waiting, failures are retried, a full queue is counted.

#include "target/event_dispatcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"
#include "util/usage_error.hpp"

namespace s3storm::target {
namespace {

std::string message(int i) {
  return R"({"Records":[{"s3":{"object":{"key":"k)" + std::to_string(i) + R"("}}}]})";
}

// A webhook that keeps the key of every record it gets, and the record count of every POST.
struct Receiver {
  explicit Receiver(int failures = 0, std::chrono::milliseconds pause = {})
      : fail_first(failures),
        delay(pause),
        server(http::ServerOptions{}, [this](auto& q, auto& a) { handle(q, a); }) {
    server.start();
  }
  ~Receiver() { server.stop(); }

  void handle(const http::ServerRequest& request, http::ServerResponse& response) {
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    if (calls++ < fail_first) {
      response.status = 503;
      return;
    }
    const auto body = nlohmann::json::parse(request.body);
    std::lock_guard lock(mutex);
    sizes.push_back(body["Records"].size());
    for (const auto& record : body["Records"]) keys.push_back(record["s3"]["object"]["key"]);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()) + "/in"; }

  int fail_first;
  std::chrono::milliseconds delay;
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::vector<std::size_t> sizes;
  std::vector<std::string> keys;
  http::Server server;
};

TEST(EventDispatcher, RecordsOfTakesOnlyTheRecordsShape) {
  EXPECT_EQ(records_of(R"({"Records":[{"a":1}]})"), R"({"a":1})");
  EXPECT_FALSE(records_of(R"({"Records":[]})"));
  EXPECT_FALSE(records_of(R"({"Event":"s3:TestEvent"})"));
  EXPECT_FALSE(records_of("not json"));
}

TEST(EventDispatcher, RejectsUrlsItCannotPostTo) {
  EXPECT_THROW(EventDispatcher(DispatcherOptions{"https://127.0.0.1:1/", {}}), UsageError);
  EXPECT_THROW(EventDispatcher(DispatcherOptions{"http://127.0.0.1/", {}}), UsageError);
  EXPECT_THROW(EventDispatcher(DispatcherOptions{"ftp://x:1/", {}}), UsageError);
}

TEST(EventDispatcher, OneRecordPerPostByDefaultEveryEventOnce) {
  Receiver receiver;
  EventDispatcher dispatcher(DispatcherOptions{receiver.url(), {}});
  dispatcher.start();
  for (int i = 0; i < 500; ++i) dispatcher.enqueue(message(i));
  dispatcher.stop();
  const auto counters = dispatcher.counters();
  EXPECT_EQ(counters.delivered, 500u);
  EXPECT_EQ(counters.posts, 500u);
  EXPECT_EQ(receiver.keys.size(), 500u);
  for (auto size : receiver.sizes) EXPECT_EQ(size, 1u);
}

TEST(EventDispatcher, BatchesWhatWaitsUpToTheLimit) {
  Receiver receiver(0, std::chrono::milliseconds(5));
  DispatcherOptions options{receiver.url(), {}};
  options.batch = 20;
  options.connections = 2;
  EventDispatcher dispatcher(options);
  dispatcher.start();
  for (int i = 0; i < 1000; ++i) dispatcher.enqueue(message(i));
  dispatcher.stop();
  const auto counters = dispatcher.counters();
  EXPECT_EQ(counters.delivered, 1000u);
  EXPECT_LT(counters.posts, 1000u / 5);  // the receiver is slow: batches fill up
  std::size_t largest = 0;
  for (auto size : receiver.sizes) largest = std::max(largest, size);
  EXPECT_EQ(largest, 20u);
  std::vector<std::string> keys = receiver.keys;
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(std::unique(keys.begin(), keys.end()), keys.end());  // no record twice
  EXPECT_EQ(keys.size(), 1000u);
}

TEST(EventDispatcher, RetriesFailuresThenDelivers) {
  Receiver receiver(/*fail_first=*/3);
  DispatcherOptions options{receiver.url(), {}};
  options.connections = 1;
  options.first_backoff = std::chrono::milliseconds(1);
  EventDispatcher dispatcher(options);
  dispatcher.start();
  dispatcher.enqueue(message(1));
  dispatcher.stop();
  EXPECT_EQ(dispatcher.counters().delivered, 1u);
  EXPECT_EQ(dispatcher.counters().retries, 3u);
}

// event-delay: a held message is not delivered before its time, held messages keep their order,
// and stop() waits for them (within its drain time) instead of dropping them.
TEST(EventDispatcher, HeldMessagesComeAfterTheirDelayInOrder) {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::chrono::steady_clock::time_point>> got;
  DispatcherOptions options;
  options.sink = [&](std::string m) {
    std::lock_guard lock(mutex);
    got.emplace_back(std::move(m), std::chrono::steady_clock::now());
  };
  EventDispatcher dispatcher(options);
  dispatcher.start();
  const auto began = std::chrono::steady_clock::now();
  dispatcher.enqueue_after(message(1), std::chrono::milliseconds(300));
  dispatcher.enqueue(message(2));
  dispatcher.enqueue_after(message(3), std::chrono::milliseconds(300));
  dispatcher.stop();
  const auto counters = dispatcher.counters();
  EXPECT_EQ(counters.delivered, 3u);
  EXPECT_EQ(counters.abandoned, 0u);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].first, message(2));
  EXPECT_EQ(got[1].first, message(1));
  EXPECT_EQ(got[2].first, message(3));
  EXPECT_GE(got[1].second - began, std::chrono::milliseconds(300));
  EXPECT_LT(got[0].second - began, std::chrono::milliseconds(300));
}

TEST(EventDispatcher, FullQueueIsCountedNotHeld) {
  DispatcherOptions options;
  options.queue_limit_bytes = 4096;
  options.drain_timeout = std::chrono::milliseconds(0);
  EventDispatcher dispatcher(options);  // not started: nothing leaves the queue
  for (int i = 0; i < 100; ++i) dispatcher.enqueue(message(i));
  const auto counters = dispatcher.counters();
  EXPECT_GT(counters.enqueued, 0u);
  EXPECT_EQ(counters.enqueued + counters.dropped_full, 100u);
  EXPECT_LE(counters.queue_peak_bytes, 4096u);
}

}  // namespace
}  // namespace s3storm::target
