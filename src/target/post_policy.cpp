#include "target/post_policy.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "target/s3_error.hpp"
#include "util/ascii.hpp"
#include "util/iso_time.hpp"

namespace s3storm::target {

namespace {

using Clock = std::chrono::system_clock;

[[noreturn]] void malformed(const std::string& why) {
  throw S3Error(ErrorCode::kMalformedPOSTRequest,
                "The body of your POST request is not well-formed multipart/form-data. " + why);
}

[[noreturn]] void policy_failed(const std::string& why) {
  throw S3Error(ErrorCode::kAccessDenied, "Invalid according to Policy: " + why);
}

// A parameter of a header value: name="value" or name=value.
std::string parameter(std::string_view header, std::string_view name) {
  std::size_t at = 0;
  while ((at = header.find(name, at)) != std::string_view::npos) {
    const bool starts = at == 0 || header[at - 1] == ' ' || header[at - 1] == ';';
    const std::size_t after = at + name.size();
    if (starts && after < header.size() && header[after] == '=') {
      std::string_view value = header.substr(after + 1);
      if (!value.empty() && value.front() == '"') {
        value.remove_prefix(1);
        return std::string(value.substr(0, value.find('"')));
      }
      return std::string(value.substr(0, value.find(';')));
    }
    at = after;
  }
  return {};
}

std::string json_text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::string_view PostForm::field(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (ascii::iequals(n, name)) return v;
  }
  return {};
}

PostForm parse_post_form(std::string_view content_type, std::string_view body) {
  if (!ascii::istarts_with(content_type, "multipart/form-data")) {
    malformed("The Content-Type must be multipart/form-data.");
  }
  const std::string boundary = parameter(content_type, "boundary");
  if (boundary.empty()) malformed("The Content-Type has no boundary.");
  const std::string delimiter = "--" + boundary;

  PostForm form;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) malformed("No boundary found in the body.");
  at += delimiter.size();
  for (;;) {
    if (body.substr(at, 2) == "--") break;  // the closing boundary
    if (body.substr(at, 2) != "\r\n") malformed("A boundary is not followed by CRLF.");
    at += 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) malformed("A part has no header end.");
    const std::string_view headers = body.substr(at, headers_end - at);
    const auto content_start = headers_end + 4;
    const auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) malformed("A part is not terminated by a boundary.");
    const std::string_view content = body.substr(content_start, next - content_start);

    std::string name, filename, part_type;
    std::string_view rest = headers;
    while (!rest.empty()) {
      const auto eol = rest.find("\r\n");
      const std::string_view line = rest.substr(0, eol);
      rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 2);
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view header_name = line.substr(0, colon);
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (ascii::iequals(header_name, "content-disposition")) {
        name = parameter(value, "name");
        filename = parameter(value, "filename");
      } else if (ascii::iequals(header_name, "content-type")) {
        part_type = std::string(value);
      }
    }
    if (name.empty()) malformed("A part has no field name.");
    if (ascii::iequals(name, "file")) {
      form.has_file = true;
      form.file = std::string(content);
      form.filename = std::move(filename);
      form.file_content_type = std::move(part_type);
      break;  // S3 ignores every field after the file
    }
    form.fields.emplace_back(std::move(name), std::string(content));
    at = next + 2 + delimiter.size();
  }
  if (!form.has_file) malformed("The form has no file field.");
  return form;
}

