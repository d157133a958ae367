#include "target/authenticator.hpp"

#include <algorithm>
#include <vector>

#include "sigv4/crypto.hpp"
#include "sigv4/post_policy.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "target/s3_error.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"

namespace s3storm::target {

namespace {

using Clock = std::chrono::system_clock;

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), hex::is_digit);
}

// `hex` spells `digest` in hex digits of either case. Clients send lower case, so one compare with
// the lower-case spelling settles the common case; a digit loop per character cost more. The
// spelling goes into a buffer per thread, so it allocates once.
bool hex_equals(const sigv4::Digest& digest, std::string_view hex) {
  thread_local std::string spelled;
  spelled.clear();
  hex::append(spelled, digest);
  return hex == spelled || ascii::iequals(hex, spelled);
}

const char* const kMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "key and signing method.";

[[noreturn]] void throw_failure(const sigv4::VerifyResult& result, bool query_auth,
                                std::string_view provided_signature) {
  using sigv4::VerifyStatus;
  switch (result.status) {
    case VerifyStatus::kOk:
      break;
    case VerifyStatus::kUnsignedRequest:
      throw S3Error(ErrorCode::kAccessDenied, "Access Denied");
    case VerifyStatus::kUnknownAccessKey:
      throw S3Error(ErrorCode::kInvalidAccessKeyId,
                    "The AWS Access Key Id you provided does not exist in our records.")
          .with("AWSAccessKeyId", result.access_key_id);
    case VerifyStatus::kSignatureMismatch:
      throw S3Error(ErrorCode::kSignatureDoesNotMatch, kMismatchMessage)
          .with("AWSAccessKeyId", result.access_key_id)
          .with("StringToSign", result.string_to_sign)
          .with("SignatureProvided", std::string(provided_signature))
          .with("CanonicalRequest", result.canonical_request);
    case VerifyStatus::kExpired:
      throw S3Error(ErrorCode::kAccessDenied, "Request has expired");
    case VerifyStatus::kTimeSkewed:
      throw S3Error(ErrorCode::kRequestTimeTooSkewed,
                    "The difference between the request time and the current time is too large.");
    case VerifyStatus::kPolicyViolation:
      throw S3Error(ErrorCode::kAccessDenied, "Invalid according to Policy");
    case VerifyStatus::kMalformed:
      break;
  }
  throw S3Error(query_auth ? ErrorCode::kAuthorizationQueryParametersError
                           : ErrorCode::kAuthorizationHeaderMalformed,
                "The authorization is malformed: " + result.message);
}

// The Signature= field of an Authorization header, or the X-Amz-Signature query parameter.
std::string_view provided_signature(const http::ServerRequest& request) {
  std::string_view source = request.header("authorization");
  std::string_view marker = "Signature=";
  if (source.empty()) {
    source = request.target;
    marker = "X-Amz-Signature=";
  }
  const auto at = source.find(marker);
  if (at == std::string_view::npos) return {};
  const std::string_view value = source.substr(at + marker.size());
  return value.substr(0, value.find_first_of(",&"));
}

// S3 acts on every x-amz-* header it receives, so it refuses one the signature does not cover:
// an unsigned x-amz-copy-source would turn a signed PUT into a copy of anything readable. The
// names come back as S3 lists them (lower case, ", " between), empty when all are signed.
std::string unsigned_amz_headers(const http::ServerRequest& request,
                                 const sigv4::VerifyResult& result) {
  std::string out;
  if (result.uncovered_headers == 0 && request.headers.size() <= 64) return out;
  for (std::size_t i = 0; i < request.headers.size(); ++i) {
    const std::string& name = request.headers[i].first;
    if (!ascii::istarts_with(name, "x-amz-") || result.covers(i, name)) continue;
    if (!out.empty()) out.append(", ");
    for (const char c : name) out.push_back(ascii::lower(c));
  }
  return out;
}

