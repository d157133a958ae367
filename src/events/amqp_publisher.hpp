#pragma once

// Publishes event messages to an AMQP topic exchange, as RGW and MinIO do: what `serve --notify
// amqp://...` does with its events. enqueue() never blocks; one thread of its own publishes in
// batches, persistent, with publisher confirms, and publishes again what the broker did not
// confirm when the connection broke (so a broker restart loses nothing it was handed, at the
// price of a possible duplicate). The queue is bounded in bytes; what does not fit is lost and
// counted, never held.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "events/amqp_connection.hpp"

namespace s3storm::events {

struct AmqpPublisherOptions {
  std::string url;
  std::string exchange = "s3events";
  std::string routing_key = "s3storm";
  std::size_t batch = 256;  // messages published before waiting for their confirms
  std::size_t queue_limit_bytes = 64 * 1024 * 1024;
  std::chrono::milliseconds confirm_timeout{10'000};
  std::chrono::milliseconds backoff_base{100};
  std::chrono::milliseconds backoff_max{2'000};
  std::chrono::milliseconds drain_timeout{10'000};  // how long stop() keeps publishing
  AmqpConnectOptions connect;
};

struct AmqpPublisherCounters {
  std::uint64_t enqueued = 0;
  std::uint64_t confirmed = 0;     // the broker confirmed it (routed and, if durable, stored)
  std::uint64_t republished = 0;   // published again after a broken connection or a nack
  std::uint64_t dropped_full = 0;  // lost: the queue was full
  std::uint64_t abandoned = 0;     // lost: still unconfirmed when stop() ran out of time
  std::uint64_t reconnects = 0;
  std::uint64_t connection_errors = 0;
  std::uint64_t queue_peak_bytes = 0;
};

class AmqpPublisher {
 public:
  // Throws UsageError for a bad URL.
  explicit AmqpPublisher(AmqpPublisherOptions options);
  ~AmqpPublisher();
  AmqpPublisher(const AmqpPublisher&) = delete;
  AmqpPublisher& operator=(const AmqpPublisher&) = delete;

  // Connects and declares the exchange (a durable topic exchange) unless it exists; throws
  // AmqpError when the broker refuses.
  void start();
  void enqueue(std::string message);
  void stop();  // publishes what is queued, up to drain_timeout; idempotent

  AmqpPublisherCounters counters() const;
  const AmqpAddress& address() const { return address_; }

 private:
  void run();
  bool take_batch();
  void publish_batch();
  bool reconnect();

  AmqpPublisherOptions options_;
  AmqpAddress address_;
  std::unique_ptr<AmqpConnection> connection_;  // the publisher thread's, once started
  std::deque<std::string> in_flight_;           // published or to publish, not yet confirmed
  std::uint64_t next_tag_ = 1;
  int attempts_ = 0;

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point drain_deadline_;
  AmqpPublisherCounters counters_;
  std::thread thread_;
};

}  // namespace s3storm::events
