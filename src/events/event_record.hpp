#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event_type.hpp"

namespace s3storm::events {

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
  std::string event_source;  // "aws:s3", "minio:s3", "ceph:s3", ...
};

// An ETag without the HTTP quotes some servers keep (AWS sends it bare); as given otherwise.
inline std::string_view unquoted_etag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

}  // namespace s3storm::events
