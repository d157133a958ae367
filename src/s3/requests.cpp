#include "s3/requests.hpp"

#include <boost/beast/http/verb.hpp>

#include "sigv4/crypto.hpp"
#include "sigv4/uri_encoding.hpp"

namespace s3storm::s3 {

namespace bhttp = boost::beast::http;

namespace {

void append_parameter(std::string& query, std::string_view name, std::string_view value) {
  if (!query.empty()) query.push_back('&');
  query.append(name).push_back('=');
  sigv4::append_uri_encoded(query, value, /*keep_slash=*/false);
}

}  // namespace

void append_object_headers(const ObjectAttributes& attributes,
                           std::vector<std::pair<std::string, std::string>>& out) {
  if (!attributes.content_type.empty()) {
    out.emplace_back("content-type", std::string(attributes.content_type));
  }
  if (attributes.metadata != nullptr) {
    for (const auto& [name, value] : *attributes.metadata) {
      out.emplace_back("x-amz-meta-" + name, value);
    }
  }
  if (!attributes.storage_class.empty()) {
    out.emplace_back("x-amz-storage-class", std::string(attributes.storage_class));
  }
  if (attributes.replace_metadata) out.emplace_back("x-amz-metadata-directive", "REPLACE");
}

const RequestSpec& CreateBucketRequest::build(std::string_view bucket, std::string_view region) {
  write_create_bucket_configuration(body_, region);
  spec_ = {.method = bhttp::verb::put, .bucket = bucket, .body = body_};
  return spec_;
}

const RequestSpec& PutBucketNotificationRequest::build(
    std::string_view bucket, const std::vector<NotificationTarget>& targets) {
  write_notification_configuration(body_, targets);
  spec_ = {.method = bhttp::verb::put, .bucket = bucket, .query = "notification=", .body = body_};
  return spec_;
}

const RequestSpec& CopyObjectRequest::build(std::string_view bucket, std::string_view key,
                                            std::string_view source_bucket,
                                            std::string_view source_key,
                                            std::span<const sigv4::Header> headers) {
  source_.assign(source_bucket).push_back('/');
  sigv4::append_s3_key_path(source_, source_key);
  headers_.assign(headers.begin(), headers.end());
  headers_.push_back({"x-amz-copy-source", source_});
  // CopyObject may fail after its 200 status line: the error is in the body.
  spec_ = {.method = bhttp::verb::put,
           .bucket = bucket,
           .key = key,
           .headers = headers_,
           .error_may_follow_200 = true};
  return spec_;
}

const RequestSpec& ListObjectsV2Request::build(std::string_view bucket, std::string_view prefix,
                                               int max_keys, std::string_view continuation_token) {
  query_.assign("list-type=2&max-keys=").append(std::to_string(max_keys));
  if (!prefix.empty()) append_parameter(query_, "prefix", prefix);
  if (!continuation_token.empty()) {
    append_parameter(query_, "continuation-token", continuation_token);
  }
  spec_ = {.method = bhttp::verb::get, .bucket = bucket, .query = query_};
  return spec_;
}

const RequestSpec& ListMultipartUploadsRequest::build(std::string_view bucket,
                                                      std::string_view prefix) {
  query_.assign("uploads=");
  append_parameter(query_, "prefix", prefix);
  spec_ = {.method = bhttp::verb::get, .bucket = bucket, .query = query_};
  return spec_;
}

const RequestSpec& AbortMultipartUploadRequest::build(std::string_view bucket, std::string_view key,
                                                      std::string_view upload_id) {
  query_.clear();
  append_parameter(query_, "uploadId", upload_id);
  spec_ = {.method = bhttp::verb::delete_, .bucket = bucket, .key = key, .query = query_};
  return spec_;
}

const RequestSpec& DeleteObjectsRequest::build(std::string_view bucket,
                                               const std::vector<std::string>& keys) {
  write_delete_objects(body_, keys);
  const auto digest = sigv4::sha256(body_);
  checksum_ = sigv4::base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
  headers_.assign({{"content-type", "application/xml"}, {"x-amz-checksum-sha256", checksum_}});
  spec_ = {.method = bhttp::verb::post,
           .bucket = bucket,
           .query = "delete=",
           .headers = headers_,
           .body = body_};
  return spec_;
}

const RequestSpec& PostObjectRequest::build(const PostUpload& upload) {
  write_post_upload(upload, frame_, fields_, body_);
  headers_.assign(1, {"content-type", frame_.content_type});
  spec_ = {.method = bhttp::verb::post,
           .bucket = upload.bucket,
           .headers = headers_,
           .body = body_,
           .sign = false};
  return spec_;
}

}  // namespace s3storm::s3
