#pragma once

// S3's error answers: the code, the HTTP status S3 pairs with it, and the <Error> document.
// Store and handler code throws S3Error; the request handler turns it into the response.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace s3storm::target {

enum class ErrorCode {
  kAccessDenied,
  kAuthorizationHeaderMalformed,
  kAuthorizationQueryParametersError,
  kBadDigest,
  kBucketAlreadyOwnedByYou,
  kBucketNotEmpty,
  kEntityTooLarge,
  kEntityTooSmall,
  kIncompleteBody,
  kInternalError,
  kInvalidAccessKeyId,
  kInvalidArgument,
  kInvalidBucketName,
  kInvalidDigest,
  kInvalidPart,
  kInvalidPolicyDocument,
  kInvalidPartOrder,
  kInvalidRange,
  kInvalidRequest,
  kInvalidTag,
  kMalformedPOSTRequest,
  kMalformedXML,
  kMethodNotAllowed,
  kMissingSecurityHeader,
  kNoSuchBucket,
  kNoSuchKey,
  kNoSuchUpload,
  kNoSuchVersion,
  kNotImplemented,
  kPreconditionFailed,
  kRequestTimeTooSkewed,
  kSignatureDoesNotMatch,
  kSlowDown,
  kXAmzContentSHA256Mismatch,
};

std::string_view error_code_name(ErrorCode code);
unsigned error_status(ErrorCode code);

class S3Error : public std::runtime_error {
 public:
  S3Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  ErrorCode code() const { return code_; }

  // Extra elements S3 adds for some codes (e.g. <BucketName>, <StringToSign>), in order.
  std::vector<std::pair<std::string, std::string>> details;

  S3Error& with(std::string name, std::string value) {
    details.emplace_back(std::move(name), std::move(value));
    return *this;
  }

 private:
  ErrorCode code_;
};

// The <Error> body S3 sends; `resource` is the request path.
std::string error_document(const S3Error& error, std::string_view resource,
                           std::string_view request_id);

}  // namespace s3storm::target
