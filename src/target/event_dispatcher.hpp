#pragma once

// Delivers event messages off the request path: the S3 handler only enqueues, and one background
// thread (its own io_context) hands each message to the in-process sink and/or POSTs it to the
// webhook URL through the load engine's client (http::ConnectionPool + http::RetryingSender):
// several keep-alive connections in flight, each POST carrying up to `batch` records, failures
// retried with backoff. The queue is bounded in bytes; what does not fit is counted as lost
// (dropped_full), never held.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace s3storm::http {
class ConnectionPool;
}

namespace s3storm::target {

using EventSink = std::function<void(std::string message_json)>;

struct DispatcherOptions {
  std::string notify_url;  // http://HOST:PORT/path; empty: no webhook
  EventSink sink;          // in-process receiver, one message per call; may be empty
  int max_attempts = 8;
  std::chrono::milliseconds first_backoff{20};
  std::chrono::milliseconds max_backoff{1000};
  std::size_t connections = 4;  // webhook POSTs in flight, one keep-alive connection each
  // Records per POST at most. 1 is what S3 sends; more only when events are already waiting (a
  // POST never waits to fill up), so a quiet target still sends one record per message.
  std::size_t batch = 1;
  std::size_t queue_limit_bytes = 64 * 1024 * 1024;  // past it new events are lost (and counted)
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds drain_timeout{5000};  // how long stop() keeps delivering
};

// In events (one record each), except posts.
struct DispatcherCounters {
  std::uint64_t enqueued = 0;
  std::uint64_t delivered = 0;
  std::uint64_t retries = 0;       // POSTs sent again
  std::uint64_t failed = 0;        // gave up after max_attempts
  std::uint64_t dropped_full = 0;  // lost: the queue was full
  std::uint64_t abandoned = 0;     // lost: still queued or in flight when stop() ran out of time
  std::uint64_t posts = 0;         // webhook POSTs answered 2xx
  std::uint64_t queue_peak_bytes = 0;
};

// The records of `{"Records":[...]}` (what event_message_json writes), or nullopt for any other
// message, which is then sent alone.
std::optional<std::string_view> records_of(std::string_view message);

class EventDispatcher {
 public:
  // Throws UsageError when notify_url is not an http://HOST:PORT[/path] URL.
  explicit EventDispatcher(DispatcherOptions options);
  ~EventDispatcher();
  EventDispatcher(const EventDispatcher&) = delete;
  EventDispatcher& operator=(const EventDispatcher&) = delete;

  void start();
  // Delivers what is queued (up to drain_timeout), then joins. Idempotent.
  void stop();

  // Never blocks on delivery.
  void enqueue(std::string message_json);
  // Enqueues after `delay` (event-delay). Messages are held in the order they come: every caller
  // passes the same delay, so the first held is the first due.
  void enqueue_after(std::string message_json, std::chrono::microseconds delay);
  bool has_destination() const { return !options_.notify_url.empty() || options_.sink; }
  void set_sink(EventSink sink);

  DispatcherCounters counters() const;

 private:
  struct Slot;
  void pump();
  void send(Slot& slot);
  void on_sent(Slot& slot, bool ok);
  void finish_if_drained();
  void arm_delay_timer();   // on the io thread
  void release_due_held();  // on the io thread
  // Adds one message to queue_ (or counts it lost); the caller holds mutex_. True: wake the pump.
  bool push_locked(std::string message_json);

  DispatcherOptions options_;
  std::string host_header_;
  std::string target_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::steady_timer drain_timer_;
  boost::asio::steady_timer delay_timer_;
  std::unique_ptr<http::ConnectionPool> pool_;  // null without a notify_url
  std::vector<std::unique_ptr<Slot>> slots_;    // one per connection; touched on the io thread
  std::vector<std::string> taken_;              // messages being handed over, reused

  mutable std::mutex mutex_;  // guards what follows
  std::deque<std::string> queue_;
  // Held back by event-delay, oldest (first due) first, and whether delay_timer_ waits for it.
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> held_;
  bool delay_armed_ = false;
  std::size_t queued_bytes_ = 0;
  std::size_t free_slots_ = 0;
  // The io thread is idle with a free slot: the next enqueue must wake it. Otherwise it will
  // look at the queue again by itself (a POST completing, or a pump already posted), so an
  // enqueue costs a lock and a push, no wake-up.
  bool waiting_ = false;
  bool stopping_ = false;
  bool finished_ = false;
  DispatcherCounters counters_;
  std::thread thread_;
};

}  // namespace s3storm::target
