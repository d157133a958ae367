#pragma once

// Signature verification for every request the target serves. SigV4 on top of sigv4::Verifier
// (which recomputes the canonical request and checks the clock): this class adds what S3 adds on
// top — the body checked against a signed payload hash, and each failure mapped to S3's error code:
// InvalidAccessKeyId, SignatureDoesNotMatch (with the canonical request and string to sign S3
// also returns), XAmzContentSHA256Mismatch, AccessDenied (anonymous, expired URL),
// RequestTimeTooSkewed, AuthorizationHeaderMalformed / AuthorizationQueryParametersError, and
// AccessDenied for an x-amz-* header the signature does not cover. SigV2 (Authorization "AWS ...",
// AWSAccessKeyId/Signature/Expires URLs, v2 POST forms) goes to sigv2::Verifier with S3's codes
// for it. With AuthOptions::anonymous, a request that carries no signature at all is let in.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/server.hpp"
#include "sigv2/verifier.hpp"
#include "sigv4/chunk_signature.hpp"
#include "sigv4/post_policy.hpp"
#include "sigv4/verifier.hpp"
#include "target/post_policy.hpp"

namespace s3storm::target {

struct AuthOptions {
  // access key id -> secret access key; found by string_view, so a lookup builds no string
  std::map<std::string, std::string, std::less<>> secrets;
  std::chrono::seconds max_skew{15 * 60};  // S3's limit for x-amz-date
  // Injectable so tests can check expiry and skew without waiting.
  std::function<std::chrono::system_clock::time_point()> now;
  // serve --anonymous: requests with no signature at all (no Authorization, no signature in the
  // query, a form without policy and signature) are served; signed ones are still verified.
  bool anonymous = false;
};

// Who signed a request, and whether its body was held to a signed SHA-256.
struct VerifiedCaller {
  std::string access_key_id;  // empty for an anonymous request (AuthOptions::anonymous)
  // The payload hash the signature covers (a view into the request), when the body is to be held
  // to it: empty for UNSIGNED-PAYLOAD, aws-chunked bodies, SigV2 and anonymous requests.
  std::string_view signed_payload_sha256;
  // The request's x-amz-content-sha256 when the body was checked against it (header auth with a
  // signed payload), empty otherwise. Lets --discard derive an ETag without hashing the body again.
  std::string_view checked_payload_sha256;
  // Whether the signature covers Content-Type. An unsigned one must not change what is stored,
  // so the object then gets S3's default type.
  bool content_type_signed = false;
  // An aws-chunked body (x-amz-content-sha256 STREAMING-*): the mode, a view into the request,
  // empty for any other body. With signed chunks, the request's own signature (the seed, a view
  // into the request) and, from verify() (not verify_header()), what signs the chunks chained
  // from it: the body is checked as it is decoded (upload_body.hpp).
  std::string_view streaming_payload;
  std::string_view seed_signature;
  // The seed's credential scope and x-amz-date (views into the request) when the verifier found
  // them in headers (sigv4::VerifyResult): the chunk signer is then looked up without parsing the
  // Authorization header again. Empty otherwise (a presigned URL).
  std::string_view seed_scope;
  std::string_view seed_amz_date;
  std::shared_ptr<const sigv4::ChunkSigner> chunk_signing;
};

class Authenticator {
 public:
  explicit Authenticator(AuthOptions options);

  // Header or query auth, SigV4 or SigV2. `virtual_bucket` is the bucket a virtual-hosted
  // request names in its Host (SigV2 signs it as part of the resource). Thread-safe.
  VerifiedCaller verify(const http::ServerRequest& request,
                        std::string_view virtual_bucket = {}) const;

  // verify() without the body: the signature, the clock and the signed headers, all decided from
  // the header alone, so a request that fails them is refused before its body is read (issue
  // #18). The body is then held to the signed hash by check_payload.
  VerifiedCaller verify_header(const http::ServerRequest& request,
                               std::string_view virtual_bucket = {}) const;
  // The body against caller.signed_payload_sha256 (XAmzContentSHA256Mismatch when it differs);
  // sets caller.checked_payload_sha256.
  static void check_payload(const http::ServerRequest& request, VerifiedCaller& caller);

  // A browser-form POST: which signature the form carries, once it is checked (v4: the
  // x-amz-algorithm, -credential and -signature fields; v2: AWSAccessKeyId and signature); nullopt
  // for an unsigned form (no policy, no signature) under AuthOptions::anonymous. The policy's
  // conditions are the caller's, with the returned kind.
  std::optional<sigv4::FormSignature> verify_post_form(const PostForm& form) const;

  // A browser-form POST: `credential` is the x-amz-credential field and `signature` the hex HMAC
  // of the base64 `policy` under the signing key for that credential's scope.
  std::string verify_policy_signature(std::string_view policy, std::string_view credential,
                                      std::string_view signature) const;

  std::chrono::system_clock::time_point now() const { return options_.now(); }

 private:
  VerifiedCaller verify_v2(const http::ServerRequest& request,
                           std::string_view virtual_bucket) const;

  std::shared_ptr<const sigv4::ChunkSigner> chunk_signer(const http::ServerRequest& request,
                                                         const VerifiedCaller& caller) const;
  AuthOptions options_;
  sigv2::Verifier v2_verifier_;  // stateless, shared by all threads without the mutex
  // The verifier reuses buffers and caches signing keys, so it is not shared between threads;
  // one behind a mutex costs a few microseconds per request, far below the rest of a request.
  mutable std::mutex mutex_;
  mutable sigv4::Verifier verifier_;
  mutable std::vector<sigv4::Header> headers_;  // guarded by mutex_; reused per request
};

}  // namespace s3storm::target
