#pragma once

// S3's Signature Version 2 string to sign (the "Signing and Authenticating REST Requests" page of
// the S3 developer guide), which the SigV2 verifier recomputes:
//
//   VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders
//   CanonicalizedResource
//
// and the signature over it, base64(HMAC-SHA1(secret, string to sign)).

#include <span>
#include <string>
#include <string_view>

#include "sigv4/canonical_request.hpp"

namespace s3storm::sigv2 {

// Whether a query parameter is one of S3's sub-resources, the parameters that go into the
// canonical resource (acl, uploadId, partNumber, versionId, the response-* overrides, ...).
bool is_subresource(std::string_view name);

// "/bucket/key?sub&sub=value": `virtual_bucket` is the bucket a virtual-hosted request names in
// its Host (empty for path-style), `raw_path` the path as received (still percent-encoded), and
// `raw_query` the query as received; its sub-resources are sorted by name, values decoded.
std::string canonical_resource(std::string_view virtual_bucket, std::string_view raw_path,
                               std::string_view raw_query);

// The x-amz-* headers, names lower-cased and sorted, values trimmed, repeated names combined with
// ',', one "name:value\n" line each. `extra` are more of them (a presigned URL's x-amz-* query
// parameters, decoded), read as if they were headers.
std::string canonical_amz_headers(std::span<const sigv4::Header> headers,
                                  std::span<const sigv4::Header> extra = {});

struct StringToSignInput {
  std::string_view method;
  std::span<const sigv4::Header> headers;  // as received
  // The fourth line: the Date header, empty when x-amz-date is present, or a URL's Expires.
  std::string_view date_line;
  std::string_view canonical_amz_headers;
  std::string_view canonical_resource;
};
std::string string_to_sign(const StringToSignInput& input);

// base64(HMAC-SHA1(secret, string_to_sign)), as clients send it.
std::string sign(std::string_view secret, std::string_view string_to_sign);

}  // namespace s3storm::sigv2
