#pragma once

// The SQS event source: pollers that long-poll one queue with ReceiveMessage, hand each message
// body (raw S3 event JSON or an SNS Notification wrapping it) to the same NotificationSink the
// webhook uses, and delete what they read with DeleteMessageBatch. Requests use the SQS JSON
// protocol, signed with our SigV4 signer (service "sqs").
//
//   events::SqsPoller poller({.queue_url = url, .region = "eu-west-1", .credentials = creds,
//                             .pollers = 4}, events::matching_sink(matcher));
//   poller.start();   // throws std::runtime_error when the queue's host does not resolve
//   ...               // the sink runs on the poller threads, several at once
//   poller.stop();    // prompt: long polls in flight are cut; reads already delivered are
//                     // still deleted, for at most drain_timeout
//   poller.counters();

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "events/sqs_queue_url.hpp"
#include "events/webhook_receiver.hpp"
#include "sigv4/credential_feed.hpp"
#include "sigv4/signer.hpp"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace s3storm::events {

struct SqsOptions {
  std::string queue_url;
  std::string region = "us-east-1";  // used when the queue URL has no "sqs.<region>." host
  sigv4::Credentials credentials;
  // When set: credentials refreshed while the pollers run; each poller signs with the latest.
  std::shared_ptr<const sigv4::CredentialFeed> credential_feed;
  int pollers = 1;                     // threads, each with one long poll in flight
  std::chrono::seconds wait{20};       // WaitTimeSeconds, 0..20
  std::chrono::seconds visibility{0};  // VisibilityTimeout; 0: the queue's own
  int max_messages = 10;               // MaxNumberOfMessages, 1..10
  // After a failed ReceiveMessage: full-jitter exponential backoff from base up to max; a poller
  // retries for as long as it runs.
  std::chrono::milliseconds backoff_base{200};
  std::chrono::milliseconds backoff_max{5'000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds drain_timeout{2'000};
  // For https queue URLs; null: a default verifying context is made.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

struct SqsCounters {
  std::uint64_t receives = 0;           // ReceiveMessage calls answered 200, empty or not
  std::uint64_t messages_received = 0;  // SQS messages (one may carry several records)
  std::uint64_t records = 0;            // S3 event records handed to the sink
  std::uint64_t test_events = 0;        // s3:TestEvent, counted apart, never matched
  std::uint64_t parse_failures = 0;     // message bodies that are no S3 notification (deleted too)
  std::uint64_t messages_deleted = 0;
  std::uint64_t delete_failures = 0;  // entries not deleted: they come back after the visibility
  // By SQS error code ("InvalidClientTokenId", "QueueDoesNotExist"), "http_<status>" when there
  // is none, or the transport outcome ("connect_failed", "timeout", "reset", "bad_response").
  std::map<std::string, std::uint64_t> receive_errors;
  std::map<std::string, std::uint64_t> delete_errors;

  std::uint64_t receive_error_total() const;
};

class SqsPoller {
 public:
  // Throws s3storm::UsageError for a bad queue URL or option.
  SqsPoller(SqsOptions options, NotificationSink sink);
  ~SqsPoller();
  SqsPoller(const SqsPoller&) = delete;
  SqsPoller& operator=(const SqsPoller&) = delete;

  void start();
  void stop();  // idempotent; joins the poller threads

  SqsCounters counters() const;
  const std::string& region() const { return region_; }  // the one requests are signed for
  const SqsQueueAddress& address() const { return address_; }

  class Shared;  // counters and the sink, shared by the poller threads
  class Loop;    // one poller thread's io_context, pools and request buffers

 private:
  SqsOptions options_;
  SqsQueueAddress address_;
  std::string region_;
  std::shared_ptr<Shared> shared_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::vector<std::thread> threads_;
};

}  // namespace s3storm::events
