#include "sigv4/verifier.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "sigv4/crypto.hpp"
#include "sigv4/uri_encoding.hpp"
#include "util/ascii.hpp"

namespace s3storm::sigv4 {
namespace {

VerifyResult failure(VerifyStatus status, std::string message, std::string_view access_key = {}) {
  VerifyResult result;
  result.status = status;
  result.message = std::move(message);
  result.access_key_id = access_key;
  return result;
}

std::optional<std::string_view> find_header(std::span<const Header> headers,
                                            std::string_view name) {
  for (const Header& header : headers) {
    if (ascii::iequals(header.name, name)) return header.value;
  }
  return std::nullopt;
}

// Finds a query parameter by exact (case-sensitive) name; values stay encoded.
std::optional<std::string_view> find_param(std::string_view query, std::string_view name) {
  if (query.empty()) return std::nullopt;  // most requests: no query at all
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(pos, end - pos);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    }
    pos = end + 1;
  }
  return std::nullopt;
}

// Position of `name` in the ';'-separated signed list, or -1.
int signed_position(std::string_view signed_list, std::string_view name) {
  int position = 0;
  std::size_t pos = 0;
  while (pos <= signed_list.size()) {
    std::size_t end = signed_list.find(';', pos);
    if (end == std::string_view::npos) end = signed_list.size();
    if (ascii::iequals(signed_list.substr(pos, end - pos), name)) return position;
    pos = end + 1;
    ++position;
  }
  return -1;
}

// Picks the received headers the client declared as signed; reports the first one missing.
// One pass over the headers marks which declared names were seen, so the check for missing ones
// does not search the headers again. Any signed list works here (any case, order, repeats).
std::optional<std::string_view> select_signed_any(std::span<const Header> headers,
                                                  std::string_view signed_list,
                                                  std::vector<Header>& out,
                                                  std::uint64_t& uncovered) {
  out.clear();
  uncovered = 0;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    const Header& header = headers[i];
    const int position = signed_position(signed_list, header.name);
    if (position < 0) {
      if (i < 64) uncovered |= std::uint64_t{1} << i;
      continue;
    }
    out.push_back(header);
    if (position < 64) seen |= std::uint64_t{1} << position;
  }
  int position = 0;
  std::size_t pos = 0;
  while (pos <= signed_list.size()) {
    std::size_t end = signed_list.find(';', pos);
    if (end == std::string_view::npos) end = signed_list.size();
    const std::string_view name = signed_list.substr(pos, end - pos);
    // A name not marked may still be present: listed twice, or past the 64th.
    const bool present =
        (position < 64 && (seen >> position & 1) != 0) || find_header(headers, name).has_value();
    if (!present) return name;
    pos = end + 1;
    ++position;
  }
  return std::nullopt;
}

}  // namespace

bool signed_list_names(std::string_view signed_list, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= signed_list.size()) {
    std::size_t end = signed_list.find(';', pos);
    if (end == std::string_view::npos) end = signed_list.size();
    if (ascii::iequals(signed_list.substr(pos, end - pos), name)) return true;
    pos = end + 1;
  }
  return false;
}

// The headers verification reads by name, found in one pass; the first of each name counts.
struct Verifier::KnownHeaders {
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> amz_date;
  std::optional<std::string_view> date;
  std::optional<std::string_view> content_sha256;

  explicit KnownHeaders(std::span<const Header> headers) {
    for (const Header& header : headers) {
      std::optional<std::string_view>* slot = nullptr;
      std::string_view name;
      switch (header.name.size()) {
        case 4:
          slot = &date;
          name = "date";
          break;
        case 10:
          slot = &amz_date;
          name = "x-amz-date";
          break;
        case 13:
          slot = &authorization;
          name = "authorization";
          break;
        case 20:
          slot = &content_sha256;
          name = "x-amz-content-sha256";
          break;
        default:
          continue;
      }
      if (!*slot && ascii::equals_lower(header.name, name)) *slot = header.value;
    }
  }
};

std::string_view s3_error_code(VerifyStatus status) {
  switch (status) {
    case VerifyStatus::kOk:
      return "";
    case VerifyStatus::kUnsignedRequest:
      return "AccessDenied";
    case VerifyStatus::kMalformed:
      return "AuthorizationHeaderMalformed";
    case VerifyStatus::kUnknownAccessKey:
      return "InvalidAccessKeyId";
    case VerifyStatus::kSignatureMismatch:
      return "SignatureDoesNotMatch";
    case VerifyStatus::kExpired:
      return "AccessDenied";
    case VerifyStatus::kTimeSkewed:
      return "RequestTimeTooSkewed";
    case VerifyStatus::kPolicyViolation:
      return "AccessDenied";
  }
  return "AccessDenied";
}

