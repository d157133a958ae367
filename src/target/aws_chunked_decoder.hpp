#pragma once

// Decodes an aws-chunked body (x-amz-content-sha256 STREAMING-...): "<hex size>[;chunk-signature=
// <sig>]\r\n<data>\r\n" per chunk, an empty last chunk, then trailing "name:value\r\n" headers
// and an empty line. Push-style: feed() takes the encoded body in pieces of any size, hands each
// stretch of data to the sink as a view into the piece, and checks each chunk's signature as the
// chunk ends, so the body is never held twice (S3Handler decodes in place). Errors are S3Errors:
// SignatureDoesNotMatch for a chunk or trailer signature, InvalidRequest for broken framing,
// IncompleteBody for a body that ends early.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sigv4/chunk_signature.hpp"

namespace s3storm::target {

class AwsChunkedDecoder {
 public:
  using DataSink = std::function<void(std::string_view data)>;

  // `signing` null: unsigned chunks (STREAMING-UNSIGNED-PAYLOAD-TRAILER). Otherwise every chunk
  // must carry its signature, chained from `seed_signature` (the request's own, 64 hex digits),
  // and a trailer must be signed. `signing` must outlive the decoder.
  AwsChunkedDecoder(const sigv4::ChunkSigner* signing, std::string_view seed_signature);

  void feed(std::string_view piece, const DataSink& sink);
  // The body has ended: throws IncompleteBody unless the framing ended too.
  void finish() const;

  std::uint64_t decoded_size() const { return decoded_; }
  // The decoded body's SHA-256 when a verified chunk signature covered all of it (signed chunks,
  // at most one chunk with data: its hash is the body's), after the framing has ended; nullopt
  // otherwise. Lets --discard give the same body the same ETag as a signed PUT would.
  std::optional<sigv4::Digest> signed_body_sha256() const;
  // Trailing headers as received (names lower-cased), the trailer signature left out.
  const std::vector<std::pair<std::string, std::string>>& trailers() const { return trailers_; }

 private:
  enum class State { kChunkHeader, kData, kDataEnd, kTrailer, kDone };

  // The next whole line of `piece` (CRLF stripped), taken off it: a view into the piece when the
  // line lies in it whole (the usual case: no copy), else into line_, which collects a line cut
  // between pieces. False while the line goes on in the next piece.
  bool take_line(std::string_view& piece, std::size_t limit, std::string_view& line);
  void start_chunk(std::string_view header);
  void end_chunk();
  void add_trailer(std::string_view line);
  void end_trailer();

  const sigv4::ChunkSigner* signing_;
  // The signature the next one chains from (the seed, then each chunk's), and the one the
  // current chunk declares: at most 64 characters are kept, which is all a good one has.
  sigv4::ChunkSignature previous_{};
  bool previous_is_signature_ = false;  // the seed had a signature's length
  sigv4::ChunkSignature declared_{};
  std::size_t declared_size_ = 0;
  sigv4::Sha256 chunk_hash_;
  sigv4::Digest last_data_hash_{};  // of the last chunk with data, once its signature matched
  std::uint64_t data_chunks_ = 0;   // verified chunks with data
  State state_ = State::kChunkHeader;
  std::string line_;
  std::uint64_t chunk_size_ = 0;  // of the current chunk
  std::uint64_t remaining_ = 0;   // data bytes left in the current chunk
  std::size_t crlf_seen_ = 0;     // of the CRLF after a chunk's data
  std::uint64_t decoded_ = 0;
  std::vector<std::pair<std::string, std::string>> trailers_;
  std::string trailer_signature_;
  std::string canonical_trailer_;
};

}  // namespace s3storm::target
