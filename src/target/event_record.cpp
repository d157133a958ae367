#include "target/event_record.hpp"

#include <fmt/format.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "sigv4/uri_encoding.hpp"
#include "util/iso_time.hpp"

namespace s3storm::target {

std::uint64_t next_sequencer() {
  // Seeded from the clock so a restarted target keeps counting upwards.
  static std::atomic<std::uint64_t> counter{
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count())};
  return counter.fetch_add(1, std::memory_order_relaxed);
}

std::string format_sequencer(std::uint64_t value) {
  return fmt::format("{:018X}", value);
}

namespace {

bool is_tagging_event(const EventDetails& event) {
  return event.event_name.starts_with("ObjectTagging:");
}

nlohmann::ordered_json record(const EventDetails& event) {
  nlohmann::ordered_json object;
  std::string key;
  sigv4::append_event_key_encoded(key, event.key);
  object["key"] = std::move(key);
  if (event.size) {
    object["size"] = *event.size;
    object["eTag"] = event.etag;
  } else if (is_tagging_event(event)) {
    object["eTag"] = event.etag;  // the version's eTag, without a size
  }
  if (!event.version_id.empty()) object["versionId"] = event.version_id;
  object["sequencer"] = event.sequencer;

  nlohmann::ordered_json out;
  // S3 uses 2.3 for its object tagging (and ACL, lifecycle, restore) events, 2.1 otherwise.
  out["eventVersion"] = is_tagging_event(event) ? "2.3" : "2.1";
  out["eventSource"] = "aws:s3";
  out["awsRegion"] = event.region;
  out["eventTime"] = format_iso8601(event.time);
  out["eventName"] = event.event_name;
  out["userIdentity"] = {{"principalId", event.principal}};
  out["requestParameters"] = {{"sourceIPAddress", event.source_ip}};
  out["responseElements"] = {{"x-amz-request-id", event.request_id},
                             {"x-amz-id-2", event.request_id}};
  nlohmann::ordered_json s3;
  s3["s3SchemaVersion"] = "1.0";
  s3["configurationId"] = event.configuration_id;
  s3["bucket"] = {{"name", event.bucket},
                  {"ownerIdentity", {{"principalId", event.principal}}},
                  {"arn", "arn:aws:s3:::" + event.bucket}};
  s3["object"] = std::move(object);
  out["s3"] = std::move(s3);
  return out;
}

}  // namespace

std::string event_record_json(const EventDetails& event) {
  // Keys with invalid UTF-8 are still delivered (they are %-encoded anyway); replace, never throw.
  return record(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string event_message_json(const EventDetails& event) {
  nlohmann::ordered_json message;
  message["Records"] = nlohmann::ordered_json::array({record(event)});
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace s3storm::target