std::optional<CredentialScope> parse_credential(std::string_view credential) {
  // The access key comes first and never contains '/', the rest is the fixed four-part scope.
  std::array<std::string_view, 5> parts;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::size_t end = i + 1 == parts.size() ? credential.size() : credential.find('/', pos);
    if (end == std::string_view::npos) return std::nullopt;
    parts[i] = credential.substr(pos, end - pos);
    pos = end + 1;
  }
  if (parts[4] != "aws4_request" || parts[0].empty() || parts[1].size() != 8 || parts[2].empty() ||
      parts[3].empty()) {
    return std::nullopt;
  }
  // After the key id the credential is the scope itself, as the string to sign spells it.
  return CredentialScope{parts[0], parts[1], parts[2], parts[3],
                         credential.substr(parts[0].size() + 1)};
}

Verifier::Verifier(SecretLookup lookup, std::chrono::seconds max_skew)
    : lookup_(std::move(lookup)), max_skew_(max_skew) {}

std::optional<AmzDate> Verifier::parse_amz_date(std::string_view text) {
  // Parsing depends on the text alone, so an equal text gives the equal result.
  if (last_date_ && last_date_->text() == text) return last_date_;
  auto parsed = AmzDate::parse(text);
  if (parsed) last_date_ = parsed;
  return parsed;
}

std::optional<std::string_view> Verifier::select_signed(std::span<const Header> headers,
                                                        std::string_view signed_list,
                                                        bool& canonical) {
  // Clients send the list as SigV4 builds it: lower-case, sorted, no repeats. Then the list's
  // order is the canonical order and its spelling the canonical names, so the headers can be
  // placed by list position as they are found, with no sort and no lowering. Any other list
  // takes the general path (the signature then decides, as before). A client sends the same
  // list request after request, so it is parsed once and kept with its text.
  if (signed_list != cached_list_) {
    cached_list_.assign(signed_list);
    signed_names_.clear();
    cached_list_canonical_ = true;
    cached_list_signs_host_ = false;
    const std::string_view list = cached_list_;
    std::size_t pos = 0;
    while (pos <= list.size()) {
      std::size_t end = list.find(';', pos);
      if (end == std::string_view::npos) end = list.size();
      const std::string_view name = list.substr(pos, end - pos);
      if (name.empty() || ascii::has_upper(name) ||
          (!signed_names_.empty() && !(signed_names_.back() < name))) {
        cached_list_canonical_ = false;
      }
      if (ascii::iequals(name, "host")) cached_list_signs_host_ = true;
      signed_names_.push_back(name);
      pos = end + 1;
    }
    if (signed_names_.size() > 64) cached_list_canonical_ = false;
  }
  canonical = cached_list_canonical_;
  if (!canonical) return select_signed_any(headers, signed_list, signed_, uncovered_);

  // Which list position each received header has (or none); then the headers are taken out
  // position by position, those of one position in the order sent.
  signed_positions_.clear();
  uncovered_ = 0;
  std::uint64_t seen = 0;
  const auto count = static_cast<std::uint32_t>(signed_names_.size());
  for (std::size_t i = 0; i < headers.size(); ++i) {
    std::uint32_t position = 0;
    while (position < count && !ascii::equals_lower(headers[i].name, signed_names_[position]))
      ++position;
    signed_positions_.push_back(position);
    if (position < count) {
      seen |= std::uint64_t{1} << position;
    } else if (i < 64) {
      uncovered_ |= std::uint64_t{1} << i;
    }
  }
  signed_.clear();
  for (std::uint32_t position = 0; position < count; ++position) {
    for (std::size_t i = 0; i < headers.size(); ++i) {
      if (signed_positions_[i] == position) {
        signed_.push_back(Header{signed_names_[position], headers[i].value});
      }
    }
  }
  for (std::size_t position = 0; position < signed_names_.size(); ++position) {
    if ((seen >> position & 1) == 0) return signed_names_[position];
  }
  return std::nullopt;
}

