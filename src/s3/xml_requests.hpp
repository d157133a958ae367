#pragma once

// The XML documents s3storm sends. Each writes into a caller-owned string so that the hot path
// (CompleteMultipartUpload) reuses one buffer.

#include <string>
#include <string_view>
#include <vector>

#include "util/xml_escape.hpp"

namespace s3storm::s3 {

using util::append_xml_escaped;
// Appends <name>text</name>, the text escaped.
void append_xml_element(std::string& out, std::string_view name, std::string_view text);

struct CompletedPart {
  int number = 0;
  std::string etag;  // as the server sent it, quotes included
  // The part's checksum as sent (base64), and the element it goes in ("ChecksumCRC32"); empty
  // when the upload has none.
  std::string checksum{};
  std::string_view checksum_element{};
};
void write_complete_multipart_upload(std::string& out, const std::vector<CompletedPart>& parts);

// Empty for us-east-1, where S3 rejects an explicit LocationConstraint.
void write_create_bucket_configuration(std::string& out, std::string_view region);

enum class NotificationTargetKind { kQueue, kTopic, kLambda };
struct NotificationTarget {
  NotificationTargetKind kind = NotificationTargetKind::kQueue;
  std::string arn;
  std::vector<std::string> events;  // e.g. "s3:ObjectCreated:*"
  std::string id;                   // optional configuration id
  std::string prefix;               // only keys that start with this (Filter/S3Key)
  std::string suffix;               // only keys that end with this
};
// <Filter><S3Key><FilterRule>... for a prefix and a suffix; nothing when both are empty.
void append_key_filter(std::string& out, std::string_view prefix, std::string_view suffix);
void write_notification_configuration(std::string& out,
                                      const std::vector<NotificationTarget>& targets);

// DeleteObjects body (quiet mode), at most 1000 keys per request as S3 allows.
void write_delete_objects(std::string& out, const std::vector<std::string>& keys);

}  // namespace s3storm::s3
