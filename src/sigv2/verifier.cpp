#include "sigv2/verifier.hpp"

#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "sigv2/string_to_sign.hpp"
#include "sigv4/amz_date.hpp"
#include "sigv4/crypto.hpp"
#include "sigv4/uri_encoding.hpp"
#include "util/ascii.hpp"

namespace s3storm::sigv2 {

namespace {

using Clock = std::chrono::system_clock;

// The first query parameter of that name, undecoded; nullopt when absent.
std::optional<std::string_view> raw_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
  }
  return std::nullopt;
}

// The first header of that name as sent (string_to_sign's header_value trims it).
std::string_view raw_header_value(std::span<const sigv4::Header> headers, std::string_view name) {
  for (const auto& header : headers) {
    if (ascii::iequals(header.name, name)) return header.value;
  }
  return {};
}

bool has_header(std::span<const sigv4::Header> headers, std::string_view name) {
  for (const auto& header : headers) {
    if (ascii::iequals(header.name, name)) return true;
  }
  return false;
}

// SigV2 dates: an HTTP date, in GMT or (as S3's own examples write it) "+0000", or for
// x-amz-date also the ISO 8601 basic form SigV4 uses. In seconds, as parsed: any year 0000-9999
// fits there, while system_clock's nanoseconds end in 2262.
std::optional<std::chrono::sys_seconds> parse_v2_date(std::string_view text) {
  text = ascii::trim(text);
  if (const auto date = sigv4::parse_http_date(text)) return date->time();
  if (text.ends_with(" +0000")) {
    std::string gmt(text.substr(0, text.size() - 5));
    gmt.append("GMT");
    if (const auto date = sigv4::parse_http_date(gmt)) return date->time();
  }
  if (const auto date = sigv4::AmzDate::parse(text)) return date->time();
  return std::nullopt;
}

Result failure(Status status, std::string message, std::string_view access_key_id = {}) {
  Result out;
  out.status = status;
  out.message = std::move(message);
  out.access_key_id = std::string(access_key_id);
  return out;
}

}  // namespace

Scheme detect(std::string_view authorization, std::string_view raw_query) {
  if (authorization.starts_with("AWS ")) return Scheme::kHeader;
  if (!authorization.empty()) return Scheme::kNone;
  if (raw_parameter(raw_query, "AWSAccessKeyId") || raw_parameter(raw_query, "Signature")) {
    return Scheme::kQuery;
  }
  return Scheme::kNone;
}

Verifier::Verifier(sigv4::SecretLookup lookup, std::chrono::seconds max_skew)
    : lookup_(std::move(lookup)), max_skew_(max_skew) {}

