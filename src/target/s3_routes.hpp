#pragma once

// The S3 REST API as the embedded target routes it: one table, one row per operation of the S3 API
// reference, keyed by resource level (service, bucket, object), method, the subresource query
// parameter that names the operation, and for a few the header that tells two operations apart
// (CopyObject is a PUT with x-amz-copy-source). A row says which query parameters the target
// reads for that operation. Anything else is refused before it can act:
// - an operation of the API the target does not implement: 501 NotImplemented, naming it;
// - a query parameter the operation's row does not list: 501 NotImplemented, naming it (S3 would
//   act on it, or it names a subresource newer than this table, so guessing would misread it);
// - a method with no operation for that subresource: 405 MethodNotAllowed.
// Without this, `DELETE /b/k?tagging` was a DeleteObject and `GET /b/k?acl` a GetObject.

#include <cstdint>
#include <span>
#include <string_view>

#include "http/server.hpp"
#include "target/request_target.hpp"

namespace s3storm::target {

enum class Level : std::uint8_t { kService, kBucket, kObject };

// What the target does for a row; kNotImplemented for the API's operations it refuses.
enum class Operation : std::uint8_t {
  kNotImplemented,
  kListBuckets,
  kCreateBucket,
  kHeadBucket,
  kDeleteBucket,
  kListObjects,
  kGetBucketLocation,
  kGetBucketNotification,
  kPutBucketNotification,
  kListMultipartUploads,
  kDeleteObjects,
  kPostObject,
  kPutObject,
  kCopyObject,
  kGetObject,
  kHeadObject,
  kDeleteObject,
  kCreateMultipartUpload,
  kUploadPart,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kGetAcl,  // GetBucketAcl, GetObjectAcl
  kPutAcl,  // PutBucketAcl, PutObjectAcl
  kGetObjectTagging,
  kPutObjectTagging,
  kDeleteObjectTagging,
  kGetBucketVersioning,
  kPutBucketVersioning,
  kListObjectVersions,
};

struct Route {
  Level level;
  std::string_view method;
  std::string_view subresource;  // the query parameter that names the operation; empty for none
  std::string_view header;       // a header whose presence selects this row over its twin
  std::string_view s3_name;      // the S3 API reference's name, e.g. "GetObjectTagging"
  Operation operation;
  std::span<const std::string_view> parameters;  // the query parameters the target reads
};

// Every row, in the order of the S3 API reference's grouping (for tests and docs).
std::span<const Route> s3_routes();

Level level_of(const RequestTarget& target);

// The row for a request, decided before authentication, so a request that cannot be served costs
// no body hash. Throws S3Error: MethodNotAllowed when the API has no operation for the method and
// subresource; NotImplemented when the target lacks the operation or a query parameter it
// carries. Authentication parameters (SigV4 and SigV2 presigning) and the operation hint some
// SDKs add (x-id) are always accepted: the authenticator reads them.
const Route& route_request(const http::ServerRequest& request, const RequestTarget& target);

}  // namespace s3storm::target