// S3's answers to a SigV2 failure. `query_auth`: a presigned URL (or a form), not a header.
[[noreturn]] void throw_v2_failure(const sigv2::Result& result, bool query_auth) {
  using sigv2::Status;
  switch (result.status) {
    case Status::kOk:
      break;
    case Status::kMalformed:
      if (query_auth) throw S3Error(ErrorCode::kAccessDenied, result.message);
      throw S3Error(ErrorCode::kInvalidArgument, result.message)
          .with("ArgumentName", "Authorization");
    case Status::kMissingDate:
    case Status::kBadExpires:
    case Status::kExpired:
      throw S3Error(ErrorCode::kAccessDenied, result.message);
    case Status::kUnknownAccessKey:
      throw S3Error(ErrorCode::kInvalidAccessKeyId, result.message)
          .with("AWSAccessKeyId", result.access_key_id);
    case Status::kSignatureMismatch:
      throw S3Error(ErrorCode::kSignatureDoesNotMatch, kMismatchMessage)
          .with("AWSAccessKeyId", result.access_key_id)
          .with("StringToSign", result.string_to_sign)
          .with("SignatureProvided", result.provided_signature);
    case Status::kTimeSkewed:
      throw S3Error(ErrorCode::kRequestTimeTooSkewed, result.message);
  }
  throw S3Error(ErrorCode::kAccessDenied, "Access Denied");
}

bool content_type_covered(const http::ServerRequest& request, const sigv4::VerifyResult& result) {
  for (std::size_t i = 0; i < request.headers.size(); ++i) {
    if (ascii::iequals(request.headers[i].first, "content-type")) {
      return result.covers(i, "content-type");
    }
  }
  return false;
}

bool is_streaming_payload(std::string_view payload_hash) {
  return payload_hash == sigv4::kStreamingSignedPayload ||
         payload_hash == sigv4::kStreamingSignedPayloadTrailer ||
         payload_hash == sigv4::kStreamingUnsignedPayloadTrailer;
}

// The Credential= value of the Authorization header (a view into it), or the X-Amz-Credential
// query parameter, its percent-encoded slashes decoded into `decoded`.
std::string_view credential_of(const http::ServerRequest& request, std::string& decoded) {
  const std::string_view authorization = request.header("authorization");
  if (!authorization.empty()) {
    const auto at = authorization.find("Credential=");
    if (at == std::string_view::npos) return {};
    const std::string_view value = authorization.substr(at + 11);
    // Not find_first_of(", "): libstdc++ calls memchr on the set once per character.
    return value.substr(
        0, static_cast<std::size_t>(std::find_if(value.begin(), value.end(),
                                                 [](char c) { return c == ',' || c == ' '; }) -
                                    value.begin()));
  }
  const std::string_view target = request.target;
  const auto at = target.find("X-Amz-Credential=");
  if (at == std::string_view::npos) return {};
  decoded.assign(target.substr(at + 17, target.find('&', at) - at - 17));
  for (auto slash = decoded.find("%2F"); slash != std::string::npos; slash = decoded.find("%2F")) {
    decoded.replace(slash, 3, "/");
  }
  return decoded;
}

}  // namespace

Authenticator::Authenticator(AuthOptions options)
    : options_(std::move(options)),
      v2_verifier_(
          [this](std::string_view access_key) -> const std::string* {
            const auto it = options_.secrets.find(access_key);
            return it == options_.secrets.end() ? nullptr : &it->second;
          },
          options_.max_skew),
      verifier_(
          // A pointer into the map, not a copy of the secret (an allocation per request).
          [this](std::string_view access_key) -> const std::string* {
            const auto it = options_.secrets.find(access_key);
            return it == options_.secrets.end() ? nullptr : &it->second;
          },
          options_.max_skew) {
  if (!options_.now) options_.now = [] { return Clock::now(); };
}

VerifiedCaller Authenticator::verify(const http::ServerRequest& request,
                                     std::string_view virtual_bucket) const {
  VerifiedCaller caller = verify_header(request, virtual_bucket);
  check_payload(request, caller);
  if (!caller.streaming_payload.empty() &&
      caller.streaming_payload != sigv4::kStreamingUnsignedPayloadTrailer) {
    caller.chunk_signing = chunk_signer(request, caller);
  }
  return caller;
}

