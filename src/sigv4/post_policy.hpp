#pragma once

// Browser-form uploads (POST Object): a JSON policy with an expiration and conditions, base64
// encoded, signed with the SigV4 signing key. Both sides: the client builds and signs the form
// fields; the server checks the signature, the expiry and that the form obeys the conditions.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/amz_date.hpp"
#include "sigv4/signer.hpp"

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
    enum class Kind { kEquals, kStartsWith, kLengthRange } kind;
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

// Server side: what the policy says of a form whose signature the caller has checked.
enum class PolicyVerdict {
  kOk,
  kInvalidDocument,  // not JSON with expiration and conditions, or a condition S3 would not read
  kExpired,
  kConditionFailed,
  kExtraField,  // a form field that no condition names
  kTooLarge,    // the file is above content-length-range
  kTooSmall,    // the file is below content-length-range
};

struct PolicyCheck {
  PolicyVerdict verdict = PolicyVerdict::kOk;
  // What failed: the condition as S3 quotes it, the extra field's name, or what is wrong with the
  // document. Empty when ok.
  std::string detail;
  std::uint64_t limit = 0;  // the bound passed (too_large: the maximum, too_small: the minimum)
  bool ok() const { return verdict == PolicyVerdict::kOk; }
};

// Which signature signs a form, which decides the auth fields that need no condition.
enum class FormSignature { kV4, kV2 };

// Checks the decoded policy JSON of a POST to `bucket` that stores `key` (after ${filename}
// substitution). `fields` are the form fields before the file, names in any case; `bucket` and
// `key` stand in for fields of those names. As S3 documents it for SigV4 browser uploads: the
// expiration must not have passed; every exact, "eq" and "starts-with" condition must hold (an
// absent field reads as empty); content-length-range takes two non-negative integers; and every
// form field needs a condition except policy, file, x-ignore-* fields and the signature's own:
// x-amz-signature (v4), or AWSAccessKeyId and signature (v2, whose policy is the same document).
PolicyCheck check_post_policy(std::string_view policy_json, std::string_view bucket,
                              std::string_view key, const FormFields& fields,
                              std::uint64_t file_size, std::chrono::system_clock::time_point now,
                              FormSignature signature = FormSignature::kV4);

}  // namespace s3storm::sigv4
