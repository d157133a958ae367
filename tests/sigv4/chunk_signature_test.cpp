// AWS's published examples of chunk-signed uploads (S3 API reference, "Signature Calculations for
// the Authorization Header: Transferring Payload in Multiple Chunks" and its trailer variant):
// 64 KiB + 1 KiB of 'a' and the empty last chunk, under the documentation's example key.

#include "sigv4/chunk_signature.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sigv4/signing_key_cache.hpp"

namespace s3storm::sigv4 {
namespace {

ChunkSigningScope example_scope() {
  const Digest key =
      derive_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3");
  return {HmacSha256Key(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())),
          "20130524T000000Z", "20130524/us-east-1/s3/aws4_request"};
}

TEST(ChunkSignature, ChainsFromTheSeedAsAwsDocuments) {
  const auto scope = example_scope();
  const std::string first =
      chunk_signature(scope, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
                      sha256(std::string(65536, 'a')));
  EXPECT_EQ(first, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
  const std::string second = chunk_signature(scope, first, sha256(std::string(1024, 'a')));
  EXPECT_EQ(second, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497");
  EXPECT_EQ(chunk_signature(scope, second, sha256("")),
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");
}

TEST(ChunkSignature, TrailerVariantAndItsTrailerSignature) {
  const auto scope = example_scope();
  const std::string first =
      chunk_signature(scope, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
                      sha256(std::string(65536, 'a')));
  EXPECT_EQ(first, "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2");
  const std::string second = chunk_signature(scope, first, sha256(std::string(1024, 'a')));
  EXPECT_EQ(second, "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7");
  const std::string last = chunk_signature(scope, second, sha256(""));
  EXPECT_EQ(last, "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992");
  EXPECT_EQ(trailer_signature(scope, last, "x-amz-checksum-crc32c:sOO8/Q==\n"),
            "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435");
}

TEST(ChunkSignature, AnyChangeInTheChunkChangesTheSignature) {
  const auto scope = example_scope();
  const std::string seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
  std::string data(65536, 'a');
  const std::string good = chunk_signature(scope, seed, sha256(data));
  data[100] = 'b';
  EXPECT_NE(chunk_signature(scope, seed, sha256(data)), good);
}

}  // namespace
}  // namespace s3storm::sigv4
