// Fuzz entry point over events::parse_notification, the reader of every event body that arrives
// (webhook POSTs, SQS message bodies): S3 records (AWS, Ceph, s3rver, through the fast path and
// the document), MinIO's envelope, EventBridge events, SNS Notification and
// SubscriptionConfirmation envelopes (and the SubscribeURL's split), s3:TestEvent. Any input must
// parse or be refused with NotificationParseError (the receivers answer 400 / count a parse
// failure); any other exception, a crash or a sanitizer report is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/notification_parser.hpp"
#include "util/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace s3storm::events;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    const Notification notification = parse_notification(body);
    // What the matcher and the printer read of each record.
    volatile std::size_t sink = notification.test_events;
    if (!notification.subscribe_url.empty()) {
      // What fetch_subscribe_url reads of it before connecting anywhere.
      if (const auto url = s3storm::split_http_url(notification.subscribe_url)) {
        sink = sink + url->host_header().size() + url->target.size();
      }
    }
    for (const auto& record : notification.records) {
      sink = sink + record.name.size() + record.bucket.size() + record.key.size() +
             record.etag.size() + record.event_time.size() + record.event_source.size() +
             unquoted_etag(record.etag).size() + static_cast<std::size_t>(record.kind) +
             (record.size & 1);
    }
  } catch (const NotificationParseError&) {
    // Refused: the expected outcome for most inputs.
  }
  return 0;
}
