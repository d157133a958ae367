#pragma once

// The client side of aws-chunked (Content-Encoding aws-chunked), as minio-go, the Java SDK and
// the current AWS SDKs send object data: "<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n" per
// chunk, an empty last chunk, then trailing headers (a checksum, and its x-amz-trailer-signature
// when signed) and an empty line. The signatures chain from the request's own signature, the
// "seed" (sigv4::ChunkSigner, which the target checks them with too).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "s3/checksum.hpp"
#include "sigv4/chunk_signature.hpp"

namespace s3storm::s3 {

enum class ChunkedMode {
  kNone,            // the body as is (signed or UNSIGNED-PAYLOAD)
  kSigned,          // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kSignedTrailer,   // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kUnsignedTrailer  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

// The x-amz-content-sha256 a mode announces; empty for kNone.
std::string_view streaming_payload_name(ChunkedMode mode);
// Whether the mode carries a checksum in a trailer (rather than in a header).
inline bool has_trailer(ChunkedMode mode) {
  return mode == ChunkedMode::kSignedTrailer || mode == ChunkedMode::kUnsignedTrailer;
}

struct ChunkedFraming {
  ChunkedMode mode = ChunkedMode::kSigned;
  std::uint64_t chunk_size = 64 * 1024;
  std::optional<ChecksumAlgorithm> trailer;  // the trailer modes: the checksum it carries
};

// The SHA-256 of a chunk's data, which its signature covers; a caller that sends the same bytes
// again may remember it (as Session::payload_hash does for whole bodies).
using ChunkDigest = std::function<sigv4::Digest(std::string_view chunk)>;

// Writes `data` framed into `out` (cleared first). `signing` and `seed_signature` chain the
// signatures of the signed modes; kUnsignedTrailer ignores them. `digest` hashes each chunk (empty:
// sigv4::sha256). The trailer's checksum is computed over `data` on the way and returned (base64;
// empty without one).
std::string encode_aws_chunked(std::string& out, std::string_view data,
                               const ChunkedFraming& framing, const sigv4::ChunkSigner* signing,
                               std::string_view seed_signature, const ChunkDigest& digest = {});

}  // namespace s3storm::s3