VerifiedCaller Authenticator::verify_header(const http::ServerRequest& request,
                                            std::string_view virtual_bucket) const {
  const std::string_view target = request.target;
  const auto question = target.find('?');
  const std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  if (sigv2::detect(request.header("authorization"), query) != sigv2::Scheme::kNone) {
    return verify_v2(request, virtual_bucket);
  }

  sigv4::VerifyResult result;
  std::string not_signed;
  bool content_type_signed = false;
  {
    std::lock_guard lock(mutex_);
    headers_.clear();
    for (const auto& [name, value] : request.headers) headers_.push_back({name, value});
    const sigv4::ReceivedRequest received{request.method, request.target, headers_, {}};
    result = verifier_.verify(received, options_.now());
    // The signed list may live in the verifier, so it is read under the same lock.
    if (result.ok()) {
      not_signed = unsigned_amz_headers(request, result);
      content_type_signed = content_type_covered(request, result);
    }
  }
  if (!result.ok()) {
    if (result.status == sigv4::VerifyStatus::kUnsignedRequest && options_.anonymous) {
      // Nothing is signed, so nothing is held to a signature: the request is taken as sent.
      VerifiedCaller anonymous;
      anonymous.content_type_signed = true;
      return anonymous;
    }
    throw_failure(result, request.header("authorization").empty(), provided_signature(request));
  }
  if (!not_signed.empty()) {
    throw S3Error(ErrorCode::kAccessDenied,
                  "There were headers present in the request which were not signed")
        .with("HeadersNotSigned", std::move(not_signed));
  }

  VerifiedCaller caller;
  caller.access_key_id = std::move(result.access_key_id);
  caller.content_type_signed = content_type_signed;
  // The signature covers the declared payload hash; S3 then holds the body to it, presigned URL
  // or not (a presigned URL covers a hash only when it signed x-amz-content-sha256).
  const std::string_view payload_hash = result.payload_hash;
  if (is_streaming_payload(payload_hash)) {
    caller.streaming_payload = payload_hash;
    if (payload_hash != sigv4::kStreamingUnsignedPayloadTrailer) {
      caller.seed_signature = result.signature;
      caller.seed_scope = result.credential_scope;
      caller.seed_amz_date = result.amz_date;
    }
  } else if (payload_hash != sigv4::kUnsignedPayload) {
    // Told apart from a body that does not match before the body is read.
    if (!is_sha256_hex(payload_hash)) {
      throw S3Error(ErrorCode::kNotImplemented,
                    "Only signed (hex SHA-256) and UNSIGNED-PAYLOAD bodies are supported.");
    }
    caller.signed_payload_sha256 = payload_hash;
  }
  return caller;
}

void Authenticator::check_payload(const http::ServerRequest& request, VerifiedCaller& caller) {
  const std::string_view payload_hash = caller.signed_payload_sha256;
  if (payload_hash.empty()) return;
  // One hashing context per thread, set up once: the one-shot sha256() looks the digest up in
  // OpenSSL's provider tables on every call.
  thread_local sigv4::Sha256 body_hash;
  body_hash.reset();
  body_hash.update(request.body);
  const sigv4::Digest actual = body_hash.finish();
  if (!hex_equals(actual, payload_hash)) {
    throw S3Error(ErrorCode::kXAmzContentSHA256Mismatch,
                  "The provided 'x-amz-content-sha256' header does not match what was computed.")
        .with("ClientComputedContentSHA256", std::string(payload_hash))
        .with("S3ComputedContentSHA256", hex::encode(actual));
  }
  caller.checked_payload_sha256 = payload_hash;
}

VerifiedCaller Authenticator::verify_v2(const http::ServerRequest& request,
                                        std::string_view virtual_bucket) const {
  std::vector<sigv4::Header> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) headers.push_back({name, value});
  const sigv2::Result result = v2_verifier_.verify(
      {request.method, request.target, headers, virtual_bucket}, options_.now());
  if (!result.ok()) throw_v2_failure(result, request.header("authorization").empty());
  // Content-Type and every x-amz-* header are in the string to sign. The body is held to no hash
  // (SigV2 signs only its Content-MD5 header).
  VerifiedCaller caller;
  caller.access_key_id = result.access_key_id;
  caller.content_type_signed = true;
  return caller;
}

