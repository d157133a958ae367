#pragma once

// Server side of SigV4 (the embedded S3 target): recompute the signature of a received request
// with the signed-header list the client declared, compare, and check the clock. Works for the
// Authorization header and for presigned URLs (X-Amz-* query parameters).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/canonical_request.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/signing_key_cache.hpp"

namespace s3storm::sigv4 {

enum class VerifyStatus {
  kOk,
  kUnsignedRequest,  // no Authorization header and no X-Amz-Signature: anonymous
  kMalformed,        // unparsable auth, missing x-amz-date, scope/date mismatch, bad expiry
  kUnknownAccessKey,
  kSignatureMismatch,
  kExpired,          // presigned URL or POST policy past its expiry
  kTimeSkewed,       // x-amz-date too far from now (or a presigned URL from the future)
  kPolicyViolation,  // POST form field not allowed by its policy
};

// The S3 error code a server returns for each status (e.g. "SignatureDoesNotMatch").
std::string_view s3_error_code(VerifyStatus status);

// Whether a ';'-separated signed-header list names `name` (ASCII case-insensitive).
bool signed_list_names(std::string_view signed_list, std::string_view name);

struct VerifyResult {
  VerifyStatus status = VerifyStatus::kMalformed;
  std::string message;  // one line, never contains the secret
  std::string access_key_id;
  std::string canonical_request;  // what the server computed (S3 echoes these on mismatch)
  std::string string_to_sign;
  // Once the signature is checked: whether it came in the query (a presigned URL), and the payload
  // hash it covers, a view into the request (valid as long as the request is).
  bool presigned = false;
  std::string_view payload_hash;
  // The signature the request carried, once it matched (a view into the request): what the chunk
  // signatures of an aws-chunked body chain from.
  std::string_view signature;
  // Header auth dated by x-amz-date, once the signature matched: the credential scope
  // ("20130524/us-east-1/s3/aws4_request") and the x-amz-date it was signed under, views into the
  // request. An aws-chunked body's chunk signatures are chained under them, so the server need not
  // parse the Authorization header again. Empty otherwise (query auth, a Date header).
  std::string_view credential_scope;
  std::string_view amz_date;
  // Which received headers the signature does not cover: bit i for the i-th header as received.
  // A server acts only on covered ones. Past the 64th header the bits run out, and
  // signed_headers (the declared list, valid until the verifier's next verify()) decides.
  std::uint64_t uncovered_headers = 0;
  std::string_view signed_headers;
  bool covers(std::size_t header_index, std::string_view name) const {
    return header_index < 64 ? (uncovered_headers >> header_index & 1) == 0
                             : signed_list_names(signed_headers, name);
  }
  bool ok() const { return status == VerifyStatus::kOk; }
};

// Looks up the secret for an access key; nullptr when the key is unknown. The pointer must stay
// valid until the verify() that asked returns. A pointer, not a copy: an owned std::string per
// request is an allocation for any secret longer than 15 characters, on a server's hot path.
using SecretLookup = std::function<const std::string*(std::string_view access_key_id)>;

struct ReceivedRequest {
  std::string_view method;
  std::string_view target;          // raw request target as received: path?query
  std::span<const Header> headers;  // every header as received
  // Hex SHA-256 of the body, for services that sign the body without x-amz-content-sha256.
  std::string_view body_sha256;
};

// A parsed credential "AKID/20130524/us-east-1/s3/aws4_request", as views into the text parsed.
struct CredentialScope {
  std::string_view access_key_id;
  std::string_view date;
  std::string_view region;
  std::string_view service;
  std::string_view scope;  // "20130524/us-east-1/s3/aws4_request", the string to sign's scope
};
std::optional<CredentialScope> parse_credential(std::string_view credential);

// Not thread-safe: it caches derived keys and reuses buffers (once warmed up, verifying a request
// allocates only the result's access key id, and that only past 15 chars). The target shares one
// behind a mutex (target/authenticator.hpp): a few microseconds, far below the rest of a request.
class Verifier {
 public:
  explicit Verifier(SecretLookup lookup, std::chrono::seconds max_skew = std::chrono::minutes(15));

  VerifyResult verify(const ReceivedRequest& request, std::chrono::system_clock::time_point now);

 private:
  struct KnownHeaders;
  VerifyResult verify_header_auth(const ReceivedRequest& request, std::string_view path,
                                  std::string_view query, const KnownHeaders& known,
                                  std::chrono::system_clock::time_point now);
  VerifyResult verify_query_auth(const ReceivedRequest& request, std::string_view path,
                                 std::string_view query, std::chrono::system_clock::time_point now);
  // Both kinds end here: look up the secret, recompute, compare (and, for header auth, check the
  // declared signed-header list against the one recomputed).
  // `headers_canonical`: signed_ already holds lower-case names in canonical order.
  VerifyResult check_signature(std::string_view method, const CredentialScope& scope,
                               const AmzDate& time, std::string_view path, std::string_view query,
                               std::string_view payload_hash, std::string_view signature,
                               std::string_view declared_signed_list, bool headers_canonical);
  // Fills signed_ with the received headers the list declares; the first declared name that is
  // missing comes back. Sets `canonical` when signed_ came out lower-case and in canonical order.
  std::optional<std::string_view> select_signed(std::span<const Header> headers,
                                                std::string_view signed_list, bool& canonical);
  // The request's x-amz-date, parsed; the last one is kept, since clients send the same second
  // many times over.
  std::optional<AmzDate> parse_amz_date(std::string_view text);

  SecretLookup lookup_;
  std::chrono::seconds max_skew_;
  SigningKeyCache keys_{16};
  SignatureWork work_;
  std::vector<Header> signed_;
  std::string cached_list_;  // the last signed-header list seen, and what it parsed to:
  bool cached_list_canonical_ = false;
  bool cached_list_signs_host_ = false;
  std::vector<std::string_view> signed_names_;  // views into cached_list_
  std::vector<std::uint32_t> signed_positions_;
  std::uint64_t uncovered_ = 0;  // select_signed's: received headers outside the signed list
  std::string query_;
  std::string signed_list_;  // presigned: X-Amz-SignedHeaders decoded
  std::string credential_;   // presigned: X-Amz-Credential decoded
  std::optional<AmzDate> last_date_;
};

}  // namespace s3storm::sigv4
