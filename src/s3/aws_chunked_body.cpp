#include "s3/aws_chunked_body.hpp"

#include <algorithm>
#include <charconv>

namespace s3storm::s3 {

namespace {

constexpr std::string_view kSignatureExtension = ";chunk-signature=";

void append_chunk_header(std::string& out, std::uint64_t size, std::string_view signature) {
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, size, 16).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
  if (!signature.empty()) out.append(kSignatureExtension).append(signature);
  out.append("\r\n");
}

}  // namespace

std::string_view streaming_payload_name(ChunkedMode mode) {
  switch (mode) {
    case ChunkedMode::kNone:
      return {};
    case ChunkedMode::kSigned:
      return sigv4::kStreamingSignedPayload;
    case ChunkedMode::kSignedTrailer:
      return sigv4::kStreamingSignedPayloadTrailer;
    case ChunkedMode::kUnsignedTrailer:
      return sigv4::kStreamingUnsignedPayloadTrailer;
  }
  return {};
}

std::string encode_aws_chunked(std::string& out, std::string_view data,
                               const ChunkedFraming& framing, const sigv4::ChunkSigner* signing,
                               std::string_view seed_signature, const ChunkDigest& digest) {
  static const sigv4::Digest kEmptyDigest = sigv4::sha256({});
  const bool signed_chunks = framing.mode != ChunkedMode::kUnsignedTrailer && signing != nullptr;
  const std::uint64_t chunk_size = std::max<std::uint64_t>(framing.chunk_size, 1);
  std::optional<Checksummer> checksummer;
  if (framing.trailer && has_trailer(framing.mode)) checksummer.emplace(*framing.trailer);

  out.clear();
  // Headers and signatures add about 90 bytes per chunk, the trailer a few hundred.
  out.reserve(data.size() + (data.size() / chunk_size + 2) * 96 + 256);
  std::string_view previous = seed_signature;
  sigv4::ChunkSignature signature{};
  sigv4::ChunkSignature chained{};  // `previous` once past the seed
  for (;;) {
    const std::string_view chunk = data.substr(0, std::min<std::uint64_t>(chunk_size, data.size()));
    data.remove_prefix(chunk.size());
    if (signed_chunks) {
      const sigv4::Digest hash =
          chunk.empty() ? kEmptyDigest : (digest ? digest(chunk) : sigv4::sha256(chunk));
      signature = signing->chunk(previous, hash);
    }
    append_chunk_header(out, chunk.size(), signed_chunks ? signature.view() : std::string_view{});
    if (chunk.empty()) break;  // the last chunk, always empty
    if (checksummer) checksummer->update(chunk);
    out.append(chunk).append("\r\n");
    chained = signature;
    previous = chained.view();
  }
  if (!has_trailer(framing.mode)) {
    out.append("\r\n");
    return {};
  }
  std::string value;
  if (checksummer) {
    value = checksummer->finish();
    std::string trailer(checksum_header(checksummer->algorithm()));
    trailer.append(":").append(value);
    out.append(trailer).append("\r\n");
    if (signed_chunks) {
      trailer.push_back('\n');
      out.append("x-amz-trailer-signature:")
          .append(signing->trailer(signature.view(), trailer).view())
          .append("\r\n");
    }
  }
  out.append("\r\n");
  return value;
}

}  // namespace s3storm::s3
