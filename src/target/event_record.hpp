#pragma once

// S3 event notification records in AWS's format (eventVersion 2.1), so whatever parses AWS's
// events (our own receiver included) parses ours.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace s3storm::target {

struct EventDetails {
  std::string event_name;  // without "s3:", e.g. "ObjectCreated:Put"
  std::string bucket;
  std::string key;  // raw; encoded on output
  // Present for ObjectCreated events; AWS sends no size or eTag for removals.
  std::optional<std::uint64_t> size;
  std::string etag;  // no quotes
  // The version the event is about, on a bucket with versioning ("null" for a null version);
  // empty (no versionId at all, as S3 sends) on a bucket that never had versioning.
  std::string version_id;
  std::string sequencer;
  std::chrono::system_clock::time_point time;
  std::string region = "us-east-1";
  std::string source_ip = "127.0.0.1";
  std::string request_id;
  std::string principal = "s3storm";
  std::string configuration_id;
};

// One record object, e.g. {"eventVersion":"2.1",...}.
std::string event_record_json(const EventDetails& event);
// The message a webhook or queue receives: {"Records":[<record>]}.
std::string event_message_json(const EventDetails& event);

// A process-wide increasing sequencer value (as S3 orders events for one key by it)...
std::uint64_t next_sequencer();
// ... and how records spell it: 18 upper-case hex digits.
std::string format_sequencer(std::uint64_t value);

}  // namespace s3storm::target
