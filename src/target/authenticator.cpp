#include "target/authenticator.hpp"

#include <algorithm>
#include <ctime>
#include <vector>

#include "target/crypto.hpp"
#include "target/event_record.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {

namespace {

using Clock = std::chrono::system_clock;
constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), is_hex);
}

// The path as the client must have signed it: existing %XX escapes kept (hex upper-cased, as
// encoders write them), every other byte outside the unreserved set and '/' encoded.
std::string canonical_path(std::string_view raw_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  if (raw_path.empty()) return "/";
  std::string out;
  for (std::size_t i = 0; i < raw_path.size(); ++i) {
    const char c = raw_path[i];
    if (c == '%' && i + 2 < raw_path.size() && is_hex(raw_path[i + 1]) && is_hex(raw_path[i + 2])) {
      out += '%';
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(raw_path[i + 1])));
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(raw_path[i + 2])));
      i += 2;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

std::string canonical_query(const RequestTarget& target, bool skip_signature) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string_view rest = target.raw_query;
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string name = percent_decode(pair.substr(0, eq), false);
    if (skip_signature && name == "X-Amz-Signature") continue;
    std::string encoded_name, encoded_value;
    append_strict_encoded(encoded_name, name, false);
    if (eq != std::string_view::npos) {
      append_strict_encoded(encoded_value, percent_decode(pair.substr(eq + 1), false), false);
    }
    pairs.emplace_back(std::move(encoded_name), std::move(encoded_value));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

void append_trimmed(std::string& out, std::string_view value) {
  bool in_space = false;
  bool started = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t') {
      in_space = started;
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    started = true;
    out += c;
  }
}

std::string canonical_headers(const http::ServerRequest& request, std::string_view signed_list) {
  std::string out;
  std::string_view rest = signed_list;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    const std::string_view name = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    out += name;
    out += ':';
    bool first = true;
    for (const auto& [header_name, value] : request.headers) {
      if (!iequals(header_name, name)) continue;
      if (!first) out += ',';
      append_trimmed(out, value);
      first = false;
    }
    out += '\n';
  }
  return out;
}