Result Verifier::verify(const Request& request, Clock::time_point now) const {
  const auto question = request.target.find('?');
  const std::string_view path = request.target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);
  const std::string_view authorization = raw_header_value(request.headers, "authorization");
  const std::string resource = canonical_resource(request.virtual_bucket, path, query);

  switch (detect(authorization, query)) {
    case Scheme::kNone:
      return failure(Status::kMalformed, "the request carries no SigV2 authentication");

    case Scheme::kHeader: {
      const std::string_view credentials = ascii::trim(authorization.substr(4));
      const auto colon = credentials.find(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == credentials.size()) {
        return failure(Status::kMalformed,
                       "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
      }
      const std::string_view access_key = credentials.substr(0, colon);
      // x-amz-date, when sent, is the request's time and is signed among the x-amz-* headers;
      // the Date line is then empty (a proxy may rewrite Date).
      const bool amz_date = has_header(request.headers, "x-amz-date");
      const std::string_view date_text = amz_date ? raw_header_value(request.headers, "x-amz-date")
                                                  : raw_header_value(request.headers, "date");
      const auto time = parse_v2_date(date_text);
      if (!time) {
        return failure(Status::kMissingDate,
                       "AWS authentication requires a valid Date or x-amz-date header", access_key);
      }
      if (std::chrono::abs(*time - std::chrono::floor<std::chrono::seconds>(now)) > max_skew_) {
        return failure(Status::kTimeSkewed,
                       "The difference between the request time and the current time is too large.",
                       access_key);
      }
      const std::string amz = canonical_amz_headers(request.headers);
      std::string to_sign =
          string_to_sign({request.method, request.headers,
                          amz_date ? std::string_view{} : ascii::trim(date_text), amz, resource});
      return check(access_key, credentials.substr(colon + 1), std::move(to_sign));
    }

    case Scheme::kQuery: {
      const auto access_key = raw_parameter(query, "AWSAccessKeyId");
      const auto signature = raw_parameter(query, "Signature");
      const auto expires = raw_parameter(query, "Expires");
      if (!access_key || !signature || !expires || access_key->empty() || signature->empty()) {
        return failure(Status::kMalformed,
                       "Query-string authentication requires the Signature, Expires and "
                       "AWSAccessKeyId parameters");
      }
      const std::string expires_text = sigv4::uri_decode(*expires);
      long long expires_at = 0;
      const auto [end, error] = std::from_chars(
          expires_text.data(), expires_text.data() + expires_text.size(), expires_at);
      if (error != std::errc{} || end != expires_text.data() + expires_text.size() ||
          expires_text.empty()) {
        return failure(Status::kBadExpires,
                       "Invalid date (should be seconds since epoch): " + expires_text);
      }
      const std::string key = sigv4::uri_decode(*access_key);
      // Compared in seconds: an Expires is any 64-bit number, most of which no time_point holds.
      if (std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count() > expires_at) {
        return failure(Status::kExpired, "Request has expired", key);
      }
      // A presigned URL carries the x-amz-* headers it was signed with in its query (botocore
      // moves them there); they are signed as if they were headers, unless the client sent the
      // header itself as well.
      std::vector<std::pair<std::string, std::string>> decoded;
      std::string_view rest = query;
      while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        if (!ascii::istarts_with(pair.substr(0, eq), "x-amz-")) continue;
        std::string name = sigv4::uri_decode(pair.substr(0, eq));
        if (has_header(request.headers, name)) continue;
        decoded.emplace_back(std::move(name), eq == std::string_view::npos
                                                  ? std::string{}
                                                  : sigv4::uri_decode(pair.substr(eq + 1)));
      }
      std::vector<sigv4::Header> extra;
      extra.reserve(decoded.size());
      for (const auto& [name, value] : decoded) extra.push_back({name, value});
      const std::string amz = canonical_amz_headers(request.headers, extra);
      std::string to_sign =
          string_to_sign({request.method, request.headers, expires_text, amz, resource});
      return check(key, sigv4::uri_decode(*signature), std::move(to_sign));
    }
  }
  return failure(Status::kMalformed, "unreachable");
}

Result Verifier::verify_policy(std::string_view policy, std::string_view access_key_id,
                               std::string_view signature) const {
  return check(access_key_id, signature, std::string(policy));
}

Result Verifier::check(std::string_view access_key_id, std::string_view signature,
                       std::string string_to_sign) const {
  const std::string* secret = lookup_(access_key_id);
  if (secret == nullptr) {
    return failure(Status::kUnknownAccessKey,
                   "The AWS Access Key Id you provided does not exist in our records.",
                   access_key_id);
  }
  Result out;
  out.access_key_id = std::string(access_key_id);
  if (sigv4::constant_time_equal(sign(*secret, string_to_sign), signature)) {
    out.status = Status::kOk;
    return out;
  }
  out.status = Status::kSignatureMismatch;
  out.message =
      "The request signature we calculated does not match the signature you provided. Check your "
      "key and signing method.";
  out.string_to_sign = std::move(string_to_sign);
  out.provided_signature = std::string(signature);
  return out;
}

}  // namespace s3storm::sigv2
