#pragma once

// s3storm::sigv4 — AWS Signature Version 4, client and server side.
//
// Pieces (one file each):
//   crypto             SHA-256, HMAC-SHA256 with precomputed pads, base64 (OpenSSL 3 EVP); hex
//                      is util/hex.hpp
//   uri_encoding       percent-encoding; append_s3_key_path() turns an S3 key into a URI path
//   amz_date           the "YYYYMMDDTHHMMSSZ" timestamp in a fixed buffer
//   canonical_request  METHOD/path/query/headers/signed list/payload hash, into reusable buffers
//   signing_key_cache  the derived key per (secret, date, region, service), cached
//   signer (here)      Signer::sign() for header auth; Signer::presign() (presign.cpp) for query
//                      auth
//   post_policy        browser-form POST: the policy document, its signature, and its check
//   verifier           server side: parse Authorization or X-Amz-* query, recompute, compare
//   credential_feed    credentials that a refresh may replace during a run (aws_config finds
//                      and refreshes them)
//
// Hot path (load engine), one Signer per worker thread:
//   Signer signer(credentials, "us-east-1", "s3");
//   std::array<Header, 3> headers{{{"host", host}, {"content-type", type}, {"x-amz-meta-a", a}}};
//   const auto& out = signer.sign({"PUT", path, query, headers, payload_hash},
//   AmzDate::from_time(now)); request.set("x-amz-date", out.amz_date); ...
//   request.set(http::field::authorization, out.authorization);
// After warm-up sign() allocates nothing in our code: every buffer is reused between calls.
// (OpenSSL 3.0's EVP still allocates its digest state once per hash inside the library.)
//
// The caller lists `host` and every header it wants signed; the signer adds and signs
// x-amz-date, x-amz-content-sha256 (S3, or any service with UNSIGNED-PAYLOAD) and
// x-amz-security-token (session credentials) and returns their values to send.

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/amz_date.hpp"
#include "sigv4/canonical_request.hpp"
#include "sigv4/chunk_signature.hpp"
#include "sigv4/signing_key_cache.hpp"

namespace s3storm::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::chrono::seconds kMaxPresignExpiry{604800};  // 7 days, S3's limit

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct RequestToSign {
  std::string_view method;
  std::string_view path;            // as on the wire, percent-encoded (see append_s3_key_path)
  std::string_view query;           // as on the wire, without '?'; may be empty
  std::span<const Header> headers;  // host plus any other header to sign
  std::string_view payload_hash;    // hex SHA-256 of the body, or kUnsignedPayload
};

// Views into the signer's buffers: valid until the next call on the same Signer.
struct SigningResult {
  std::string_view canonical_request;
  std::string_view string_to_sign;
  std::string_view signature;
  std::string_view signed_headers;
  std::string_view authorization;    // header auth only
  std::string_view amz_date;         // send as x-amz-date (header auth)
  std::string_view content_sha256;   // send as x-amz-content-sha256 when not empty
  std::string_view security_token;   // send as x-amz-security-token when not empty
  std::string_view presigned_query;  // query auth only: the full query to send, no '?'
};

// Credential scope "YYYYMMDD/region/service/aws4_request" appended to out.
void append_credential_scope(std::string& out, std::string_view date, std::string_view region,
                             std::string_view service);

// Reusable buffers for one signature computation; shared by Signer and Verifier.
struct SignatureWork {
  CanonicalRequestBuilder builder;
  std::string canonical_request;
  std::string signed_headers;
  std::string string_to_sign;
  std::string signature;

  // canonical request -> string to sign -> hex signature, with `scope` the credential scope.
  void compute(const CanonicalInput& input, std::string_view amz_date, std::string_view scope,
               const HmacSha256Key& signing_key);

 private:
  // The signing key with the string to sign's head (algorithm, date, scope) already absorbed,
  // and what it was made from; the head changes once a second at most.
  std::string head_;
  std::optional<HmacSha256Key> head_source_;
  std::optional<HmacSha256Key> head_key_;
};

class Signer {
 public:
  Signer(Credentials credentials, std::string region, std::string service);

  // Header auth (Authorization header).
  const SigningResult& sign(const RequestToSign& request, const AmzDate& time);

  // Query auth (presigned URL). The X-Amz-* parameters follow the request's own query in the
  // result; only the given headers (host, usually alone) are signed. S3 wants kUnsignedPayload.
  const SigningResult& presign(const RequestToSign& request, const AmzDate& time,
                               std::chrono::seconds expires);

  // HMAC of an arbitrary string with this signer's key for `date` (POST policies sign the
  // base64 policy this way). Hex, into a buffer valid until the next call.
  std::string_view sign_string(std::string_view string_to_sign, const AmzDate& time);

  // What signs the chunks of an aws-chunked body signed at `time` (this signer's key, x-amz-date
  // and credential scope); the same one for every request of that second, valid until the next
  // call.
  const ChunkSigner& chunk_signer(const AmzDate& time);

  const Credentials& credentials() const { return credentials_; }
  // Refreshed temporary credentials; the key cache is keyed by the secret, so the next
  // signature derives the new key.
  void set_credentials(Credentials credentials) { credentials_ = std::move(credentials); }
  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }
  std::uint64_t key_derivations() const { return keys_.derivations(); }

 private:
  const HmacSha256Key& key_for(const AmzDate& time);
  void build_scope(const AmzDate& time);

  Credentials credentials_;
  std::string region_;
  std::string service_;
  PathRule path_rule_;
  bool is_s3_;
  SigningKeyCache keys_{2};
  SignatureWork work_;
  std::vector<Header> headers_;
  std::string scope_;
  std::string authorization_;
  std::string query_;
  std::string amz_date_;
  std::string string_signature_;
  ChunkSignerCache chunk_signers_;
  SigningResult result_;
};

}  // namespace s3storm::sigv4