VerifyResult Verifier::verify(const ReceivedRequest& request,
                              std::chrono::system_clock::time_point now) {
  const std::size_t question = request.target.find('?');
  const std::string_view path = request.target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : request.target.substr(question + 1);
  if (find_param(query, "X-Amz-Signature") || find_param(query, "X-Amz-Algorithm")) {
    return verify_query_auth(request, path, query, now);
  }
  const KnownHeaders known(request.headers);
  if (known.authorization) return verify_header_auth(request, path, query, known, now);
  return failure(VerifyStatus::kUnsignedRequest, "request carries no SigV4 authentication");
}

VerifyResult Verifier::verify_header_auth(const ReceivedRequest& request, std::string_view path,
                                          std::string_view query, const KnownHeaders& known,
                                          std::chrono::system_clock::time_point now) {
  const std::string_view authorization = ascii::trim(*known.authorization);
  if (!authorization.starts_with(kAlgorithm) || authorization.size() == kAlgorithm.size() ||
      authorization[kAlgorithm.size()] != ' ') {
    return failure(VerifyStatus::kMalformed, "Authorization must start with AWS4-HMAC-SHA256");
  }
  std::string_view credential, signed_list, signature;
  std::string_view rest = authorization.substr(kAlgorithm.size() + 1);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = ascii::trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const std::size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    if (key == "Credential")
      credential = value;
    else if (key == "SignedHeaders")
      signed_list = value;
    else if (key == "Signature")
      signature = value;
  }
  const auto scope = parse_credential(credential);
  if (!scope) return failure(VerifyStatus::kMalformed, "Authorization has no valid Credential");
  if (signed_list.empty() || signature.empty()) {
    return failure(VerifyStatus::kMalformed, "Authorization lacks SignedHeaders or Signature",
                   scope->access_key_id);
  }

  std::optional<AmzDate> time;
  if (known.amz_date) {
    time = parse_amz_date(ascii::trim(*known.amz_date));
  } else if (known.date) {
    time = parse_http_date(ascii::trim(*known.date));
  }
  if (!time)
    return failure(VerifyStatus::kMalformed, "missing or invalid x-amz-date", scope->access_key_id);
  if (time->date() != scope->date) {
    return failure(VerifyStatus::kMalformed, "credential scope date differs from x-amz-date",
                   scope->access_key_id);
  }
  const auto skew = std::chrono::abs(std::chrono::floor<std::chrono::seconds>(now) - time->time());
  if (skew > max_skew_) {
    return failure(VerifyStatus::kTimeSkewed,
                   "request time differs from server time by more than allowed",
                   scope->access_key_id);
  }

  bool canonical = false;
  if (const auto missing = select_signed(request.headers, signed_list, canonical)) {
    return failure(VerifyStatus::kMalformed,
                   "signed header '" + std::string(*missing) + "' is not in the request",
                   scope->access_key_id);
  }
  if (!cached_list_signs_host_) {  // select_signed parsed this list
    return failure(VerifyStatus::kMalformed, "host must be a signed header", scope->access_key_id);
  }
  std::string_view payload_hash = request.body_sha256;
  if (known.content_sha256) payload_hash = ascii::trim(*known.content_sha256);
  if (payload_hash.empty()) {
    return failure(VerifyStatus::kMalformed, "missing x-amz-content-sha256", scope->access_key_id);
  }

  VerifyResult result = check_signature(request.method, *scope, *time, path, query, payload_hash,
                                        signature, signed_list, canonical);
  result.payload_hash = payload_hash;
  result.signed_headers = signed_list;
  result.uncovered_headers = uncovered_;
  if (result.ok() && known.amz_date) {
    result.credential_scope = scope->scope;
    result.amz_date = ascii::trim(*known.amz_date);
  }
  return result;
}

