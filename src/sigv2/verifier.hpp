#pragma once

// Server side of S3's Signature Version 2, for the clients that still sign with it (boto3's
// presigned POSTs and URLs unless told "s3v4", old SDKs, s3cmd): the Authorization header
// "AWS AKID:base64(HMAC-SHA1)", presigned URLs (AWSAccessKeyId, Signature, Expires), and the
// signature of a browser-form POST policy. Every x-amz-* header is in the string to sign, so a
// verified request has no unsigned x-amz-* header by construction. Thread-safe.

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "sigv4/canonical_request.hpp"
#include "sigv4/verifier.hpp"

namespace s3storm::sigv2 {

enum class Scheme {
  kNone,    // not SigV2 (SigV4, or unsigned)
  kHeader,  // Authorization: AWS AKID:signature
  kQuery,   // AWSAccessKeyId / Signature / Expires in the query, no Authorization header
};
Scheme detect(std::string_view authorization, std::string_view raw_query);

enum class Status {
  kOk,
  kMalformed,    // an Authorization header that is not "AWS AKID:signature", a missing parameter
  kMissingDate,  // header auth without a (valid) Date or x-amz-date
  kBadExpires,   // an Expires that is not seconds since the epoch
  kUnknownAccessKey,
  kSignatureMismatch,
  kExpired,     // a presigned URL past its Expires
  kTimeSkewed,  // a Date further from now than the allowed skew
};

struct Result {
  Status status = Status::kMalformed;
  std::string message;  // one line, never the secret
  std::string access_key_id;
  std::string string_to_sign;  // what the server computed (S3 echoes it on a mismatch)
  std::string provided_signature;
  bool ok() const { return status == Status::kOk; }
};

struct Request {
  std::string_view method;
  std::string_view target;  // raw path?query, as received
  std::span<const sigv4::Header> headers;
  // The bucket a virtual-hosted request names in its Host; the canonical resource starts with it.
  std::string_view virtual_bucket;
};

class Verifier {
 public:
  Verifier(sigv4::SecretLookup lookup, std::chrono::seconds max_skew);

  // Header or query auth, as detect() says; Scheme::kNone is malformed.
  Result verify(const Request& request, std::chrono::system_clock::time_point now) const;

  // A v2 browser form: `signature` is base64(HMAC-SHA1(secret, policy)) of the base64 `policy`
  // field as sent. The policy's expiry and conditions are the caller's (sigv4::check_post_policy).
  Result verify_policy(std::string_view policy, std::string_view access_key_id,
                       std::string_view signature) const;

 private:
  Result check(std::string_view access_key_id, std::string_view signature,
               std::string string_to_sign) const;

  sigv4::SecretLookup lookup_;
  std::chrono::seconds max_skew_;
};

}  // namespace s3storm::sigv2
