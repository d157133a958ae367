#include "target/post_policy.hpp"

#include "sigv4/post_policy.hpp"
#include "target/s3_error.hpp"
#include "util/ascii.hpp"

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
                       const PostForm& form, Clock::time_point now,
                       sigv4::FormSignature signature) {
  const sigv4::PolicyCheck check = sigv4::check_post_policy(policy_json, bucket, key, form.fields,
                                                            form.file.size(), now, signature);
  using sigv4::PolicyVerdict;
  switch (check.verdict) {
    case PolicyVerdict::kOk:
      return;
    case PolicyVerdict::kInvalidDocument:
      throw S3Error(ErrorCode::kInvalidPolicyDocument, "Invalid Policy: " + check.detail);
    case PolicyVerdict::kExpired:
      policy_failed(check.detail);
    case PolicyVerdict::kConditionFailed:
      policy_failed("Policy Condition failed: " + check.detail);
    case PolicyVerdict::kExtraField:
      policy_failed("Extra input fields: " + check.detail);
    case PolicyVerdict::kTooLarge:
      throw S3Error(ErrorCode::kEntityTooLarge,
                    "Your proposed upload exceeds the maximum allowed size")
          .with("ProposedSize", std::to_string(form.file.size()))
          .with("MaxSizeAllowed", std::to_string(check.limit));
    case PolicyVerdict::kTooSmall:
      throw S3Error(ErrorCode::kEntityTooSmall,
                    "Your proposed upload is smaller than the minimum allowed size")
          .with("ProposedSize", std::to_string(form.file.size()))
          .with("MinSizeAllowed", std::to_string(check.limit));
  }
}

}  // namespace s3storm::target
