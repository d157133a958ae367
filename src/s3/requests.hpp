#pragma once

// The S3 requests the load engine, setup, cleanup and `trigger` send, typed: the header names and
// query parameters of the S3 API are spelled here and nowhere above s3/. Each builder owns the
// buffers its request points into and reuses them, so a flow sending one request after another
// allocates nothing once warm. A built RequestSpec stays valid until the builder's next build().

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "s3/exchange.hpp"
#include "s3/post_upload.hpp"
#include "s3/xml_requests.hpp"
#include "sigv4/canonical_request.hpp"

namespace s3storm::s3 {

// What a write may set on the object it creates.
struct ObjectAttributes {
  std::string_view content_type;                                 // empty: S3's default
  const std::map<std::string, std::string>* metadata = nullptr;  // names without x-amz-meta-
  std::string_view storage_class;                                // empty: STANDARD
  bool replace_metadata = false;  // CopyObject: the attributes replace the source's
};

// The headers that carry `attributes`, appended as owned (name, value) pairs, so a caller can keep
// them for the life of a phase and send views of them with every request.
void append_object_headers(const ObjectAttributes& attributes,
                           std::vector<std::pair<std::string, std::string>>& out);

// With a LocationConstraint for any region but us-east-1, where S3 refuses one.
class CreateBucketRequest {
 public:
  const RequestSpec& build(std::string_view bucket, std::string_view region);

 private:
  std::string body_;
  RequestSpec spec_;
};

class PutBucketNotificationRequest {
 public:
  const RequestSpec& build(std::string_view bucket, const std::vector<NotificationTarget>& targets);

 private:
  std::string body_;
  RequestSpec spec_;
};

class CopyObjectRequest {
 public:
  // `headers` (from append_object_headers) are sent besides the copy source.
  const RequestSpec& build(std::string_view bucket, std::string_view key,
                           std::string_view source_bucket, std::string_view source_key,
                           std::span<const sigv4::Header> headers = {});

 private:
  std::string source_;
  std::vector<sigv4::Header> headers_;
  RequestSpec spec_;
};

// One page of ListObjectsV2; an empty token asks for the first page.
class ListObjectsV2Request {
 public:
  const RequestSpec& build(std::string_view bucket, std::string_view prefix, int max_keys,
                           std::string_view continuation_token = {});

 private:
  std::string query_;
  RequestSpec spec_;
};

class ListMultipartUploadsRequest {
 public:
  const RequestSpec& build(std::string_view bucket, std::string_view prefix);

 private:
  std::string query_;
  RequestSpec spec_;
};

class AbortMultipartUploadRequest {
 public:
  const RequestSpec& build(std::string_view bucket, std::string_view key,
                           std::string_view upload_id);

 private:
  std::string query_;
  RequestSpec spec_;
};

// Deletes up to kMaxKeys keys in one request (S3's limit). The body's checksum goes in
// x-amz-checksum-sha256, which S3 accepts where it asks for Content-MD5.
class DeleteObjectsRequest {
 public:
  static constexpr std::size_t kMaxKeys = 1000;
  const RequestSpec& build(std::string_view bucket, const std::vector<std::string>& keys);

 private:
  std::string body_;
  std::string checksum_;
  std::vector<sigv4::Header> headers_;
  RequestSpec spec_;
};

// A browser-form upload: the form carries its authorisation (a signed policy), so the request
// itself is not signed.
class PostObjectRequest {
 public:
  const RequestSpec& build(const PostUpload& upload);

 private:
  PostFormFrame frame_;
  std::vector<PostFormField> fields_;
  std::string body_;
  std::vector<sigv4::Header> headers_;
  RequestSpec spec_;
};

}  // namespace s3storm::s3
