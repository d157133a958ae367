#pragma once

// The AMQP event source: consumers that read the JSON bodies RGW and MinIO publish to a topic
// exchange from a queue bound to it, hand each to the same NotificationSink the webhook and SQS
// use, and acknowledge what was counted. rabbitmq-c is blocking: each consumer is one thread
// with its own connection (one channel), waiting at most `poll` per call so stop() is prompt.
//
//   events::AmqpConsumer consumer({.url = url, .exchange = "s3events"}, events::matching_sink(m));
//   consumer.start();  // throws AmqpError: broker unreachable, login refused, no such exchange
//   ...                // a broken connection is re-established with backoff and counted
//   consumer.stop();   // acknowledges what was counted, then closes
//   consumer.counters();

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "events/amqp_connection.hpp"
#include "events/webhook_receiver.hpp"

namespace s3storm::events {

struct AmqpOptions {
  std::string url;       // amqp[s]://user:password@host:port/vhost
  std::string exchange;  // the topic exchange the server publishes to
  std::string routing_key = "#";
  // Empty: a queue named for this process, deleted when its last consumer goes. A name: a
  // durable queue that outlives us and a broker restart (with persistent messages).
  std::string queue;
  int prefetch = 1000;   // unacknowledged messages per consumer
  int consumers = 1;     // threads, each its own connection
  bool declare = false;  // declare the exchange (durable topic) when it is missing
  // Messages per second per consumer at most; 0: as fast as they come. A slow consumer on
  // purpose, to see how a backlog in the broker drains and what it does to latency.
  double max_rate = 0;
  std::chrono::milliseconds poll{100};
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_max{5'000};
  AmqpConnectOptions connect;
};

struct AmqpCounters {
  std::uint64_t messages = 0;        // deliveries, counted or recognised again
  std::uint64_t records = 0;         // S3 event records handed to the sink
  std::uint64_t test_events = 0;     // s3:TestEvent, counted apart, never matched
  std::uint64_t parse_failures = 0;  // bodies that are no S3 notification (acknowledged too)
  // Deliveries flagged `redelivered` whose body we had already counted (our acknowledgement was
  // lost with a connection): acknowledged, not counted again, so not a server's duplicate.
  std::uint64_t redelivered = 0;
  std::uint64_t reconnects = 0;  // connections re-established after a failure
  // Failures of an established or re-established connection, by reason.
  std::map<std::string, std::uint64_t> connection_errors;
};

class AmqpConsumer {
 public:
  // Throws UsageError for a bad URL or option (the message names no setting: the caller does).
  AmqpConsumer(AmqpOptions options, NotificationSink sink);
  ~AmqpConsumer();
  AmqpConsumer(const AmqpConsumer&) = delete;
  AmqpConsumer& operator=(const AmqpConsumer&) = delete;

  // Connects every consumer, declares and binds the queue, and starts consuming; throws
  // AmqpError when the broker refuses any of it, with nothing left running.
  void start();
  void stop();  // idempotent; joins the threads

  AmqpCounters counters() const;
  const std::string& queue() const { return queue_; }
  const AmqpAddress& address() const { return address_; }

  class Shared;  // counters, the sink and the fingerprints of counted bodies
  class Loop;    // one consumer thread

 private:
  AmqpOptions options_;
  AmqpAddress address_;
  std::string queue_;
  std::shared_ptr<Shared> shared_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
};

}  // namespace s3storm::events
