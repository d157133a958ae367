#include "target/s3_routes.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "target/s3_error.hpp"

namespace s3storm::target {

namespace {

using P = std::string_view;
using enum Level;
using enum Operation;

// The query parameters each implemented operation reads.
constexpr std::array<P, 9> kListObjectsParameters{
    "list-type",   "prefix",        "delimiter",   "max-keys", "continuation-token",
    "start-after", "encoding-type", "fetch-owner", "marker"};
constexpr std::array<P, 1> kListUploadsParameters{"prefix"};
constexpr std::array<P, 5> kListVersionsParameters{"prefix", "key-marker", "version-id-marker",
                                                   "max-keys", "encoding-type"};
// GetObject's response-* parameters override the answer's headers (get_object reads them).
constexpr std::array<P, 7> kGetObjectParameters{"versionId",
                                                "response-cache-control",
                                                "response-content-disposition",
                                                "response-expires",
                                                "response-content-encoding",
                                                "response-content-language",
                                                "response-content-type"};
// DeleteObject's, the object ACL's and tagging's: only a version.
constexpr std::array<P, 1> kDeleteObjectParameters{"versionId"};
constexpr std::array<P, 1> kUploadParameters{"uploadId"};
constexpr std::array<P, 2> kUploadPartParameters{"uploadId", "partNumber"};
constexpr std::span<const P> kNone{};

// Read by the authenticator (SigV4 and SigV2 presigned URLs; botocore moves a v2 URL's session
// token into the query in lower case and signs it), or an SDK's operation hint.
constexpr std::array<P, 12> kAlwaysAccepted{
    "X-Amz-Algorithm",     "X-Amz-Credential", "X-Amz-Date",           "X-Amz-Expires",
    "X-Amz-SignedHeaders", "X-Amz-Signature",  "X-Amz-Security-Token", "AWSAccessKeyId",
    "Signature",           "Expires",          "x-amz-security-token", "x-id"};

// The S3 API reference's operations, grouped by resource. Rows of one (level, method,
// subresource) differ by `header` only; the row without one comes last.
constexpr std::array kRoutes = std::to_array<Route>({
    // The service.
    {kService, "GET", "", "", "ListBuckets", kListBuckets, kNone},

    // Buckets: the implemented operations.
    {kBucket, "PUT", "", "", "CreateBucket", kCreateBucket, kNone},
    {kBucket, "HEAD", "", "", "HeadBucket", kHeadBucket, kNone},
    {kBucket, "DELETE", "", "", "DeleteBucket", kDeleteBucket, kNone},
    {kBucket, "GET", "", "", "ListObjects, ListObjectsV2", kListObjects, kListObjectsParameters},
    {kBucket, "GET", "location", "", "GetBucketLocation", kGetBucketLocation, kNone},
    {kBucket, "GET", "notification", "", "GetBucketNotificationConfiguration",
     kGetBucketNotification, kNone},
    {kBucket, "PUT", "notification", "", "PutBucketNotificationConfiguration",
     kPutBucketNotification, kNone},
    {kBucket, "GET", "uploads", "", "ListMultipartUploads", kListMultipartUploads,
     kListUploadsParameters},
    {kBucket, "POST", "delete", "", "DeleteObjects", kDeleteObjects, kNone},
    {kBucket, "POST", "", "", "PostObject", kPostObject, kNone},
    {kBucket, "GET", "acl", "", "GetBucketAcl", kGetAcl, kNone},
    {kBucket, "PUT", "acl", "", "PutBucketAcl", kPutAcl, kNone},
    {kBucket, "GET", "versioning", "", "GetBucketVersioning", kGetBucketVersioning, kNone},
    {kBucket, "PUT", "versioning", "", "PutBucketVersioning", kPutBucketVersioning, kNone},
    {kBucket, "GET", "versions", "", "ListObjectVersions", kListObjectVersions,
     kListVersionsParameters},

    // Buckets: the rest of the API.
    {kBucket, "GET", "accelerate", "", "GetBucketAccelerateConfiguration", kNotImplemented, kNone},
    {kBucket, "PUT", "accelerate", "", "PutBucketAccelerateConfiguration", kNotImplemented, kNone},
    {kBucket, "GET", "analytics", "", "GetBucketAnalyticsConfiguration", kNotImplemented, kNone},
    {kBucket, "PUT", "analytics", "", "PutBucketAnalyticsConfiguration", kNotImplemented, kNone},
    {kBucket, "DELETE", "analytics", "", "DeleteBucketAnalyticsConfiguration", kNotImplemented,
     kNone},
    {kBucket, "GET", "cors", "", "GetBucketCors", kNotImplemented, kNone},
    {kBucket, "PUT", "cors", "", "PutBucketCors", kNotImplemented, kNone},
    {kBucket, "DELETE", "cors", "", "DeleteBucketCors", kNotImplemented, kNone},
    {kBucket, "GET", "encryption", "", "GetBucketEncryption", kNotImplemented, kNone},
    {kBucket, "PUT", "encryption", "", "PutBucketEncryption", kNotImplemented, kNone},
    {kBucket, "DELETE", "encryption", "", "DeleteBucketEncryption", kNotImplemented, kNone},
    {kBucket, "GET", "intelligent-tiering", "", "GetBucketIntelligentTieringConfiguration",
     kNotImplemented, kNone},
    {kBucket, "PUT", "intelligent-tiering", "", "PutBucketIntelligentTieringConfiguration",
     kNotImplemented, kNone},
    {kBucket, "DELETE", "intelligent-tiering", "", "DeleteBucketIntelligentTieringConfiguration",
     kNotImplemented, kNone},
    {kBucket, "GET", "inventory", "", "GetBucketInventoryConfiguration", kNotImplemented, kNone},
    {kBucket, "PUT", "inventory", "", "PutBucketInventoryConfiguration", kNotImplemented, kNone},
    {kBucket, "DELETE", "inventory", "", "DeleteBucketInventoryConfiguration", kNotImplemented,
     kNone},
    {kBucket, "GET", "lifecycle", "", "GetBucketLifecycleConfiguration", kNotImplemented, kNone},
    {kBucket, "PUT", "lifecycle", "", "PutBucketLifecycleConfiguration", kNotImplemented, kNone},
    {kBucket, "DELETE", "lifecycle", "", "DeleteBucketLifecycle", kNotImplemented, kNone},
    {kBucket, "GET", "logging", "", "GetBucketLogging", kNotImplemented, kNone},
    {kBucket, "PUT", "logging", "", "PutBucketLogging", kNotImplemented, kNone},
    {kBucket, "GET", "metadataConfiguration", "", "GetBucketMetadataConfiguration", kNotImplemented,
     kNone},
    {kBucket, "POST", "metadataConfiguration", "", "CreateBucketMetadataConfiguration",
     kNotImplemented, kNone},
    {kBucket, "DELETE", "metadataConfiguration", "", "DeleteBucketMetadataConfiguration",
     kNotImplemented, kNone},
    {kBucket, "GET", "metadataTable", "", "GetBucketMetadataTableConfiguration", kNotImplemented,
     kNone},
    {kBucket, "POST", "metadataTable", "", "CreateBucketMetadataTableConfiguration",
     kNotImplemented, kNone},
    {kBucket, "DELETE", "metadataTable", "", "DeleteBucketMetadataTableConfiguration",
     kNotImplemented, kNone},
    {kBucket, "GET", "metrics", "", "GetBucketMetricsConfiguration", kNotImplemented, kNone},
    {kBucket, "PUT", "metrics", "", "PutBucketMetricsConfiguration", kNotImplemented, kNone},
    {kBucket, "DELETE", "metrics", "", "DeleteBucketMetricsConfiguration", kNotImplemented, kNone},
    {kBucket, "GET", "object-lock", "", "GetObjectLockConfiguration", kNotImplemented, kNone},
    {kBucket, "PUT", "object-lock", "", "PutObjectLockConfiguration", kNotImplemented, kNone},
    {kBucket, "GET", "ownershipControls", "", "GetBucketOwnershipControls", kNotImplemented, kNone},
    {kBucket, "PUT", "ownershipControls", "", "PutBucketOwnershipControls", kNotImplemented, kNone},
    {kBucket, "DELETE", "ownershipControls", "", "DeleteBucketOwnershipControls", kNotImplemented,
     kNone},
    {kBucket, "GET", "policy", "", "GetBucketPolicy", kNotImplemented, kNone},
    {kBucket, "PUT", "policy", "", "PutBucketPolicy", kNotImplemented, kNone},
    {kBucket, "DELETE", "policy", "", "DeleteBucketPolicy", kNotImplemented, kNone},
    {kBucket, "GET", "policyStatus", "", "GetBucketPolicyStatus", kNotImplemented, kNone},
    {kBucket, "GET", "publicAccessBlock", "", "GetPublicAccessBlock", kNotImplemented, kNone},
    {kBucket, "PUT", "publicAccessBlock", "", "PutPublicAccessBlock", kNotImplemented, kNone},
    {kBucket, "DELETE", "publicAccessBlock", "", "DeletePublicAccessBlock", kNotImplemented, kNone},
    {kBucket, "GET", "replication", "", "GetBucketReplication", kNotImplemented, kNone},
    {kBucket, "PUT", "replication", "", "PutBucketReplication", kNotImplemented, kNone},
    {kBucket, "DELETE", "replication", "", "DeleteBucketReplication", kNotImplemented, kNone},
    {kBucket, "GET", "requestPayment", "", "GetBucketRequestPayment", kNotImplemented, kNone},
    {kBucket, "PUT", "requestPayment", "", "PutBucketRequestPayment", kNotImplemented, kNone},
    {kBucket, "GET", "session", "", "CreateSession", kNotImplemented, kNone},
    {kBucket, "GET", "tagging", "", "GetBucketTagging", kNotImplemented, kNone},
    {kBucket, "PUT", "tagging", "", "PutBucketTagging", kNotImplemented, kNone},
    {kBucket, "DELETE", "tagging", "", "DeleteBucketTagging", kNotImplemented, kNone},
    {kBucket, "GET", "website", "", "GetBucketWebsite", kNotImplemented, kNone},
    {kBucket, "PUT", "website", "", "PutBucketWebsite", kNotImplemented, kNone},
    {kBucket, "DELETE", "website", "", "DeleteBucketWebsite", kNotImplemented, kNone},

    // Objects: the implemented operations.
    {kObject, "PUT", "", "x-amz-copy-source", "CopyObject", kCopyObject, kNone},
    {kObject, "PUT", "", "", "PutObject", kPutObject, kNone},
    {kObject, "GET", "", "", "GetObject", kGetObject, kGetObjectParameters},
    {kObject, "HEAD", "", "", "HeadObject", kHeadObject, kGetObjectParameters},
    {kObject, "DELETE", "", "", "DeleteObject", kDeleteObject, kDeleteObjectParameters},
    {kObject, "POST", "uploads", "", "CreateMultipartUpload", kCreateMultipartUpload, kNone},
    {kObject, "PUT", "uploadId", "x-amz-copy-source", "UploadPartCopy", kNotImplemented,
     kUploadPartParameters},
    {kObject, "PUT", "uploadId", "", "UploadPart", kUploadPart, kUploadPartParameters},
    {kObject, "POST", "uploadId", "", "CompleteMultipartUpload", kCompleteMultipartUpload,
     kUploadParameters},
    {kObject, "DELETE", "uploadId", "", "AbortMultipartUpload", kAbortMultipartUpload,
     kUploadParameters},
    {kObject, "GET", "uploadId", "", "ListParts", kListParts, kUploadParameters},
    {kObject, "GET", "acl", "", "GetObjectAcl", kGetAcl, kDeleteObjectParameters},
    {kObject, "PUT", "acl", "", "PutObjectAcl", kPutAcl, kDeleteObjectParameters},
    {kObject, "GET", "tagging", "", "GetObjectTagging", kGetObjectTagging, kDeleteObjectParameters},
    {kObject, "PUT", "tagging", "", "PutObjectTagging", kPutObjectTagging, kDeleteObjectParameters},
    {kObject, "DELETE", "tagging", "", "DeleteObjectTagging", kDeleteObjectTagging,
     kDeleteObjectParameters},

    // Objects: the rest of the API.
    {kObject, "GET", "attributes", "", "GetObjectAttributes", kNotImplemented, kNone},
    {kObject, "GET", "legal-hold", "", "GetObjectLegalHold", kNotImplemented, kNone},
    {kObject, "PUT", "legal-hold", "", "PutObjectLegalHold", kNotImplemented, kNone},
    {kObject, "PUT", "renameObject", "", "RenameObject", kNotImplemented, kNone},
    {kObject, "POST", "restore", "", "RestoreObject", kNotImplemented, kNone},
    {kObject, "GET", "retention", "", "GetObjectRetention", kNotImplemented, kNone},
    {kObject, "PUT", "retention", "", "PutObjectRetention", kNotImplemented, kNone},
    {kObject, "POST", "select", "", "SelectObjectContent", kNotImplemented, kNone},
    {kObject, "GET", "torrent", "", "GetObjectTorrent", kNotImplemented, kNone},
});

// The rows of one level, which the table keeps together, so a request scans only its own.
constexpr std::span<const Route> rows_of(Level level) {
  std::size_t begin = 0;
  while (begin < kRoutes.size() && kRoutes[begin].level != level) ++begin;
  std::size_t end = begin;
  while (end < kRoutes.size() && kRoutes[end].level == level) ++end;
  return std::span<const Route>(kRoutes).subspan(begin, end - begin);
}
static_assert(rows_of(kService).size() + rows_of(kBucket).size() + rows_of(kObject).size() ==
                  kRoutes.size(),
              "the rows of each level must stand together");
constexpr std::array<std::span<const Route>, 3> kRowsByLevel{rows_of(kService), rows_of(kBucket),
                                                             rows_of(kObject)};

bool contains(std::span<const P> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The first query parameter that names a subresource of this level; empty when none does.
std::string_view subresource_of(Level level, const RequestTarget& target) {
  for (const auto& [name, value] : target.query) {
    for (const Route& route : kRowsByLevel[static_cast<std::size_t>(level)]) {
      if (!route.subresource.empty() && route.subresource == name) {
        return route.subresource;
      }
    }
  }
  return {};
}

std::string describe(const Route& route) {
  std::string text(route.method);
  if (!route.subresource.empty()) text.append(" ?").append(route.subresource);
  if (!route.header.empty()) text.append(" with ").append(route.header);
  return text;
}

}  // namespace

std::span<const Route> s3_routes() {
  return kRoutes;
}

Level level_of(const RequestTarget& target) {
  if (target.bucket.empty()) return kService;
  return target.key.empty() ? kBucket : kObject;
}

const Route& route_request(const http::ServerRequest& request, const RequestTarget& target) {
  const Level level = level_of(target);
  const std::string_view subresource = target.query.empty() ? P{} : subresource_of(level, target);
  const Route* chosen = nullptr;
  for (const Route& route : kRowsByLevel[static_cast<std::size_t>(level)]) {
    if (route.subresource != subresource || route.method != request.method) continue;
    if (route.header.empty() || !request.header(route.header).empty()) {
      chosen = &route;
      break;
    }
  }
  if (chosen == nullptr) {
    throw S3Error(ErrorCode::kMethodNotAllowed,
                  "The specified method is not allowed against this resource.")
        .with("Method", request.method)
        .with("ResourceType", level == kService  ? "SERVICE"
                              : level == kBucket ? "BUCKET"
                                                 : "OBJECT");
  }
  if (chosen->operation == kNotImplemented) {
    throw S3Error(ErrorCode::kNotImplemented, "The embedded target does not implement " +
                                                  std::string(chosen->s3_name) + " (" +
                                                  describe(*chosen) + ").");
  }
  for (const auto& [name, value] : target.query) {
    if (name == chosen->subresource || contains(chosen->parameters, name) ||
        contains(kAlwaysAccepted, name)) {
      continue;
    }
    throw S3Error(ErrorCode::kNotImplemented,
                  "The embedded target does not implement the query parameter '" + name + "' of " +
                      std::string(chosen->s3_name) + ".");
  }
  return *chosen;
}

}  // namespace s3storm::target
