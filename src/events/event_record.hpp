#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event_type.hpp"

namespace s3storm::events {

// The fields an event record may carry, as bits of EventRecord::fields, so checks can tell a field
// that was absent from one that was empty. A string field counts when it was a string (even ""),
// size when it was a number or a number in a string. For EventBridge events: source ->
// EventSource, region -> AwsRegion, time -> EventTime, detail-type -> EventName,
// detail.requester -> PrincipalId, detail.request-id -> RequestId; they never carry
// EventVersion, BucketArn, S3SchemaVersion or ConfigurationId.
enum RecordField : std::uint32_t {
  kFieldEventVersion = 1,         // eventVersion
  kFieldEventSource = 2,          // eventSource
  kFieldAwsRegion = 4,            // awsRegion
  kFieldEventTime = 8,            // eventTime
  kFieldEventName = 16,           // eventName
  kFieldBucketName = 32,          // s3.bucket.name
  kFieldBucketArn = 64,           // s3.bucket.arn
  kFieldKey = 128,                // s3.object.key
  kFieldSize = 256,               // s3.object.size
  kFieldEtag = 512,               // s3.object.eTag
  kFieldSequencer = 1024,         // s3.object.sequencer
  kFieldVersionId = 2048,         // s3.object.versionId
  kFieldPrincipalId = 4096,       // userIdentity.principalId
  kFieldRequestId = 8192,         // responseElements.x-amz-request-id
  kFieldS3SchemaVersion = 16384,  // s3.s3SchemaVersion
  kFieldConfigurationId = 32768,  // s3.configurationId
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
  std::string sequencer;      // s3.object.sequencer (EventBridge: detail.object.sequencer)
  std::string version_id;     // s3.object.versionId (EventBridge: detail.object.version-id)
  std::string event_version;  // "2.1", ...; EventBridge events have none
  std::uint32_t fields = 0;   // RecordField bits: which fields the delivery carried
};

// An ETag without the HTTP quotes some servers keep (AWS sends it bare); as given otherwise.
inline std::string_view unquoted_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

}  // namespace s3storm::events
