#pragma once

// The XML documents the target answers with, in S3's element names and order.

#include <string>
#include <string_view>
#include <vector>

#include "target/object_store.hpp"

namespace s3storm::target {

std::string list_buckets_document(const std::vector<BucketInfo>& buckets, std::string_view owner);

struct ListV2Echo {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string start_after;
  std::string continuation_token;
  int max_keys = 1000;
  bool url_encode = false;  // encoding-type=url
};
std::string list_objects_v2_document(const ListV2Echo& echo, const ListResult& result);

std::string initiate_multipart_document(std::string_view bucket, std::string_view key,
                                        std::string_view upload_id);
// With the object's checksum and its type when the upload had one.
std::string complete_multipart_document(std::string_view location, std::string_view bucket,
                                        std::string_view key, std::string_view etag,
                                        const std::optional<ObjectChecksum>& checksum);
std::string copy_object_document(const ObjectInfo& object);
std::string list_uploads_document(std::string_view bucket, std::string_view prefix,
                                  const std::vector<UploadInfo>& uploads);
std::string list_parts_document(std::string_view bucket, std::string_view key,
                                std::string_view upload_id, const PartListing& listing);

struct DeleteOutcome {
  std::string key;
  std::string error_code;  // empty on success
  std::string error_message;
  std::string version_id;  // as requested; empty for none
  bool delete_marker = false;
  std::string delete_marker_version_id;  // of the marker created or removed
};
std::string delete_result_document(const std::vector<DeleteOutcome>& outcomes, bool quiet);

std::string tagging_document(const TagSet* tags);
// GetBucketVersioning: no Status at all for a bucket that never had versioning, as S3.
std::string versioning_configuration_document(Versioning state);

struct ListVersionsEcho {
  std::string bucket;
  std::string prefix;
  std::string key_marker;
  std::string version_id_marker;
  int max_keys = 1000;
  bool url_encode = false;
};
std::string list_versions_document(const ListVersionsEcho& echo, const ListVersionsResult& result,
                                   std::string_view owner);

std::string notification_configuration_document(const NotificationRules* rules);

// The ACL every bucket and object has here: its owner with FULL_CONTROL (ACLs are not kept).
std::string access_control_policy_document(std::string_view owner);
std::string post_response_document(std::string_view location, std::string_view bucket,
                                   std::string_view key, std::string_view etag);

// RFC 7231 date for Last-Modified, e.g. "Wed, 25 Nov 2026 20:01:02 GMT".
std::string format_http_date(Clock::time_point time);

}  // namespace s3storm::target
