#pragma once

// What S3 checks on an uploaded body (PutObject, UploadPart) beyond the signature: an aws-chunked
// body is decoded (in place: the request's body becomes the object's bytes) with its chunk and
// trailer signatures and x-amz-decoded-content-length; Content-MD5; one x-amz-checksum-* value,
// in a header or in the trailer x-amz-trailer names, and x-amz-sdk-checksum-algorithm. Any
// failure throws the S3Error S3 answers with (BadDigest, InvalidDigest, SignatureDoesNotMatch,
// IncompleteBody, InvalidRequest) before anything is stored.

#include <optional>

#include "http/server.hpp"
#include "target/authenticator.hpp"
#include "target/checksums.hpp"

namespace s3storm::target {

// The verified checksum to keep with the object, if the request sent one.
std::optional<ObjectChecksum> accept_upload_body(http::ServerRequest& request,
                                                 const VerifiedCaller& caller);

}  // namespace s3storm::target
