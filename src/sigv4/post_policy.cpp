#include "sigv4/post_policy.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "sigv4/crypto.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"
#include "util/iso_time.hpp"

namespace s3storm::sigv4 {
namespace {

// Form fields S3 never requires the policy to name.
bool exempt_from_policy(std::string_view lower_name, FormSignature signature) {
  if (lower_name == "policy" || lower_name == "file" || lower_name.starts_with("x-ignore-")) {
    return true;
  }
  return signature == FormSignature::kV4
             ? lower_name == "x-amz-signature"
             : lower_name == "awsaccesskeyid" || lower_name == "signature";
}

PolicyCheck failed(PolicyVerdict verdict, std::string detail, std::uint64_t limit = 0) {
  return {verdict, std::move(detail), limit};
}

// S3 quotes a failed condition as ["op", "$field", "value"].
std::string quoted_condition(std::string_view op, std::string_view field, std::string_view value) {
  std::string out = "[\"";
  out.append(op).append("\", \"$").append(field).append("\", \"").append(value).append("\"]");
  return out;
}

std::string json_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

PostPolicy& PostPolicy::equals(std::string field, std::string value) {
  conditions_.push_back({Condition::Kind::kEquals, std::move(field), std::move(value)});
  return *this;
}

PostPolicy& PostPolicy::starts_with(std::string field, std::string prefix) {
  conditions_.push_back({Condition::Kind::kStartsWith, std::move(field), std::move(prefix)});
  return *this;
}

PostPolicy& PostPolicy::content_length_range(std::uint64_t min, std::uint64_t max) {
  conditions_.push_back({Condition::Kind::kLengthRange, {}, {}, min, max});
  return *this;
}

std::string PostPolicy::to_json() const {
  nlohmann::ordered_json conditions = nlohmann::ordered_json::array();
  for (const Condition& c : conditions_) {
    switch (c.kind) {
      case Condition::Kind::kEquals:
        conditions.push_back({{c.field, c.value}});
        break;
      case Condition::Kind::kStartsWith:
        conditions.push_back(
            nlohmann::ordered_json::array({"starts-with", "$" + c.field, c.value}));
        break;
      case Condition::Kind::kLengthRange:
        conditions.push_back(nlohmann::ordered_json::array({"content-length-range", c.min, c.max}));
        break;
    }
  }
  nlohmann::ordered_json document;
  document["expiration"] = format_iso8601(expiration_);
  document["conditions"] = std::move(conditions);
  return document.dump();
}

std::string sign_policy(std::string_view base64_policy, std::string_view secret,
                        std::string_view date, std::string_view region) {
  const Digest key = derive_signing_key(secret, date, region, "s3");
  return hex::encode(hmac_sha256(
      std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), base64_policy));
}

FormFields sign_post_policy(PostPolicy policy, const Credentials& credentials,
                            std::string_view region, const AmzDate& time) {
  std::string credential = credentials.access_key_id + "/";
  append_credential_scope(credential, time.date(), region, "s3");
  FormFields fields{{"x-amz-algorithm", std::string(kAlgorithm)},
                    {"x-amz-credential", credential},
                    {"x-amz-date", std::string(time.text())}};
  if (!credentials.session_token.empty())
    fields.emplace_back("x-amz-security-token", credentials.session_token);
  for (const auto& [name, value] : fields) policy.equals(name, value);
  const std::string encoded = base64_encode(policy.to_json());
  fields.emplace_back("policy", encoded);
  fields.emplace_back("x-amz-signature",
                      sign_policy(encoded, credentials.secret_access_key, time.date(), region));
  return fields;
}

PolicyCheck check_post_policy(std::string_view policy_json, std::string_view bucket,
                              std::string_view key, const FormFields& fields,
                              std::uint64_t file_size, std::chrono::system_clock::time_point now,
                              FormSignature signature) {
  const auto policy = nlohmann::json::parse(policy_json, nullptr, false);
  if (policy.is_discarded() || !policy.is_object() || !policy.contains("expiration") ||
      !policy["expiration"].is_string() || !policy.contains("conditions") ||
      !policy["conditions"].is_array()) {
    return failed(PolicyVerdict::kInvalidDocument,
                  "the policy must be a JSON object with expiration and conditions.");
  }
  const auto expiration = parse_iso8601(policy["expiration"].get<std::string>());
  if (!expiration) return failed(PolicyVerdict::kInvalidDocument, "Invalid 'expiration' value.");
  if (now > *expiration) return failed(PolicyVerdict::kExpired, "Policy expired.");

  // The value a condition sees for a field: the bucket and key come from the request.
  const auto value_of = [&](std::string_view lower_name) -> std::string_view {
    if (lower_name == "bucket") return bucket;
    if (lower_name == "key") return key;
    for (const auto& [name, value] : fields) {
      if (ascii::iequals(name, lower_name)) return value;
    }
    return {};
  };
  std::set<std::string, std::less<>> covered;
  for (const auto& condition : policy["conditions"]) {
    if (condition.is_object()) {
      for (const auto& [name, expected] : condition.items()) {
        const std::string field = ascii::lower_copy(name);
        covered.insert(field);
        if (value_of(field) != json_text(expected)) {
          return failed(PolicyVerdict::kConditionFailed,
                        quoted_condition("eq", name, json_text(expected)));
        }
      }
      continue;
    }
    if (!condition.is_array() || condition.size() != 3 || !condition[0].is_string()) {
      return failed(PolicyVerdict::kInvalidDocument, "Invalid condition.");
    }
    const std::string op = ascii::lower_copy(condition[0].get<std::string>());
    if (op == "content-length-range") {
      // Sizes are never negative: a negative bound is a broken policy, not one no file fits.
      if (!condition[1].is_number_unsigned() || !condition[2].is_number_unsigned()) {
        return failed(PolicyVerdict::kInvalidDocument,
                      "content-length-range needs two non-negative integers.");
      }
      const auto min = condition[1].get<std::uint64_t>();
      const auto max = condition[2].get<std::uint64_t>();
      if (file_size > max) return failed(PolicyVerdict::kTooLarge, "content-length-range", max);
      if (file_size < min) return failed(PolicyVerdict::kTooSmall, "content-length-range", min);
      continue;
    }
    if (!condition[1].is_string() || !condition[2].is_string() ||
        !condition[1].get<std::string>().starts_with('$')) {
      return failed(PolicyVerdict::kInvalidDocument, "Invalid condition.");
    }
    const std::string name = condition[1].get<std::string>().substr(1);
    const std::string field = ascii::lower_copy(name);
    const std::string expected = condition[2].get<std::string>();
    covered.insert(field);
    const std::string_view actual = value_of(field);
    if (op == "eq") {
      if (actual != expected) {
        return failed(PolicyVerdict::kConditionFailed, quoted_condition("eq", name, expected));
      }
    } else if (op == "starts-with") {
      if (!actual.starts_with(expected)) {
        return failed(PolicyVerdict::kConditionFailed,
                      quoted_condition("starts-with", name, expected));
      }
    } else {
      return failed(PolicyVerdict::kInvalidDocument, "Invalid Condition: unknown operator " + op);
    }
  }

  for (const auto& [name, value] : fields) {
    const std::string field = ascii::lower_copy(name);
    if (!exempt_from_policy(field, signature) && !covered.contains(field)) {
      return failed(PolicyVerdict::kExtraField, name);
    }
  }
  return {};
}

}  // namespace s3storm::sigv4
