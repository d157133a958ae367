// The aws-chunked body the load engine sends: byte for byte AWS's published chunk-signed examples
// (66,560 bytes of 'a' in 64 KiB chunks, plain and with a CRC32C trailer), and every mode and
// checksum accepted by the target's own check of an upload body (the decoder, the chunk and trailer
// signatures, the checksum); a wrong checksum, signed or not, is refused with BadDigest.

#include "s3/aws_chunked_body.hpp"

#include <gtest/gtest.h>

#include <string>

#include "../support/aws_chunked_example.hpp"
#include "sigv4/signing_key_cache.hpp"
#include "target/s3_error.hpp"
#include "target/upload_body.hpp"

namespace s3storm::s3 {
namespace {

using aws_chunked_example::kSeed;
using aws_chunked_example::kTrailerSeed;
const sigv4::ChunkSigner& example_signer() {
  return aws_chunked_example::signer();
}
const std::string kExampleData = aws_chunked_example::data();

TEST(AwsChunkedBody, SignedChunksAreAwsPublishedExample) {
  const auto& signer = example_signer();
  std::string out;
  const auto trailer =
      encode_aws_chunked(out, kExampleData, {ChunkedMode::kSigned, 65536, {}}, &signer, kSeed);
  EXPECT_EQ(trailer, "");
  EXPECT_EQ(out, aws_chunked_example::signed_body());
}

TEST(AwsChunkedBody, SignedTrailerIsAwsPublishedExample) {
  const auto& signer = example_signer();
  std::string out;
  const auto trailer = encode_aws_chunked(
      out, kExampleData, {ChunkedMode::kSignedTrailer, 65536, ChecksumAlgorithm::kCrc32c}, &signer,
      kTrailerSeed);
  EXPECT_EQ(trailer, aws_chunked_example::kTrailerCrc32c);
  EXPECT_EQ(out, aws_chunked_example::trailer_body());
}

TEST(AwsChunkedBody, UnsignedTrailerHasNoSignatures) {
  std::string out;
  encode_aws_chunked(out, "hello world",
                     {ChunkedMode::kUnsignedTrailer, 8192, ChecksumAlgorithm::kCrc32}, nullptr, {});
  EXPECT_EQ(out, "b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n");
}

// The request a client sends with this body, as the target sees it after the authenticator.
struct Upload {
  http::ServerRequest request;
  target::VerifiedCaller caller;
};

Upload upload_of(ChunkedMode mode, std::string body, std::size_t decoded,
                 std::optional<ChecksumAlgorithm> checksum) {
  Upload upload;
  upload.request.method = "PUT";
  upload.request.headers = {{"content-encoding", "aws-chunked"},
                            {"x-amz-decoded-content-length", std::to_string(decoded)}};
  if (checksum)
    upload.request.headers.push_back({"x-amz-trailer", std::string(checksum_header(*checksum))});
  upload.request.body = std::move(body);
  upload.caller.streaming_payload = streaming_payload_name(mode);
  if (mode != ChunkedMode::kUnsignedTrailer) {
    upload.caller.chunk_signing = std::make_shared<const sigv4::ChunkSigner>(example_signer());
    upload.caller.seed_signature = kSeed;
  }
  return upload;
}

class EveryModeAndChecksum
    : public ::testing::TestWithParam<std::tuple<ChunkedMode, std::optional<ChecksumAlgorithm>>> {};

TEST_P(EveryModeAndChecksum, TheTargetAcceptsTheBodyAndItsChecksum) {
  const auto [mode, checksum] = GetParam();
  const auto& signer = example_signer();
  // Three full chunks and a short one, so the signatures chain across several chunks.
  std::string data(3 * 8192 + 100, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  std::string body;
  const auto sent = encode_aws_chunked(body, data, {mode, 8192, checksum}, &signer, kSeed);
  if (checksum) {
    EXPECT_EQ(sent, checksum_base64(*checksum, data));
  }

  auto upload = upload_of(mode, body, data.size(), checksum);
  const auto stored = target::accept_upload_body(upload.request, upload.caller);
  EXPECT_EQ(upload.request.body, data);  // decoded in place
  ASSERT_EQ(stored.has_value(), checksum.has_value());
  if (checksum) {
    EXPECT_EQ(stored->value, checksum_base64(*checksum, data));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, EveryModeAndChecksum,
    ::testing::Combine(::testing::Values(ChunkedMode::kSignedTrailer,
                                         ChunkedMode::kUnsignedTrailer),
                       ::testing::Values(std::nullopt, ChecksumAlgorithm::kCrc32,
                                         ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kCrc64Nvme,
                                         ChecksumAlgorithm::kSha1, ChecksumAlgorithm::kSha256)));
INSTANTIATE_TEST_SUITE_P(PlainSigned, EveryModeAndChecksum,
                         ::testing::Combine(::testing::Values(ChunkedMode::kSigned),
                                            ::testing::Values(std::nullopt)));

// The whole body's SHA-256 comes back when one verified chunk signature covered it (what
// serve --discard makes the ETag of), and only then.
TEST(AwsChunkedBody, OneSignedChunkVouchesForTheBodySha256) {
  const auto& signer = example_signer();
  struct Case {
    ChunkedMode mode;
    std::string data;
    std::size_t chunk;
    bool vouched;
  };
  const std::string kilobyte(1024, 'k');
  for (const auto& [mode, data, chunk, vouched] :
       {Case{ChunkedMode::kSigned, kilobyte, 65536, true},
        Case{ChunkedMode::kSignedTrailer, kilobyte, 65536, true},
        Case{ChunkedMode::kSigned, "", 65536, true},
        Case{ChunkedMode::kSigned, kilobyte, 512, false},
        Case{ChunkedMode::kUnsignedTrailer, kilobyte, 65536, false}}) {
    std::string body;
    encode_aws_chunked(body, data, {mode, chunk, {}}, &signer, kSeed);
    auto upload = upload_of(mode, body, data.size(), std::nullopt);
    std::optional<sigv4::Digest> sha256;
    target::accept_upload_body(upload.request, upload.caller, &sha256);
    ASSERT_EQ(sha256.has_value(), vouched) << data.size() << " in chunks of " << chunk;
    if (vouched) {
      EXPECT_EQ(*sha256, sigv4::sha256(data));
    }
  }
}

// Replaces the trailer's checksum with the one of other bytes; re-signs it when the mode signs
// trailers, so only the checksum is wrong.
std::string with_wrong_checksum(const std::string& body, ChunkedMode mode) {
  const std::string name = "x-amz-checksum-crc32:";
  const auto at = body.find(name);
  const std::string wrong = name + checksum_base64(ChecksumAlgorithm::kCrc32, "other bytes");
  std::string out = body.substr(0, at) + wrong + "\r\n";
  if (mode == ChunkedMode::kSignedTrailer) {
    // The trailer signature chains from the last chunk's, found before the trailer.
    const auto last = body.rfind("0;chunk-signature=", at);
    const auto previous = body.substr(last + 18, 64);
    out += "x-amz-trailer-signature:" +
           std::string(example_signer().trailer(previous, wrong + "\n").view()) + "\r\n";
  }
  return out + "\r\n";
}

TEST(AwsChunkedBody, AWrongTrailerChecksumIsRefused) {
  const auto& signer = example_signer();
  for (const auto mode : {ChunkedMode::kSignedTrailer, ChunkedMode::kUnsignedTrailer}) {
    std::string body;
    encode_aws_chunked(body, "hello world", {mode, 8192, ChecksumAlgorithm::kCrc32}, &signer,
                       kSeed);
    auto upload = upload_of(mode, with_wrong_checksum(body, mode), 11, ChecksumAlgorithm::kCrc32);
    try {
      target::accept_upload_body(upload.request, upload.caller);
      ADD_FAILURE() << "accepted a wrong checksum";
    } catch (const target::S3Error& e) {
      EXPECT_EQ(e.code(), target::ErrorCode::kBadDigest);
    }
  }
}

TEST(AwsChunkedBody, AChangedChunkBreaksItsSignature) {
  const auto& signer = example_signer();
  std::string body;
  encode_aws_chunked(body, "hello world", {ChunkedMode::kSigned, 8192, {}}, &signer, kSeed);
  body[body.find("hello")] = 'j';
  auto upload = upload_of(ChunkedMode::kSigned, body, 11, std::nullopt);
  try {
    target::accept_upload_body(upload.request, upload.caller);
    ADD_FAILURE() << "accepted a changed chunk";
  } catch (const target::S3Error& e) {
    EXPECT_EQ(e.code(), target::ErrorCode::kSignatureDoesNotMatch);
  }
}

}  // namespace
}  // namespace s3storm::s3
