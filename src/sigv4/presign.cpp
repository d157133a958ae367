// Query authentication (presigned URLs): the credential goes into X-Amz-* query parameters,
// which are themselves part of the signed canonical query.

#include <stdexcept>
#include <string>

#include "sigv4/signer.hpp"
#include "sigv4/uri_encoding.hpp"

namespace s3storm::sigv4 {

const SigningResult& Signer::presign(const RequestToSign& request, const AmzDate& time,
                                     std::chrono::seconds expires) {
  if (expires.count() < 1 || expires > kMaxPresignExpiry) {
    throw std::invalid_argument("presign expiry must be between 1 and 604800 seconds");
  }
  amz_date_.assign(time.text());
  build_scope(time);

  query_.assign(request.query);
  if (!query_.empty()) query_.push_back('&');
  query_.append("X-Amz-Algorithm=");
  query_.append(kAlgorithm);
  query_.append("&X-Amz-Credential=");
  append_uri_encoded(query_, credentials_.access_key_id, false);
  query_.append("%2F");
  append_uri_encoded(query_, scope_, false);
  query_.append("&X-Amz-Date=");
  query_.append(amz_date_);
  query_.append("&X-Amz-Expires=");
  query_.append(std::to_string(expires.count()));
  query_.append("&X-Amz-SignedHeaders=");
  work_.signed_headers.clear();
  work_.builder.signed_header_list(request.headers, work_.signed_headers);
  append_uri_encoded(query_, work_.signed_headers, false);
  if (!credentials_.session_token.empty()) {
    query_.append("&X-Amz-Security-Token=");
    append_uri_encoded(query_, credentials_.session_token, false);
  }

  const CanonicalInput input{request.method,  request.path,         query_,
                             request.headers, request.payload_hash, path_rule_};
  work_.compute(input, amz_date_, scope_, key_for(time));
  query_.append("&X-Amz-Signature=");
  query_.append(work_.signature);

  result_ = SigningResult{};
  result_.canonical_request = work_.canonical_request;
  result_.string_to_sign = work_.string_to_sign;
  result_.signature = work_.signature;
  result_.signed_headers = work_.signed_headers;
  result_.amz_date = amz_date_;
  result_.presigned_query = query_;
  return result_;
}

}  // namespace s3storm::sigv4
