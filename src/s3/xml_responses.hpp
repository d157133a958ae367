#pragma once

// Reading S3's XML answers: only the few fields the engine acts on, tolerant of namespaces and of
// extra elements, so that LocalStack, MinIO, Ceph and AWS all parse the same way.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace s3storm::s3 {

struct S3Error {
  std::string code;
  std::string message;
  std::string request_id;
};

// The <Error> document S3 sends with a failure status, and sometimes with 200 (CopyObject and
// CompleteMultipartUpload can fail after the status line was sent). Empty when the body is not one.
std::optional<S3Error> parse_error(std::string_view body);

// UploadId from InitiateMultipartUploadResult; empty when absent.
std::string parse_upload_id(std::string_view body);

// ETag from CompleteMultipartUploadResult or CopyObjectResult (quotes kept as sent).
std::string parse_result_etag(std::string_view body);

struct ListPage {
  std::vector<std::string> keys;
  bool truncated = false;
  std::string next_continuation_token;
};
ListPage parse_list_objects_v2(std::string_view body);

// The <Error> entries of a DeleteObjects answer: the keys it did not delete, and why.
struct DeleteError {
  std::string key;
  std::string code;
};
std::vector<DeleteError> parse_delete_errors(std::string_view body);

struct OpenUpload {
  std::string key;
  std::string upload_id;
};
std::vector<OpenUpload> parse_list_multipart_uploads(std::string_view body);

}  // namespace s3storm::s3
