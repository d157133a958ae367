#pragma once

// Delivers event messages off the request path: the S3 handler only enqueues, and one background
// thread hands each message to the in-process sink and/or POSTs it to the webhook URL, retrying
// with exponential backoff.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace s3storm::target {

using EventSink = std::function<void(std::string message_json)>;

struct DispatcherOptions {
  std::string notify_url;  // http://127.0.0.1:PORT/path; empty: no webhook
  EventSink sink;          // in-process receiver; may be empty
  int max_attempts = 8;
  std::chrono::milliseconds first_backoff{20};
  std::chrono::milliseconds max_backoff{1000};
  std::size_t queue_limit = 1'000'000;            // past it new events are dropped (and counted)
  std::chrono::milliseconds drain_timeout{5000};  // how long stop() keeps delivering
};

struct DispatcherCounters {
  std::uint64_t enqueued = 0;
  std::uint64_t delivered = 0;
  std::uint64_t retries = 0;
  std::uint64_t failed = 0;        // gave up after max_attempts
  std::uint64_t dropped_full = 0;  // queue was full
  std::uint64_t abandoned = 0;     // still queued when stop() ran out of time
};

class EventDispatcher {
 public:
  // Throws UsageError when notify_url is not an http:// URL.
  explicit EventDispatcher(DispatcherOptions options);
  ~EventDispatcher();
  EventDispatcher(const EventDispatcher&) = delete;
  EventDispatcher& operator=(const EventDispatcher&) = delete;

  void start();
  // Delivers what is queued (up to drain_timeout), then joins. Idempotent.
  void stop();

  // Never blocks on delivery.
  void enqueue(std::string message_json);
  bool has_destination() const { return !options_.notify_url.empty() || options_.sink; }
  void set_sink(EventSink sink);

  DispatcherCounters counters() const;

 private:
  class WebhookClient;
  void run();
  bool deliver(const std::string& message);

  DispatcherOptions options_;
  std::unique_ptr<WebhookClient> client_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point drain_deadline_;
  DispatcherCounters counters_;
  std::thread thread_;
};

}  // namespace s3storm::target
