#include "target/s3_error.hpp"

#include "s3/xml_requests.hpp"

namespace s3storm::target {

namespace {

struct ErrorInfo {
  std::string_view name;
  unsigned status;
};

ErrorInfo info(ErrorCode code) {
  switch (code) {
    case ErrorCode::kAccessDenied:
      return {"AccessDenied", 403};
    case ErrorCode::kAuthorizationHeaderMalformed:
      return {"AuthorizationHeaderMalformed", 400};
    case ErrorCode::kAuthorizationQueryParametersError:
      return {"AuthorizationQueryParametersError", 400};
    case ErrorCode::kBadDigest:
      return {"BadDigest", 400};
    case ErrorCode::kBucketAlreadyOwnedByYou:
      return {"BucketAlreadyOwnedByYou", 409};
    case ErrorCode::kBucketNotEmpty:
      return {"BucketNotEmpty", 409};
    case ErrorCode::kEntityTooLarge:
      return {"EntityTooLarge", 400};
    case ErrorCode::kEntityTooSmall:
      return {"EntityTooSmall", 400};
    case ErrorCode::kIncompleteBody:
      return {"IncompleteBody", 400};
    case ErrorCode::kInternalError:
      return {"InternalError", 500};
    case ErrorCode::kInvalidAccessKeyId:
      return {"InvalidAccessKeyId", 403};
    case ErrorCode::kInvalidArgument:
      return {"InvalidArgument", 400};
    case ErrorCode::kInvalidBucketName:
      return {"InvalidBucketName", 400};
    case ErrorCode::kInvalidDigest:
      return {"InvalidDigest", 400};
    case ErrorCode::kInvalidPart:
      return {"InvalidPart", 400};
    case ErrorCode::kInvalidPolicyDocument:
      return {"InvalidPolicyDocument", 400};
    case ErrorCode::kInvalidPartOrder:
      return {"InvalidPartOrder", 400};
    case ErrorCode::kInvalidRange:
      return {"InvalidRange", 416};
    case ErrorCode::kInvalidRequest:
      return {"InvalidRequest", 400};
    case ErrorCode::kInvalidTag:
      return {"InvalidTag", 400};
    case ErrorCode::kMalformedPOSTRequest:
      return {"MalformedPOSTRequest", 400};
    case ErrorCode::kMalformedXML:
      return {"MalformedXML", 400};
    case ErrorCode::kMethodNotAllowed:
      return {"MethodNotAllowed", 405};
    case ErrorCode::kMissingSecurityHeader:
      return {"MissingSecurityHeader", 400};
    case ErrorCode::kNoSuchBucket:
      return {"NoSuchBucket", 404};
    case ErrorCode::kNoSuchKey:
      return {"NoSuchKey", 404};
    case ErrorCode::kNoSuchUpload:
      return {"NoSuchUpload", 404};
    case ErrorCode::kNoSuchVersion:
      return {"NoSuchVersion", 404};
    case ErrorCode::kNotImplemented:
      return {"NotImplemented", 501};
    case ErrorCode::kPreconditionFailed:
      return {"PreconditionFailed", 412};
    case ErrorCode::kRequestTimeTooSkewed:
      return {"RequestTimeTooSkewed", 403};
    case ErrorCode::kSignatureDoesNotMatch:
      return {"SignatureDoesNotMatch", 403};
    case ErrorCode::kSlowDown:
      return {"SlowDown", 503};
    case ErrorCode::kXAmzContentSHA256Mismatch:
      return {"XAmzContentSHA256Mismatch", 400};
  }
  return {"InternalError", 500};
}

}  // namespace

std::string_view error_code_name(ErrorCode code) {
  return info(code).name;
}

unsigned error_status(ErrorCode code) {
  return info(code).status;
}

std::string error_document(const S3Error& error, std::string_view resource,
                           std::string_view request_id) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>";
  s3::append_xml_element(out, "Code", error_code_name(error.code()));
  s3::append_xml_element(out, "Message", error.what());
  for (const auto& [name, value] : error.details) s3::append_xml_element(out, name, value);
  s3::append_xml_element(out, "Resource", resource);
  s3::append_xml_element(out, "RequestId", request_id);
  out += "</Error>";
  return out;
}

}  // namespace s3storm::target
