#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event_type.hpp"

namespace s3storm::events {

// Which fields a record carried, so a check can tell "absent" from "empty" (`EventRecord::fields`).
enum RecordField : std::uint32_t {
  kFieldEventVersion = 1,
  kFieldEventSource = 2,
  kFieldAwsRegion = 4,
  kFieldEventTime = 8,
  kFieldEventName = 16,
  kFieldBucketName = 32,
  kFieldBucketArn = 64,
  kFieldKey = 128,
  kFieldSize = 256,
  kFieldEtag = 512,
  kFieldSequencer = 1024,
  kFieldVersionId = 2048,
  kFieldPrincipalId = 4096,
  kFieldRequestId = 8192,
  kFieldS3SchemaVersion = 16384,
  kFieldConfigurationId = 32768,
};

// One S3 event record as it arrived, before matching. `key` is exactly what the server sent
// (URL-encoded by AWS, raw by some emulators); the matcher decides which form it is.
struct EventRecord {
  EventKind kind = EventKind::kOther;
  std::string name;  // without the "s3:" prefix, e.g. "ObjectCreated:Put"
  std::string bucket;
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // without surrounding quotes
  std::string event_time;
  std::string event_source;   // "aws:s3", "minio:s3", "ceph:s3", ...
  std::string sequencer;      // hex digits; orders the events of one key
  std::string version_id;     // "null" or absent on unversioned buckets
  std::string event_version;  // "2.1", ...; empty for EventBridge events
  std::uint32_t fields = 0;   // RecordField bits; 0 when the reader does not report them
};

// An ETag without the HTTP quotes some servers keep (AWS sends it bare); as given otherwise.
inline std::string_view unquoted_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

}  // namespace s3storm::events
