// The decoder against AWS's published chunk-signed uploads (66,560 bytes of 'a' as 64 KiB, 1 KiB
// and the empty chunk; the plain and the trailer variant), fed whole and in every small split, and
// each way the framing or a signature can be broken.

#include "target/aws_chunked_decoder.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../support/aws_chunked_example.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "target/s3_error.hpp"

namespace s3storm::target {
namespace {

using aws_chunked_example::kSeed;
using aws_chunked_example::kTrailerSeed;
const sigv4::ChunkSigner& example_signer() {
  return aws_chunked_example::signer();
}
std::string signed_example() {
  return aws_chunked_example::signed_body();
}
std::string trailer_example() {
  return aws_chunked_example::trailer_body();
}

// Feeds `body` in pieces of `piece` bytes; returns the decoded bytes.
std::string decode(AwsChunkedDecoder& decoder, std::string_view body, std::size_t piece) {
  std::string out;
  for (std::size_t at = 0; at < body.size(); at += piece) {
    decoder.feed(body.substr(at, piece), [&](std::string_view data) { out.append(data); });
  }
  decoder.finish();
  return out;
}

ErrorCode decode_error_of(std::string body, bool signed_chunks = true,
                          std::string_view seed = kSeed) {
  const auto& signer = example_signer();
  AwsChunkedDecoder decoder(signed_chunks ? &signer : nullptr, std::string(seed));
  try {
    decode(decoder, body, body.size() + 1);
  } catch (const S3Error& error) {
    return error.code();
  }
  ADD_FAILURE() << "decoded without an error";
  return ErrorCode::kInternalError;
}

TEST(AwsChunkedDecoder, DecodesAwsSignedExampleInAnySplit) {
  const auto& signer = example_signer();
  const std::string body = signed_example();
  for (const std::size_t piece : {body.size(), std::size_t{1}, std::size_t{2}, std::size_t{7},
                                  std::size_t{4096}, std::size_t{65537}}) {
    AwsChunkedDecoder decoder(&signer, std::string(kSeed));
    EXPECT_EQ(decode(decoder, body, piece), std::string(66560, 'a')) << piece;
    EXPECT_EQ(decoder.decoded_size(), 66560u);
    EXPECT_TRUE(decoder.trailers().empty());
  }
}

TEST(AwsChunkedDecoder, VerifiesTheSignedTrailerAndKeepsItsChecksum) {
  const auto& signer = example_signer();
  const std::string body = trailer_example();
  for (const std::size_t piece : {body.size(), std::size_t{1}, std::size_t{3}}) {
    AwsChunkedDecoder decoder(&signer, std::string(kTrailerSeed));
    EXPECT_EQ(decode(decoder, body, piece).size(), 66560u);
    ASSERT_EQ(decoder.trailers().size(), 1u);
    EXPECT_EQ(decoder.trailers()[0].first, "x-amz-checksum-crc32c");
    EXPECT_EQ(decoder.trailers()[0].second, "sOO8/Q==");
  }
}

TEST(AwsChunkedDecoder, UnsignedChunksWithATrailer) {
  AwsChunkedDecoder decoder(nullptr, "");
  const std::string body =
      "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Amz-Checksum-CRC32:DUoRhQ==\r\n\r\n";
  EXPECT_EQ(decode(decoder, body, 3), "hello world");
  ASSERT_EQ(decoder.trailers().size(), 1u);
  EXPECT_EQ(decoder.trailers()[0].first, "x-amz-checksum-crc32");
  EXPECT_EQ(decoder.trailers()[0].second, "DUoRhQ==");
}

TEST(AwsChunkedDecoder, TamperedDataFailsItsChunkSignature) {
  std::string body = signed_example();
  body[200] = 'b';
  EXPECT_EQ(decode_error_of(body), ErrorCode::kSignatureDoesNotMatch);
}

TEST(AwsChunkedDecoder, WrongSeedFailsTheFirstChunk) {
  EXPECT_EQ(decode_error_of(signed_example(), true, kTrailerSeed),
            ErrorCode::kSignatureDoesNotMatch);
}

TEST(AwsChunkedDecoder, TamperedTrailerFailsTheTrailerSignature) {
  std::string body = trailer_example();
  body.replace(body.find("sOO8/Q=="), 8, "AAAAAA==");
  EXPECT_EQ(decode_error_of(body, true, kTrailerSeed), ErrorCode::kSignatureDoesNotMatch);
}

TEST(AwsChunkedDecoder, SignedTrailerWithoutItsSignatureIsRefused) {
  std::string body = trailer_example();
  body.erase(body.find("x-amz-trailer-signature"));
  body += "\r\n";
  EXPECT_EQ(decode_error_of(body, true, kTrailerSeed), ErrorCode::kInvalidRequest);
}

TEST(AwsChunkedDecoder, SignedChunkWithoutSignatureIsRefused) {
  EXPECT_EQ(decode_error_of("5\r\nhello\r\n0\r\n\r\n"), ErrorCode::kInvalidRequest);
}

TEST(AwsChunkedDecoder, BrokenFramingIsInvalidRequest) {
  EXPECT_EQ(decode_error_of("zz\r\nhello\r\n0\r\n\r\n", false), ErrorCode::kInvalidRequest);
  EXPECT_EQ(decode_error_of("5\r\nhelloXY0\r\n\r\n", false), ErrorCode::kInvalidRequest);
  EXPECT_EQ(decode_error_of("5\nhello\r\n0\r\n\r\n", false), ErrorCode::kInvalidRequest);
  EXPECT_EQ(decode_error_of("0\r\n\r\nmore", false), ErrorCode::kInvalidRequest);
  EXPECT_EQ(decode_error_of(std::string(2000, '1') + "\r\n", false), ErrorCode::kInvalidRequest);
}

// A trailer line whose name is only blanks (" :x") has no name either; the aws_chunked fuzz target
// found such a line passed on as a trailer with an empty name.
TEST(AwsChunkedDecoder, TrailerLineWithABlankNameIsInvalidRequest) {
  EXPECT_EQ(decode_error_of("0\r\n :x\r\n\r\n", false), ErrorCode::kInvalidRequest);
  EXPECT_EQ(decode_error_of("0\r\n\t :x\r\n\r\n", false), ErrorCode::kInvalidRequest);
  EXPECT_EQ(decode_error_of("0\r\n:x\r\n\r\n", false), ErrorCode::kInvalidRequest);
}

TEST(AwsChunkedDecoder, TruncatedBodyIsIncomplete) {
  const std::string body = signed_example();
  EXPECT_EQ(decode_error_of(body.substr(0, 60000)), ErrorCode::kIncompleteBody);  // inside a chunk
  EXPECT_EQ(decode_error_of(body.substr(0, body.size() - 2)), ErrorCode::kIncompleteBody);
  EXPECT_EQ(decode_error_of("5\r\nhel", false), ErrorCode::kIncompleteBody);
}

}  // namespace
}  // namespace s3storm::target
