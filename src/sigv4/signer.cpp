#include "sigv4/signer.hpp"

#include <stdexcept>
#include <utility>

#include "util/hex.hpp"

namespace s3storm::sigv4 {

void append_credential_scope(std::string& out, std::string_view date, std::string_view region,
                             std::string_view service) {
  out.append(date);
  out.push_back('/');
  out.append(region);
  out.push_back('/');
  out.append(service);
  out.append("/aws4_request");
}

void SignatureWork::compute(const CanonicalInput& input, std::string_view amz_date,
                            std::string_view scope, const HmacSha256Key& signing_key) {
  builder.build(input, canonical_request, signed_headers);
  string_to_sign.clear();
  string_to_sign.append(kAlgorithm);
  string_to_sign.push_back('\n');
  string_to_sign.append(amz_date);
  string_to_sign.push_back('\n');
  string_to_sign.append(scope);
  string_to_sign.push_back('\n');
  // The head of the string to sign changes once a second at most, and it is longer than a
  // SHA-256 block: MAC it once and start each signature from there.
  const std::size_t head_size = string_to_sign.size();
  const std::string_view head(string_to_sign.data(), head_size);
  if (!head_key_ || head != head_ || !head_source_->same_key(signing_key)) {
    head_.assign(head);
    head_source_ = signing_key;
    head_key_ = signing_key.with_message_prefix(head);
  }
  hex::append(string_to_sign, sha256(canonical_request));
  signature.clear();
  hex::append(signature, head_key_->mac(std::string_view(string_to_sign).substr(head_size)));
}

Signer::Signer(Credentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)),
      path_rule_(path_rule_for_service(service_)),
      is_s3_(is_s3_service(service_)) {}

const HmacSha256Key& Signer::key_for(const AmzDate& time) {
  return keys_.get(credentials_.secret_access_key, time.date(), region_, service_);
}

void Signer::build_scope(const AmzDate& time) {
  scope_.clear();
  append_credential_scope(scope_, time.date(), region_, service_);
}

const SigningResult& Signer::sign(const RequestToSign& request, const AmzDate& time) {
  amz_date_.assign(time.text());
  build_scope(time);
  // S3 always wants the payload hash as a header; other services only need it to announce
  // an unsigned payload (botocore does the same).
  const bool send_content_sha256 = is_s3_ || request.payload_hash == kUnsignedPayload;

  headers_.assign(request.headers.begin(), request.headers.end());
  headers_.push_back({"x-amz-date", amz_date_});
  if (send_content_sha256) headers_.push_back({"x-amz-content-sha256", request.payload_hash});
  if (!credentials_.session_token.empty()) {
    headers_.push_back({"x-amz-security-token", credentials_.session_token});
  }

  const CanonicalInput input{request.method, request.path,         request.query,
                             headers_,       request.payload_hash, path_rule_};
  work_.compute(input, amz_date_, scope_, key_for(time));

  authorization_.clear();
  authorization_.append(kAlgorithm);
  authorization_.append(" Credential=");
  authorization_.append(credentials_.access_key_id);
  authorization_.push_back('/');
  authorization_.append(scope_);
  authorization_.append(", SignedHeaders=");
  authorization_.append(work_.signed_headers);
  authorization_.append(", Signature=");
  authorization_.append(work_.signature);

  result_ = SigningResult{};
  result_.canonical_request = work_.canonical_request;
  result_.string_to_sign = work_.string_to_sign;
  result_.signature = work_.signature;
  result_.signed_headers = work_.signed_headers;
  result_.authorization = authorization_;
  result_.amz_date = amz_date_;
  if (send_content_sha256) result_.content_sha256 = request.payload_hash;
  result_.security_token = credentials_.session_token;
  return result_;
}

const ChunkSigner& Signer::chunk_signer(const AmzDate& time) {
  build_scope(time);
  // Never empty: the scope built here always has the credential scope's form.
  return *chunk_signers_.get(credentials_.secret_access_key, time.text(), scope_);
}

std::string_view Signer::sign_string(std::string_view string_to_sign, const AmzDate& time) {
  string_signature_.clear();
  hex::append(string_signature_, key_for(time).mac(string_to_sign));
  return string_signature_;
}

}  // namespace s3storm::sigv4