std::string signing_key(const std::string& secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  auto as_view = [](const Sha256Digest& d) {
    return std::string(reinterpret_cast<const char*>(d.data()), d.size());
  };
  std::string key = as_view(hmac_sha256("AWS4" + secret, date));
  key = as_view(hmac_sha256(key, region));
  key = as_view(hmac_sha256(key, service));
  return as_view(hmac_sha256(key, "aws4_request"));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

S3Error signature_mismatch(std::string_view access_key, const std::string& string_to_sign,
                           std::string_view provided, const std::string& canonical_request) {
  S3Error error(ErrorCode::kSignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method.");
  error.with("AWSAccessKeyId", std::string(access_key))
      .with("StringToSign", string_to_sign)
      .with("SignatureProvided", std::string(provided))
      .with("CanonicalRequest", canonical_request);
  return error;
}

std::string_view field(std::string_view header, std::string_view name) {
  // Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...
  std::size_t at = 0;
  while ((at = header.find(name, at)) != std::string_view::npos) {
    const bool starts_field = at == 0 || header[at - 1] == ' ' || header[at - 1] == ',';
    if (starts_field && at + name.size() < header.size() && header[at + name.size()] == '=') {
      std::string_view value = header.substr(at + name.size() + 1);
      return value.substr(0, value.find(','));
    }
    at += name.size();
  }
  return {};
}

}  // namespace

std::optional<Clock::time_point> parse_amz_date(std::string_view text) {
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  std::tm tm{};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(4, 2) - 1;
  tm.tm_mday = number(6, 2);
  tm.tm_hour = number(9, 2);
  tm.tm_min = number(11, 2);
  tm.tm_sec = number(13, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return Clock::from_time_t(timegm(&tm));
}

Authenticator::Authenticator(AuthOptions options) : options_(std::move(options)) {
  if (!options_.now) options_.now = [] { return Clock::now(); };
}

Clock::time_point Authenticator::now() const {
  return options_.now();
}

Authenticator::Scope Authenticator::parse_credential(std::string_view credential) const {
  // AKID/YYYYMMDD/region/service/aws4_request
  Scope scope;
  std::vector<std::string_view> parts;
  std::string_view rest = credential;
  while (true) {
    const auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[1].size() != 8) {
    throw S3Error(ErrorCode::kAuthorizationHeaderMalformed,
                  "The authorization header is malformed; the Credential is mal-formed; expecting "
                  "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  scope.access_key = parts[0];
  scope.date = parts[1];
  scope.region = parts[2];
  scope.service = parts[3];
  const auto it = options_.secrets.find(scope.access_key);
  if (it == options_.secrets.end()) {
    throw S3Error(ErrorCode::kInvalidAccessKeyId,
                  "The AWS Access Key Id you provided does not exist in our records.")
        .with("AWSAccessKeyId", scope.access_key);
  }
  scope.secret = &it->second;
  return scope;
}

std::string Authenticator::verify(const http::ServerRequest& request,
                                  const RequestTarget& target) const {
  const std::string_view authorization = request.header("authorization");
  if (authorization.empty()) {
    if (target.has("X-Amz-Algorithm")) return verify_query(request, target);
    throw S3Error(ErrorCode::kAccessDenied, "Access Denied");
  }
  if (authorization.substr(0, kAlgorithm.size()) != kAlgorithm) {
    throw S3Error(ErrorCode::kInvalidRequest,
                  "The authorization mechanism you have provided is not supported. Please use "
                  "AWS4-HMAC-SHA256.");
  }
  const std::string_view credential = field(authorization, "Credential");
  const std::string_view signed_headers = field(authorization, "SignedHeaders");
  const std::string_view provided = field(authorization, "Signature");
  if (credential.empty() || signed_headers.empty() || provided.empty()) {
    throw S3Error(ErrorCode::kAuthorizationHeaderMalformed,
                  "The authorization header is malformed.");
  }
  const Scope scope = parse_credential(credential);

  const std::string_view amz_date = request.header("x-amz-date");
  const auto signed_at = parse_amz_date(amz_date);
  if (!signed_at) {
    throw S3Error(ErrorCode::kAccessDenied,
                  "AWS authentication requires a valid Date or x-amz-date header");
  }
  const auto skew = options_.now() - *signed_at;
  if (skew > options_.max_skew || -skew > options_.max_skew) {
    throw S3Error(ErrorCode::kRequestTimeTooSkewed,
                  "The difference between the request time and the current time is too large.")
        .with("RequestTime", std::string(amz_date))
        .with("MaxAllowedSkewMilliseconds",
              std::to_string(std::chrono::milliseconds(options_.max_skew).count()));
  }

  const std::string_view payload_hash = request.header("x-amz-content-sha256");
  if (payload_hash.empty()) {
    throw S3Error(ErrorCode::kInvalidRequest,
                  "Missing required header for this request: x-amz-content-sha256");
  }
  if (payload_hash != kUnsignedPayload) {
    if (!is_sha256_hex(payload_hash)) {
      throw S3Error(ErrorCode::kNotImplemented,
                    "Only signed (hex SHA-256) and UNSIGNED-PAYLOAD bodies are supported.");
    }
    const std::string actual = to_hex(sha256(request.body));
    if (!iequals(actual, payload_hash)) {
      throw S3Error(ErrorCode::kXAmzContentSHA256Mismatch,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.")
          .with("ClientComputedContentSHA256", std::string(payload_hash))
          .with("S3ComputedContentSHA256", actual);
    }
  }

  std::string canonical_request = request.method + '\n' + canonical_path(target.raw_path) + '\n' +
                                  canonical_query(target, false) + '\n' +
                                  canonical_headers(request, signed_headers) + '\n' +
                                  std::string(signed_headers) + '\n' + std::string(payload_hash);
  const std::string string_to_sign = std::string(kAlgorithm) + '\n' + std::string(amz_date) + '\n' +
                                     scope.date + '/' + scope.region + '/' + scope.service +
                                     "/aws4_request\n" + to_hex(sha256(canonical_request));
  const std::string key = signing_key(*scope.secret, scope.date, scope.region, scope.service);
  const std::string expected = to_hex(hmac_sha256(key, string_to_sign));
  if (!constant_time_equal(expected, provided)) {
    throw signature_mismatch(scope.access_key, string_to_sign, provided, canonical_request);
  }
  return scope.access_key;
}

std::string Authenticator::verify_query(const http::ServerRequest& request,
                                        const RequestTarget& target) const {
  if (target.get("X-Amz-Algorithm") != kAlgorithm) {
    throw S3Error(ErrorCode::kInvalidRequest,
                  "The authorization mechanism you have provided is not supported. Please use "
                  "AWS4-HMAC-SHA256.");
  }
  const Scope scope = parse_credential(target.get("X-Amz-Credential"));
  const std::string amz_date(target.get("X-Amz-Date"));
  const auto signed_at = parse_amz_date(amz_date);
  const std::string_view expires_text = target.get("X-Amz-Expires");
  const std::string_view signed_headers = target.get("X-Amz-SignedHeaders");
  const std::string_view provided = target.get("X-Amz-Signature");
  long long expires = -1;
  if (!expires_text.empty() && expires_text.size() < 10 &&
      std::all_of(expires_text.begin(), expires_text.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    expires = std::stoll(std::string(expires_text));
  }
  if (!signed_at || expires < 0 || expires > 604800 || signed_headers.empty() || provided.empty()) {
    throw S3Error(ErrorCode::kAuthorizationQueryParametersError,
                  "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                  "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                  "X-Amz-Expires parameters (X-Amz-Expires at most 604800).");
  }
  const auto now = options_.now();
  if (now > *signed_at + std::chrono::seconds(expires)) {
    throw S3Error(ErrorCode::kAccessDenied, "Request has expired")
        .with("X-Amz-Expires", std::string(expires_text))
        .with("Expires", format_event_time(*signed_at + std::chrono::seconds(expires)))
        .with("ServerTime", format_event_time(now));
  }
  if (*signed_at - now > options_.max_skew) {
    throw S3Error(ErrorCode::kAccessDenied, "Request is not valid yet");
  }

  const std::string canonical_request =
      request.method + '\n' + canonical_path(target.raw_path) + '\n' +
      canonical_query(target, true) + '\n' + canonical_headers(request, signed_headers) + '\n' +
      std::string(signed_headers) + '\n' + std::string(kUnsignedPayload);
  const std::string string_to_sign = std::string(kAlgorithm) + '\n' + amz_date + '\n' + scope.date +
                                     '/' + scope.region + '/' + scope.service + "/aws4_request\n" +
                                     to_hex(sha256(canonical_request));
  const std::string key = signing_key(*scope.secret, scope.date, scope.region, scope.service);
  const std::string expected = to_hex(hmac_sha256(key, string_to_sign));
  if (!constant_time_equal(expected, provided)) {
    throw signature_mismatch(scope.access_key, string_to_sign, provided, canonical_request);
  }
  return scope.access_key;
}

std::string Authenticator::verify_policy_signature(std::string_view policy,
                                                   std::string_view credential,
                                                   std::string_view signature) const {
  const Scope scope = parse_credential(credential);
  const std::string key = signing_key(*scope.secret, scope.date, scope.region, scope.service);
  const std::string expected = to_hex(hmac_sha256(key, policy));
  if (!constant_time_equal(expected, signature)) {
    throw S3Error(ErrorCode::kSignatureDoesNotMatch,
                  "The request signature we calculated does not match the signature you provided. "
                  "Check your key and signing method.")
        .with("AWSAccessKeyId", scope.access_key)
        .with("StringToSign", std::string(policy))
        .with("SignatureProvided", std::string(signature));
  }
  return scope.access_key;
}

}  // namespace s3storm::target
