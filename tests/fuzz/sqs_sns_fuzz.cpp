// Fuzz entry point over the SQS and SNS answers the run reads:
//  - SQS JSON protocol (src/events/sqs_protocol): ReceiveMessage and DeleteMessageBatch replies
//    and the error code of a failed call; each received message body then goes to
//    events::parse_notification, as SqsPoller hands it on (SNS envelopes included, and a
//    SubscriptionConfirmation's SubscribeURL to the URL splitter fetch_subscribe_url uses);
//  - SNS query-API XML (src/s3/sns_topics, Ceph RGW's topics): CreateTopicResponse's TopicArn
//    and ErrorResponse's Code.
// Every input goes to every reader. The SQS readers may throw std::runtime_error (the poller
// retries), parse_notification NotificationParseError (counted); anything else is a bug.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "events/notification_parser.hpp"
#include "events/sqs_protocol.hpp"
#include "s3/sns_topics.hpp"
#include "util/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace events = s3storm::events;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  volatile std::size_t sink = 0;

  try {
    for (const auto& message : events::parse_receive_response(body)) {
      sink = sink + message.message_id.size() + message.receipt_handle.size();
      try {
        const auto notification = events::parse_notification(message.body);
        sink = sink + notification.records.size() + notification.test_events;
        if (!notification.subscribe_url.empty()) {
          if (const auto url = s3storm::split_http_url(notification.subscribe_url)) {
            sink = sink + url->host_header().size();
          }
        }
      } catch (const events::NotificationParseError&) {
      }
    }
  } catch (const std::runtime_error&) {
  }
  try {
    const auto outcome = events::parse_delete_batch_response(body);
    sink = sink + outcome.deleted + outcome.failure_codes.size();
  } catch (const std::runtime_error&) {
  }
  // The x-amzn-query-error header takes the body's first line, so both paths see fuzz bytes.
  sink = sink + events::sqs_error_code(400, body, body.substr(0, body.find('\n'))).size();

  sink = sink + s3storm::s3::parse_topic_arn(body).size() +
         s3storm::s3::parse_sns_error_code(body).size();
  return 0;
}
