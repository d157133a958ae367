#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "events/event_record.hpp"

namespace s3storm::events {

// A body that is not an S3 event notification in any shape we accept (the receiver answers 400).
class NotificationParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What one delivery (an HTTP POST body or an SQS message body) carried.
struct Notification {
  std::vector<EventRecord> records;
  // s3:TestEvent messages, sent when a notification configuration is saved: counted, never matched.
  std::size_t test_events = 0;
  // Set for an SNS SubscriptionConfirmation; confirming it is the receiver's decision.
  std::string subscribe_url;
};

// Accepts the S3 event JSON ({"Records":[...]}, AWS, Ceph, s3rver), MinIO's webhook envelope
// (EventName, Key, Records), an EventBridge event ("detail-type": "Object Created" and the
// others, "detail": {bucket, object, reason, deletion-type}), an SNS Notification whose Message is
// one of those, an SNS SubscriptionConfirmation, and s3:TestEvent. Throws NotificationParseError
// otherwise.
Notification parse_notification(std::string_view body);
// The same into `out`, reusing the records it holds (their strings keep their capacity), so a
// receiver that keeps one Notification per thread allocates nothing per delivery. On a throw
// `out` holds no meaning.
void parse_notification(std::string_view body, Notification& out);

}  // namespace s3storm::events
