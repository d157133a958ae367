#include "sigv4/post_policy.hpp"

#include <nlohmann/json.hpp>

#include "sigv4/crypto.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"
#include "util/iso_time.hpp"

namespace s3storm::sigv4 {
namespace {

// Form fields that S3 does not require the policy to mention.
bool exempt_from_policy(std::string_view name) {
  return name == "policy" || name == "x-amz-signature" || name == "file" || name == "bucket" ||
         name.starts_with("x-ignore-");
}

VerifyResult fail(VerifyStatus status, std::string message, std::string access_key = {}) {
  VerifyResult result;
  result.status = status;
  result.message = std::move(message);
  result.access_key_id = std::move(access_key);
  return result;
}

}  // namespace

PostPolicy& PostPolicy::equals(std::string field, std::string value) {
  conditions_.push_back({Condition::Kind::equals, std::move(field), std::move(value)});
  return *this;
}

PostPolicy& PostPolicy::starts_with(std::string field, std::string prefix) {
  conditions_.push_back({Condition::Kind::starts_with, std::move(field), std::move(prefix)});
  return *this;
}

PostPolicy& PostPolicy::content_length_range(std::uint64_t min, std::uint64_t max) {
  conditions_.push_back({Condition::Kind::length_range, {}, {}, min, max});
  return *this;
}

std::string PostPolicy::to_json() const {
  nlohmann::ordered_json conditions = nlohmann::ordered_json::array();
  for (const Condition& c : conditions_) {
    switch (c.kind) {
      case Condition::Kind::equals:
        conditions.push_back({{c.field, c.value}});
        break;
      case Condition::Kind::starts_with:
        conditions.push_back(
            nlohmann::ordered_json::array({"starts-with", "$" + c.field, c.value}));
        break;
      case Condition::Kind::length_range:
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

VerifyResult verify_post_form(const std::map<std::string, std::string>& raw_fields,
                              const SecretLookup& lookup, std::chrono::system_clock::time_point now,
                              std::uint64_t content_length) {
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : raw_fields) fields[ascii::lower_copy(name)] = value;
  const auto get = [&](const char* name) -> const std::string* {
    const auto it = fields.find(name);
    return it == fields.end() ? nullptr : &it->second;
  };
  const std::string* policy = get("policy");
  const std::string* algorithm = get("x-amz-algorithm");
  const std::string* credential = get("x-amz-credential");
  const std::string* date = get("x-amz-date");
  const std::string* signature = get("x-amz-signature");
  if (!policy || !algorithm || !credential || !date || !signature) {
    return fail(VerifyStatus::malformed, "POST form lacks policy or an x-amz-* auth field");
  }
  if (*algorithm != kAlgorithm)
    return fail(VerifyStatus::malformed, "x-amz-algorithm must be AWS4-HMAC-SHA256");
  const auto scope = parse_credential(*credential);
  const auto time = AmzDate::parse(*date);
  if (!scope || !time || time->date() != scope->date) {
    return fail(VerifyStatus::malformed, "x-amz-credential or x-amz-date is invalid");
  }
  const auto secret = lookup(scope->access_key_id);
  if (!secret)
    return fail(VerifyStatus::unknown_access_key, "unknown access key", scope->access_key_id);
  const std::string expected = sign_policy(*policy, *secret, scope->date, scope->region);
  if (!constant_time_equal(expected, *signature)) {
    VerifyResult result = fail(VerifyStatus::signature_mismatch,
                               "the policy signature does not match", scope->access_key_id);
    result.string_to_sign = *policy;
    return result;
  }

  const auto decoded = base64_decode(*policy);
  nlohmann::json document =
      decoded ? nlohmann::json::parse(*decoded, nullptr, false) : nlohmann::json();
  if (!document.is_object() || !document.contains("expiration") ||
      !document["expiration"].is_string() || !document.contains("conditions") ||
      !document["conditions"].is_array()) {
    return fail(VerifyStatus::malformed,
                "policy is not a JSON document with expiration and conditions",
                scope->access_key_id);
  }
  const auto expiration = parse_iso8601(document["expiration"].get<std::string>());
  if (!expiration)
    return fail(VerifyStatus::malformed, "policy expiration is not ISO 8601", scope->access_key_id);
  if (std::chrono::floor<std::chrono::seconds>(now) > *expiration) {
    return fail(VerifyStatus::expired, "policy has expired", scope->access_key_id);
  }

  std::map<std::string, bool> covered;
  const auto violation = [&](const std::string& what) {
    return fail(VerifyStatus::policy_violation, "policy condition failed: " + what,
                scope->access_key_id);
  };
  for (const auto& condition : document["conditions"]) {
    if (condition.is_object()) {
      for (const auto& [name, value] : condition.items()) {
        const std::string field = ascii::lower_copy(name);
        const std::string* actual = get(field.c_str());
        covered[field] = true;
        if (!value.is_string() || !actual || *actual != value.get<std::string>())
          return violation(name);
      }
    } else if (condition.is_array() && condition.size() == 3 && condition[0].is_string()) {
      const std::string op = ascii::lower_copy(condition[0].get<std::string>());
      if (op == "content-length-range") {
        if (!condition[1].is_number_unsigned() || !condition[2].is_number_unsigned() ||
            content_length < condition[1].get<std::uint64_t>() ||
            content_length > condition[2].get<std::uint64_t>()) {
          return violation("content-length-range");
        }
        continue;
      }
      if (!condition[1].is_string() || !condition[2].is_string())
        return violation(condition.dump());
      std::string field = ascii::lower_copy(condition[1].get<std::string>());
      if (field.starts_with("$")) field.erase(0, 1);
      const std::string expected_value = condition[2].get<std::string>();
      const std::string* actual = get(field.c_str());
      covered[field] = true;
      const std::string value = actual ? *actual : std::string();
      if (op == "eq" && value != expected_value) return violation(field);
      if (op == "starts-with" && !value.starts_with(expected_value)) return violation(field);
      if (op != "eq" && op != "starts-with") return violation("unknown operator " + op);
    } else {
      return violation(condition.dump());
    }
  }
  for (const auto& [name, value] : fields) {
    if (!exempt_from_policy(name) && !covered.count(name)) {
      return violation("form field '" + name + "' is not allowed by the policy");
    }
  }
  VerifyResult result;
  result.status = VerifyStatus::ok;
  result.access_key_id = scope->access_key_id;
  return result;
}

}  // namespace s3storm::sigv4
