#pragma once

// SigV4 verification for every request the target serves: header auth (with the payload hash
// checked when the client signed one), presigned URLs (with expiry), and the signature over a
// POST policy. Failures throw S3Error with S3's code: InvalidAccessKeyId, SignatureDoesNotMatch
// (with the canonical request and string to sign S3 also returns), XAmzContentSHA256Mismatch,
// AccessDenied (anonymous, expired), RequestTimeTooSkewed, AuthorizationHeaderMalformed.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/server.hpp"
#include "target/request_target.hpp"

namespace s3storm::target {

struct AuthOptions {
  std::map<std::string, std::string> secrets;  // access key id -> secret access key
  std::chrono::seconds max_skew{15 * 60};      // S3's limit for x-amz-date
  // Injectable so tests can check expiry and skew without waiting.
  std::function<std::chrono::system_clock::time_point()> now;
};

class Authenticator {
 public:
  explicit Authenticator(AuthOptions options);

  // Header or query auth; returns the access key id of the caller.
  std::string verify(const http::ServerRequest& request, const RequestTarget& target) const;

  // A browser-form POST: `credential` is the x-amz-credential field, `amz_date` x-amz-date, and
  // `signature` the hex HMAC of the base64 `policy` under the signing key for that scope.
  std::string verify_policy_signature(std::string_view policy, std::string_view credential,
                                      std::string_view signature) const;

  std::chrono::system_clock::time_point now() const;

 private:
  struct Scope {
    std::string access_key;
    std::string date;  // YYYYMMDD
    std::string region;
    std::string service;
    const std::string* secret = nullptr;
  };
  Scope parse_credential(std::string_view credential) const;
  std::string verify_query(const http::ServerRequest& request, const RequestTarget& target) const;

  AuthOptions options_;
};

// "20130524T000000Z" -> time point; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view text);

}  // namespace s3storm::target