void check_post_policy(std::string_view policy_json, std::string_view bucket, std::string_view key,
                       const PostForm& form, Clock::time_point now) {
  const auto policy = nlohmann::json::parse(policy_json, nullptr, false);
  if (policy.is_discarded() || !policy.is_object() || !policy.contains("expiration") ||
      !policy["expiration"].is_string() || !policy.contains("conditions") ||
      !policy["conditions"].is_array()) {
    throw S3Error(ErrorCode::kInvalidPolicyDocument,
                  "Invalid Policy: the policy must be a JSON object with expiration and "
                  "conditions.");
  }
  const auto expiration = parse_iso8601(policy["expiration"].get<std::string>());
  if (!expiration) {
    throw S3Error(ErrorCode::kInvalidPolicyDocument, "Invalid Policy: Invalid 'expiration' value.");
  }
  if (now > *expiration) policy_failed("Policy expired.");

  // The value a condition sees for a field: the bucket and key come from the request.
  auto value_of = [&](const std::string& name) -> std::string {
    if (name == "bucket") return std::string(bucket);
    if (name == "key") return std::string(key);
    return std::string(form.field(name));
  };
  std::set<std::string> covered{"bucket"};
  for (const auto& condition : policy["conditions"]) {
    if (condition.is_object()) {
      for (const auto& [name, expected] : condition.items()) {
        const std::string field = ascii::lower_copy(name);
        covered.insert(field);
        if (value_of(field) != json_text(expected)) {
          policy_failed("Policy Condition failed: [\"eq\", \"$" + name + "\", \"" +
                        json_text(expected) + "\"]");
        }
      }
      continue;
    }
    if (!condition.is_array() || condition.size() != 3 || !condition[0].is_string()) {
      throw S3Error(ErrorCode::kInvalidPolicyDocument, "Invalid Policy: Invalid condition.");
    }
    const std::string op = ascii::lower_copy(condition[0].get<std::string>());
    if (op == "content-length-range") {
      if (!condition[1].is_number_integer() || !condition[2].is_number_integer()) {
        throw S3Error(ErrorCode::kInvalidPolicyDocument,
                      "Invalid Policy: content-length-range needs two integers.");
      }
      const auto size = static_cast<long long>(form.file.size());
      if (size > condition[2].get<long long>()) {
        throw S3Error(ErrorCode::kEntityTooLarge,
                      "Your proposed upload exceeds the maximum allowed size")
            .with("ProposedSize", std::to_string(size))
            .with("MaxSizeAllowed", std::to_string(condition[2].get<long long>()));
      }
      if (size < condition[1].get<long long>()) {
        throw S3Error(ErrorCode::kEntityTooSmall,
                      "Your proposed upload is smaller than the minimum allowed size")
            .with("ProposedSize", std::to_string(size))
            .with("MinSizeAllowed", std::to_string(condition[1].get<long long>()));
      }
      continue;
    }
    if (!condition[1].is_string() || !condition[2].is_string() ||
        condition[1].get<std::string>().rfind('$', 0) != 0) {
      throw S3Error(ErrorCode::kInvalidPolicyDocument, "Invalid Policy: Invalid condition.");
    }
    const std::string name = condition[1].get<std::string>().substr(1);
    const std::string field = ascii::lower_copy(name);
    const std::string expected = condition[2].get<std::string>();
    covered.insert(field);
    const std::string actual = value_of(field);
    if (op == "eq") {
      if (actual != expected) {
        policy_failed("Policy Condition failed: [\"eq\", \"$" + name + "\", \"" + expected + "\"]");
      }
    } else if (op == "starts-with") {
      if (actual.rfind(expected, 0) != 0) {
        policy_failed("Policy Condition failed: [\"starts-with\", \"$" + name + "\", \"" +
                      expected + "\"]");
      }
    } else {
      throw S3Error(ErrorCode::kInvalidPolicyDocument,
                    "Invalid Policy: Invalid Condition: unknown operator " + op);
    }
  }

  // Every field the form sends must be allowed by some condition, except these.
  static const std::set<std::string> kExempt{"policy", "x-amz-signature", "file", "awsaccesskeyid",
                                             "signature"};
  for (const auto& [name, value] : form.fields) {
    const std::string field = ascii::lower_copy(name);
    if (kExempt.count(field) || field.rfind("x-ignore-", 0) == 0) continue;
    if (!covered.count(field)) {
      policy_failed("Extra input fields: " + name);
    }
  }
}

}  // namespace s3storm::target
