#include "target/aws_chunked_decoder.hpp"

#include <algorithm>
#include <charconv>

#include "target/s3_error.hpp"
#include "util/ascii.hpp"
#include "util/hex.hpp"

namespace s3storm::target {

namespace {

constexpr std::size_t kMaxChunkHeader = 1024;  // "<16 hex digits>;chunk-signature=<64>" and more
constexpr std::size_t kMaxTrailerLine = 4096;
constexpr std::size_t kMaxTrailers = 16;
// Far above any body the server accepts, low enough that sizes never overflow when added up.
constexpr std::uint64_t kMaxChunkSize = std::uint64_t{1} << 40;

constexpr std::string_view kSignatureExtension = "chunk-signature=";
constexpr std::string_view kTrailerSignature = "x-amz-trailer-signature";

const sigv4::Digest& empty_digest() {
  static const sigv4::Digest kEmptyDigest = sigv4::sha256({});
  return kEmptyDigest;
}

[[noreturn]] void malformed(const std::string& what) {
  throw S3Error(ErrorCode::kInvalidRequest, "Malformed aws-chunked body: " + what);
}

[[noreturn]] void signature_mismatch(std::string_view what) {
  throw S3Error(ErrorCode::kSignatureDoesNotMatch,
                "The request signature we calculated does not match the signature you provided "
                "(" +
                    std::string(what) + ").");
}

}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(const sigv4::ChunkSigner* signing,
                                     std::string_view seed_signature)
    : signing_(signing), previous_is_signature_(seed_signature.size() == previous_.hex.size()) {
  if (previous_is_signature_) seed_signature.copy(previous_.hex.data(), previous_.hex.size());
}

bool AwsChunkedDecoder::take_line(std::string_view& piece, std::size_t limit,
                                  std::string_view& line) {
  const auto newline = piece.find('\n');
  const std::size_t take = newline == std::string_view::npos ? piece.size() : newline + 1;
  if (line_.size() + take > limit) malformed("a chunk header or trailer line is too long");
  if (newline != std::string_view::npos && line_.empty()) {
    line = piece.substr(0, take);
  } else {
    line_.append(piece.data(), take);
    line = line_;
  }
  piece.remove_prefix(take);
  if (newline == std::string_view::npos) return false;
  if (line.size() < 2 || line[line.size() - 2] != '\r') malformed("a line does not end in CRLF");
  line.remove_suffix(2);
  return true;
}

void AwsChunkedDecoder::feed(std::string_view piece, const DataSink& sink) {
  std::string_view line;
  while (!piece.empty()) {
    switch (state_) {
      case State::kChunkHeader:
        if (!take_line(piece, kMaxChunkHeader, line)) return;
        start_chunk(line);
        line_.clear();
        break;
      case State::kData: {
        const auto take =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, piece.size()));
        const std::string_view data = piece.substr(0, take);
        if (signing_) chunk_hash_.update(data);
        sink(data);
        decoded_ += take;
        remaining_ -= take;
        piece.remove_prefix(take);
        if (remaining_ == 0) state_ = State::kDataEnd;
        break;
      }
      case State::kDataEnd:
        if (piece.front() != "\r\n"[crlf_seen_]) malformed("chunk data is not followed by CRLF");
        piece.remove_prefix(1);
        if (++crlf_seen_ == 2) {
          crlf_seen_ = 0;
          end_chunk();
          state_ = State::kChunkHeader;
        }
        break;
      case State::kTrailer:
        if (!take_line(piece, kMaxTrailerLine, line)) return;
        if (line.empty()) {
          end_trailer();
          state_ = State::kDone;
        } else {
          add_trailer(line);
        }
        line_.clear();
        break;
      case State::kDone:
        malformed("data follows the final chunk");
    }
  }
}

void AwsChunkedDecoder::start_chunk(std::string_view header) {
  const auto semicolon = header.find(';');
  const std::string_view size_text = header.substr(0, semicolon);
  std::uint64_t size = 0;
  const auto [end, ec] =
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
  if (size_text.empty() || ec != std::errc{} || end != size_text.data() + size_text.size() ||
      size > kMaxChunkSize) {
    malformed("bad chunk size \"" + std::string(size_text.substr(0, 32)) + "\"");
  }
  declared_size_ = 0;
  if (semicolon != std::string_view::npos) {
    const std::string_view extension = header.substr(semicolon + 1);
    if (extension.starts_with(kSignatureExtension)) {
      const std::string_view declared = extension.substr(kSignatureExtension.size());
      declared_size_ = declared.size();
      declared.copy(declared_.hex.data(), declared_.hex.size());
    }
  }
  if (signing_ && declared_size_ == 0) malformed("a chunk has no chunk-signature");
  chunk_size_ = size;
  remaining_ = size;
  if (size > 0) {
    state_ = State::kData;
    return;
  }
  // The empty last chunk: signed like any other, then the trailer.
  end_chunk();
  state_ = State::kTrailer;
}

void AwsChunkedDecoder::end_chunk() {
  if (!signing_) return;
  // The empty last chunk's hash is a constant: no block to compress for it.
  const sigv4::Digest data_hash = chunk_size_ == 0 ? empty_digest() : chunk_hash_.finish();
  // A declared signature longer than 64 characters cannot match: only its first 64 were kept,
  // and its length decides.
  const bool matches = previous_is_signature_ && declared_size_ == declared_.hex.size() &&
                       sigv4::constant_time_equal(
                           signing_->chunk(previous_.view(), data_hash).view(), declared_.view());
  if (!matches) signature_mismatch("chunk-signature");
  previous_ = declared_;
  if (chunk_size_ > 0) {
    last_data_hash_ = data_hash;
    ++data_chunks_;
  }
}

std::optional<sigv4::Digest> AwsChunkedDecoder::signed_body_sha256() const {
  if (!signing_ || state_ != State::kDone || data_chunks_ > 1) return std::nullopt;
  // No chunk with data: the body is empty, and the last chunk's signature covered that.
  return data_chunks_ == 1 ? last_data_hash_ : empty_digest();
}

void AwsChunkedDecoder::add_trailer(std::string_view line) {
  const auto colon = line.find(':');
  std::string name(ascii::trim(line.substr(0, colon)));
  if (colon == std::string_view::npos || name.empty()) malformed("a trailer line has no name");
  for (auto& c : name) c = ascii::lower(c);
  const std::string_view value = ascii::trim(line.substr(colon + 1));
  if (name == kTrailerSignature) {
    trailer_signature_ = value;
    return;
  }
  if (trailers_.size() == kMaxTrailers) malformed("too many trailing headers");
  canonical_trailer_.append(name).append(":").append(value).append("\n");
  trailers_.emplace_back(std::move(name), std::string(value));
}

void AwsChunkedDecoder::end_trailer() {
  if (!signing_ || trailers_.empty()) return;
  if (trailer_signature_.empty()) malformed("the trailer has no x-amz-trailer-signature");
  if (!previous_is_signature_ ||
      !sigv4::constant_time_equal(signing_->trailer(previous_.view(), canonical_trailer_).view(),
                                  trailer_signature_)) {
    signature_mismatch("x-amz-trailer-signature");
  }
}

void AwsChunkedDecoder::finish() const {
  if (state_ != State::kDone) {
    throw S3Error(ErrorCode::kIncompleteBody,
                  "The request body terminated unexpectedly (the aws-chunked framing is not "
                  "complete).");
  }
}

}  // namespace s3storm::target
