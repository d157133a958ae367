#pragma once

// SigV4 for bodies sent in aws-chunked framing: each chunk carries a signature chained from the
// previous one (the request's own signature, the "seed", for the first), and a trailer after the
// last chunk may carry one more. One implementation for whoever signs chunks and whoever checks
// them, so both always agree.

#include <string>
#include <string_view>

#include "sigv4/crypto.hpp"

namespace s3storm::sigv4 {

// x-amz-content-sha256 values that announce an aws-chunked body.
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

// What chains the signatures: the request's signing key, x-amz-date and credential scope
// ("20130524/us-east-1/s3/aws4_request").
struct ChunkSigningScope {
  HmacSha256Key key;
  std::string amz_date;
  std::string scope;
};

// Lower-case hex signature of one chunk, given the SHA-256 of its data (the last, empty chunk
// included) and the signature before it.
std::string chunk_signature(const ChunkSigningScope& scope, std::string_view previous_signature,
                            const Digest& chunk_sha256);

// Lower-case hex signature of the trailer: `canonical_trailer` is each trailing header but the
// signature itself, as "name:value\n" (lower-case name).
std::string trailer_signature(const ChunkSigningScope& scope, std::string_view previous_signature,
                              std::string_view canonical_trailer);

}  // namespace s3storm::sigv4
