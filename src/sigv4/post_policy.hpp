#pragma once

// Browser-form uploads (POST Object): a JSON policy with an expiration and conditions, base64
// encoded, signed with the SigV4 signing key. Both sides: the client builds and signs the form
// fields; the server checks the signature, the expiry and that the form obeys the conditions.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/amz_date.hpp"
#include "sigv4/signer.hpp"
#include "sigv4/verifier.hpp"

namespace s3storm::sigv4 {

class PostPolicy {
 public:
  explicit PostPolicy(std::chrono::system_clock::time_point expiration) : expiration_(expiration) {}

  // {"field": "value"}: the form field must equal value (field "bucket" is the target bucket).
  PostPolicy& equals(std::string field, std::string value);
  // ["starts-with", "$field", "prefix"]
  PostPolicy& starts_with(std::string field, std::string prefix);
  // ["content-length-range", min, max]
  PostPolicy& content_length_range(std::uint64_t min, std::uint64_t max);

  // The policy document as JSON (expiration in ISO 8601 with milliseconds, UTC).
  std::string to_json() const;

 private:
  struct Condition {
    enum class Kind { equals, starts_with, length_range } kind;
    std::string field;
    std::string value;
    std::uint64_t min = 0, max = 0;
  };
  std::chrono::system_clock::time_point expiration_;
  std::vector<Condition> conditions_;
};

using FormFields = std::vector<std::pair<std::string, std::string>>;

// The signature of a base64 policy: hex HMAC with the signing key of (date, region, "s3").
std::string sign_policy(std::string_view base64_policy, std::string_view secret,
                        std::string_view date, std::string_view region);

// Adds the auth conditions (x-amz-algorithm, -credential, -date, -security-token) to the policy,
// then returns the form fields to send with the file: those four, "policy" and "x-amz-signature".
FormFields sign_post_policy(PostPolicy policy, const Credentials& credentials,
                            std::string_view region, const AmzDate& time);

// Server side. `fields` are the form fields (names case-insensitive) plus ("bucket", name) from
// the URL; `content_length` is the size of the file part.
VerifyResult verify_post_form(const std::map<std::string, std::string>& fields,
                              const SecretLookup& lookup, std::chrono::system_clock::time_point now,
                              std::uint64_t content_length);

}  // namespace s3storm::sigv4
