#pragma once

// AWS's published chunk-signed upload examples (the SigV4 "streaming" pages: 66,560 bytes of 'a'
// sent as a 64 KiB, a 1 KiB and the empty chunk, plain and with a CRC32C trailer): the encoder's
// tests (tests/s3), the decoder's (tests/target) and the aws_chunked fuzz target share them, so
// both directions are held to the same published bytes.

#include <string>
#include <string_view>

#include "aws_example_keys.hpp"
#include "sigv4/chunk_signature.hpp"
#include "sigv4/signing_key_cache.hpp"

namespace s3storm::aws_chunked_example {

// The examples' signing scope (secret wJalr..., 2013-05-24, us-east-1, s3).
inline const sigv4::ChunkSigningScope& scope() {
  static const sigv4::ChunkSigningScope scope = [] {
    const sigv4::Digest key =
        sigv4::derive_signing_key(aws_example_keys::kS3Secret, "20130524", "us-east-1", "s3");
    return sigv4::ChunkSigningScope{sigv4::HmacSha256Key(std::string_view(
                                        reinterpret_cast<const char*>(key.data()), key.size())),
                                    "20130524T000000Z", "20130524/us-east-1/s3/aws4_request"};
  }();
  return scope;
}

// What signs (and checks) the examples' chunks.
inline const sigv4::ChunkSigner& signer() {
  static const sigv4::ChunkSigner signer(scope());
  return signer;
}

// The seed signatures of the two examples (their requests' own signatures).
inline constexpr std::string_view kSeed =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
inline constexpr std::string_view kTrailerSeed =
    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

// The object both examples upload.
inline std::string data() {
  return std::string(66560, 'a');
}

// 66,560 bytes of 'a' as a 64 KiB, a 1 KiB and the empty chunk with these chunk signatures, then
// the trailer lines, if any.
inline std::string example_body(std::string_view first, std::string_view second,
                                std::string_view last, std::string_view trailer) {
  return "10000;chunk-signature=" + std::string(first) + "\r\n" + std::string(65536, 'a') +
         "\r\n400;chunk-signature=" + std::string(second) + "\r\n" + std::string(1024, 'a') +
         "\r\n0;chunk-signature=" + std::string(last) + "\r\n" + std::string(trailer) + "\r\n";
}

// The body of the plain example.
inline std::string signed_body() {
  return example_body("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                      "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                      "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9", "");
}

// The body of the trailer example; its trailer carries this CRC32C.
inline constexpr std::string_view kTrailerCrc32c = "sOO8/Q==";
inline std::string trailer_body() {
  return example_body("b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
                      "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
                      "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
                      "x-amz-checksum-crc32c:sOO8/Q==\r\n"
                      "x-amz-trailer-signature:"
                      "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n");
}

}  // namespace s3storm::aws_chunked_example
