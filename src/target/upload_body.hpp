#pragma once

// What S3 checks on an uploaded body (PutObject, UploadPart) beyond the signature: an aws-chunked
// body is decoded (in place: the request's body becomes the object's bytes) with its chunk and
// trailer signatures and x-amz-decoded-content-length; Content-MD5; one x-amz-checksum-* value,
// in a header or in the trailer x-amz-trailer names, and x-amz-sdk-checksum-algorithm. Any
// failure throws the S3Error S3 answers with (BadDigest, InvalidDigest, SignatureDoesNotMatch,
// IncompleteBody, InvalidRequest) before anything is stored.

#include <optional>
#include <string_view>
#include <utility>

#include "http/server.hpp"
#include "sigv4/crypto.hpp"
#include "target/authenticator.hpp"
#include "target/checksums.hpp"
#include "target/post_policy.hpp"

namespace s3storm::target {

// The one x-amz-checksum-<algorithm> header of the request, if any (two are InvalidRequest).
std::optional<std::pair<ChecksumAlgorithm, std::string_view>> header_checksum(
    const http::ServerRequest& request);

// A browser form's file: its x-amz-checksum-<algorithm> field held to the file as a PUT's header
// is, else S3's default (a FULL_OBJECT CRC64NVME).
ObjectChecksum form_file_checksum(const PostForm& form);

// The verified checksum to keep with the object, if the request sent one. `signed_sha256`, when
// given, receives the decoded body's SHA-256 if a verified chunk signature covered all of it (an
// aws-chunked body of one signed chunk: AwsChunkedDecoder::signed_body_sha256), else nullopt.
std::optional<ObjectChecksum> accept_upload_body(
    http::ServerRequest& request, const VerifiedCaller& caller,
    std::optional<sigv4::Digest>* signed_sha256 = nullptr);

}  // namespace s3storm::target