std::optional<sigv4::FormSignature> Authenticator::verify_post_form(const PostForm& form) const {
  const std::string_view policy = form.field("policy");
  const std::string_view v2_key = form.field("AWSAccessKeyId");
  const std::string_view v2_signature = form.field("signature");
  const bool v2 =
      (!v2_key.empty() || !v2_signature.empty()) && form.field("x-amz-algorithm").empty();
  if (policy.empty()) {
    const bool signs =
        v2 || !form.field("x-amz-signature").empty() || !form.field("x-amz-credential").empty();
    if (options_.anonymous && !signs) return std::nullopt;
    throw S3Error(ErrorCode::kAccessDenied, "Access Denied");
  }
  if (v2) {
    for (const auto& [name, value] :
         {std::pair{"AWSAccessKeyId", v2_key}, std::pair{"signature", v2_signature}}) {
      if (value.empty()) {
        throw S3Error(ErrorCode::kInvalidArgument,
                      std::string("Bucket POST must contain a field named '") + name +
                          "'.  If it is specified, please check the order of the fields.")
            .with("ArgumentName", name);
      }
    }
    const sigv2::Result result = v2_verifier_.verify_policy(policy, v2_key, v2_signature);
    if (!result.ok()) throw_v2_failure(result, true);
    return sigv4::FormSignature::kV2;
  }
  if (form.field("x-amz-algorithm") != "AWS4-HMAC-SHA256") {
    throw S3Error(ErrorCode::kInvalidRequest,
                  "The authorization mechanism you have provided is not supported. Please use "
                  "AWS4-HMAC-SHA256.");
  }
  verify_policy_signature(policy, form.field("x-amz-credential"), form.field("x-amz-signature"));
  return sigv4::FormSignature::kV4;
}

std::shared_ptr<const sigv4::ChunkSigner> Authenticator::chunk_signer(
    const http::ServerRequest& request, const VerifiedCaller& caller) const {
  // The signature was just verified, so the credential parses and the key is known; the signer
  // comes from a cache per server thread (not from the verifier's, so chunks are checked without
  // the lock), where the requests of one second under one key find it made.
  const auto secret = options_.secrets.find(caller.access_key_id);
  std::string_view scope = caller.seed_scope;
  std::string_view amz_date = caller.seed_amz_date;
  std::string decoded;
  std::optional<sigv4::CredentialScope> parsed;
  if (scope.empty() || amz_date.empty()) {
    // A presigned URL: the verifier decoded its credential into a buffer of its own, so it is
    // read again from the query here.
    parsed = sigv4::parse_credential(credential_of(request, decoded));
    if (parsed) scope = parsed->scope;
    amz_date = request.header("x-amz-date");
    if (amz_date.empty()) {
      const std::string_view target = request.target;
      const auto at = target.find("X-Amz-Date=");
      if (at != std::string_view::npos) amz_date = target.substr(at + 11, 16);
    }
  }
  thread_local sigv4::ChunkSignerCache signers;
  if (scope.empty() || secret == options_.secrets.end()) {
    throw S3Error(ErrorCode::kAuthorizationHeaderMalformed,
                  "The authorization is malformed: no credential for the chunk signatures");
  }
  std::shared_ptr<const sigv4::ChunkSigner> signer = signers.get(secret->second, amz_date, scope);
  if (!signer) {
    throw S3Error(ErrorCode::kAuthorizationHeaderMalformed,
                  "The authorization is malformed: no credential for the chunk signatures");
  }
  return signer;
}

std::string Authenticator::verify_policy_signature(std::string_view policy,
                                                   std::string_view credential,
                                                   std::string_view signature) const {
  const auto scope = sigv4::parse_credential(credential);
  if (!scope) {
    throw S3Error(ErrorCode::kAuthorizationHeaderMalformed,
                  "The x-amz-credential field is malformed; expecting "
                  "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  }
  const auto secret = options_.secrets.find(scope->access_key_id);
  if (secret == options_.secrets.end()) {
    throw S3Error(ErrorCode::kInvalidAccessKeyId,
                  "The AWS Access Key Id you provided does not exist in our records.")
        .with("AWSAccessKeyId", std::string(scope->access_key_id));
  }
  const std::string expected =
      sigv4::sign_policy(policy, secret->second, scope->date, scope->region);
  if (!sigv4::constant_time_equal(expected, signature)) {
    throw S3Error(ErrorCode::kSignatureDoesNotMatch, kMismatchMessage)
        .with("AWSAccessKeyId", std::string(scope->access_key_id))
        .with("StringToSign", std::string(policy))
        .with("SignatureProvided", std::string(signature));
  }
  return std::string(scope->access_key_id);
}

}  // namespace s3storm::target