VerifyResult Verifier::verify_query_auth(const ReceivedRequest& request, std::string_view path,
                                         std::string_view query,
                                         std::chrono::system_clock::time_point now) {
  const auto algorithm = find_param(query, "X-Amz-Algorithm");
  const auto credential = find_param(query, "X-Amz-Credential");
  const auto date = find_param(query, "X-Amz-Date");
  const auto expires = find_param(query, "X-Amz-Expires");
  const auto signed_list_encoded = find_param(query, "X-Amz-SignedHeaders");
  const auto signature = find_param(query, "X-Amz-Signature");
  if (!algorithm || *algorithm != kAlgorithm || !credential || !date || !expires ||
      !signed_list_encoded || !signature) {
    return failure(VerifyStatus::kMalformed, "presigned URL lacks an X-Amz-* parameter");
  }
  credential_.clear();
  append_uri_decoded(credential_, *credential);
  const auto scope = parse_credential(credential_);
  if (!scope)
    return failure(VerifyStatus::kMalformed, "X-Amz-Credential is not a valid credential");
  const auto time = parse_amz_date(*date);
  if (!time || time->date() != scope->date) {
    return failure(VerifyStatus::kMalformed, "X-Amz-Date is invalid or differs from the scope date",
                   scope->access_key_id);
  }
  long long expiry = 0;
  const auto [end, error] =
      std::from_chars(expires->data(), expires->data() + expires->size(), expiry);
  if (error != std::errc{} || end != expires->data() + expires->size() || expiry < 1 ||
      expiry > kMaxPresignExpiry.count()) {
    return failure(VerifyStatus::kMalformed, "X-Amz-Expires must be between 1 and 604800",
                   scope->access_key_id);
  }
  const auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
  if (time->time() - now_seconds > max_skew_) {
    return failure(VerifyStatus::kTimeSkewed, "presigned URL is not yet valid",
                   scope->access_key_id);
  }
  if (now_seconds > time->time() + std::chrono::seconds(expiry)) {
    return failure(VerifyStatus::kExpired, "presigned URL has expired", scope->access_key_id);
  }

  signed_list_.clear();
  append_uri_decoded(signed_list_, *signed_list_encoded);
  const std::string_view signed_list = signed_list_;
  bool canonical = false;
  if (const auto missing = select_signed(request.headers, signed_list, canonical)) {
    return failure(VerifyStatus::kMalformed,
                   "signed header '" + std::string(*missing) + "' is not in the request",
                   scope->access_key_id);
  }
  // Everything but the signature itself is part of the signed canonical query.
  query_.clear();
  std::size_t pos = 0;
  while (pos < query.size()) {
    std::size_t stop = query.find('&', pos);
    if (stop == std::string_view::npos) stop = query.size();
    const std::string_view pair = query.substr(pos, stop - pos);
    if (!pair.starts_with("X-Amz-Signature=") && pair != "X-Amz-Signature") {
      if (!query_.empty()) query_.push_back('&');
      query_.append(pair);
    }
    pos = stop + 1;
  }
  std::string_view payload_hash = kUnsignedPayload;
  if (const auto declared = find_header(request.headers, "x-amz-content-sha256");
      declared && signed_list_names(signed_list, "x-amz-content-sha256")) {
    payload_hash = ascii::trim(*declared);
  } else if (!is_s3_service(scope->service)) {
    payload_hash = request.body_sha256.empty() ? kEmptyPayloadHash : request.body_sha256;
  }

  // The query's own X-Amz-SignedHeaders chose signed_, so there is no declared list to compare.
  VerifyResult result = check_signature(request.method, *scope, *time, path, query_, payload_hash,
                                        *signature, {}, canonical);
  result.presigned = true;
  result.payload_hash = payload_hash;
  result.signed_headers = signed_list;
  result.uncovered_headers = uncovered_;
  result.uncovered_headers = uncovered_;
  return result;
}

VerifyResult Verifier::check_signature(std::string_view method, const CredentialScope& scope,
                                       const AmzDate& time, std::string_view path,
                                       std::string_view query, std::string_view payload_hash,
                                       std::string_view signature,
                                       std::string_view declared_signed_list,
                                       bool headers_canonical) {
  const std::string* secret = lookup_(scope.access_key_id);
  if (secret == nullptr) {
    return failure(VerifyStatus::kUnknownAccessKey, "unknown access key", scope.access_key_id);
  }
  const CanonicalInput input{method,           path,         query,
                             signed_,          payload_hash, path_rule_for_service(scope.service),
                             headers_canonical};
  work_.compute(input, time.text(), scope.scope,
                keys_.get(*secret, scope.date, scope.region, scope.service));
  const bool list_matches =
      declared_signed_list.empty() || work_.signed_headers == declared_signed_list;
  if (!constant_time_equal(work_.signature, signature) || !list_matches) {
    VerifyResult result = failure(VerifyStatus::kSignatureMismatch,
                                  "the signature does not match the request", scope.access_key_id);
    result.canonical_request = work_.canonical_request;
    result.string_to_sign = work_.string_to_sign;
    return result;
  }
  VerifyResult result;
  result.status = VerifyStatus::kOk;
  result.access_key_id = scope.access_key_id;
  result.signature = signature;
  return result;
}

}  // namespace s3storm::sigv4
